/**
 * The marks (ifalias) of every interface in some namespaces, read right
 * before netplumb deletes anything there (recovery.ts verifyMarks).
 *
 * With the native reader (live-reader.ts) this is one nsread for all the
 * namespaces: each is fingerprinted now, so a namespace served from the
 * cache is proven unchanged at this moment, marks included (IFLA_IFALIAS
 * is in the fingerprint); the root namespace is read by `ip` as always.
 * Without it, one `ip -j link show` per namespace through the fan-out.
 */
import { ROOT_NS } from '../../shared/plan/kstate';
import { IpLinkList } from './ip-json';
import { readLive } from './live-read';
import { readerFor } from './live-reader';
import { fanOut, type Runner } from './runner';

/** Namespace → interface name → its mark; a namespace that is gone is absent. */
export type Marks = Map<string, Map<string, string | undefined>>;

/** Reads the marks of every interface of `spaces` (ROOT_NS = the root namespace). */
export async function readMarks(runner: Runner, spaces: readonly string[]): Promise<Marks> {
  const marks: Marks = new Map();
  if (readerFor(runner) && spaces.some((ns) => ns !== ROOT_NS)) {
    const live = await readLive(runner, {
      namespaces: spaces.filter((ns) => ns !== ROOT_NS),
      includeRoot: spaces.includes(ROOT_NS),
      peerNames: false,
    });
    for (const [ns, k] of Object.entries(live.namespaces))
      marks.set(ns, new Map(Object.entries(k.ifaces).map(([name, f]) => [name, f.mark])));
    return marks;
  }
  const results = await fanOut(
    runner,
    spaces.map((ns) => ({ argv: ['ip', ...(ns === ROOT_NS ? [] : ['-n', ns]), '-j', 'link', 'show'] })),
  );
  spaces.forEach((ns, i) => {
    const r = results[i];
    if (r.exitCode !== 0) return; // the namespace is gone: every object in it "disappeared"
    marks.set(ns, new Map(IpLinkList.parse(JSON.parse(r.stdout || '[]')).map((l) => [l.ifname, l.ifalias])));
  });
  return marks;
}
