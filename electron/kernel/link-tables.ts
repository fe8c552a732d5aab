/**
 * The link tables of the live views (live/owned.ts): `ip -j [-s] link show`
 * per namespace, or — when the native reader is there (live-reader.ts) —
 * `nsread links`, one process for every named namespace, printing the same
 * fields in the same JSON shape. Counters change all the time, so nothing
 * here is cached. The root namespace, and everything when nsread is missing
 * or fails, go through the fan-out as before.
 */
import { ROOT_NS } from '../../shared/plan/kstate';
import { readerFor } from './live-reader';
import { fanOut, type RunResult, type Runner } from './runner';

const ipJob = (ns: string, stats: boolean) => ({
  argv: ['ip', '-j', ...(stats ? ['-s'] : []), ...(ns === ROOT_NS ? [] : ['-n', ns]), 'link', 'show'],
});

/** One result per namespace of `spaces` (ROOT_NS = the root), shaped as `ip -j link show`'s. */
export async function readLinkTables(
  runner: Runner,
  spaces: readonly string[],
  stats: boolean,
): Promise<RunResult[]> {
  const reader = readerFor(runner);
  const named = spaces.filter((ns) => ns !== ROOT_NS);
  if (!reader || named.length === 0)
    return fanOut(
      runner,
      spaces.map((ns) => ipJob(ns, stats)),
    );
  const rootJobs = spaces.includes(ROOT_NS) ? [ipJob(ROOT_NS, stats)] : [];
  const [r, root] = await Promise.all([
    runner([reader, 'links', stats ? '1' : '0'], { input: named.map((ns) => ns + '\n').join('') }),
    fanOut(runner, rootJobs),
  ]);
  const f = r.stdout.split('\0');
  const byNs = new Map<string, RunResult>();
  if (r.exitCode === 0 && f.pop() === '' && f.length % 4 === 0) {
    for (let i = 0; i < f.length; i += 4) {
      const [ns, status, json, err] = f.slice(i, i + 4);
      byNs.set(
        ns,
        status === 'ok'
          ? { exitCode: 0, stdout: json, stderr: '' }
          : { exitCode: 1, stdout: '', stderr: err || `Cannot open network namespace "${ns}"` },
      );
    }
  }
  // nsread failed as a whole (or left a namespace out): the fan-out reads those.
  const missing = named.filter((ns) => !byNs.has(ns));
  const again = await fanOut(
    runner,
    missing.map((ns) => ipJob(ns, stats)),
  );
  missing.forEach((ns, i) => byNs.set(ns, again[i]));
  return spaces.map((ns) => (ns === ROOT_NS ? root[0] : byNs.get(ns)!));
}
