/**
 * Benchmark of the live reader (not a test; prints figures):
 *   npx tsx electron/kernel/test-support/live-read-bench.ts [namespaces=50] [runs=5]
 * Builds N scratch namespaces in a chain (veth between neighbours, v4+v6
 * addresses, a static route, marks), reads them with readLive at several
 * concurrency limits, and prints the median time, ms per namespace and the
 * number of processes started. Everything is removed at the end.
 */
import { readLive } from '../live-read';
import { execaRunner, type Runner } from '../runner';
import { ScratchLab, isRoot } from './scratch-netns';

const n = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 5);

function counting(): { run: Runner; count: () => number } {
  let c = 0;
  return { run: (argv, o) => (c++, execaRunner(argv, o)), count: () => c };
}

/** Records real answers, then replays them: measures the reader's own (JavaScript) cost without processes. */
function replaying() {
  const seen = new Map<string, Awaited<ReturnType<Runner>>>();
  const key = (argv: readonly string[], input?: string) => `${argv.join(' ')}\0${input ?? ''}`;
  const record: Runner = async (argv, o) => {
    const r = await execaRunner(argv, o);
    seen.set(key(argv, o?.input), r);
    return r;
  };
  const replay: Runner = async (argv, o) =>
    seen.get(key(argv, o?.input)) ?? { exitCode: 1, stdout: '', stderr: 'not recorded' };
  return { record, replay };
}

async function measure(
  label: string,
  names: string[],
  opts: { sysctls?: boolean; concurrency?: number },
  runner?: Runner,
) {
  const times: number[] = [];
  let procs = 0;
  for (let i = 0; i < runs; i++) {
    const counted = counting();
    const run = runner ?? counted.run;
    const count = runner ? () => 0 : counted.count;
    const t = performance.now();
    const s = await readLive(run, { namespaces: names, ...opts });
    times.push(performance.now() - t);
    procs = count();
    if (Object.keys(s.namespaces).length !== names.length)
      throw new Error('a namespace is missing from the read');
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  console.log(
    `${label.padEnd(34)} median ${med.toFixed(1).padStart(7)} ms  ${(med / names.length).toFixed(2).padStart(6)} ms/ns  ${procs} processes (${(procs / names.length).toFixed(2)}/ns)`,
  );
}

if (!isRoot()) {
  console.error('needs root');
  process.exit(1);
}
const lab = new ScratchLab();
try {
  const t0 = performance.now();
  const names = await lab.netns(n, 'npb');
  for (let i = 0; i < n; i++) {
    const lines = ['link set lo up', `link set lo alias netplumb:bench:ns:${names[i]}`];
    if (i + 1 < n) lines.push(`link add e1 type veth peer name e0 netns ${names[i + 1]}`);
    await lab.batch(names[i], lines);
  }
  for (let i = 0; i < n; i++) {
    const lines: string[] = [];
    for (const [dev, side] of [
      ['e0', 2],
      ['e1', 1],
    ] as const) {
      const net = dev === 'e0' ? i - 1 : i;
      if (net < 0 || net + 1 >= n) continue;
      lines.push(
        `link set ${dev} up alias netplumb:bench:link:${net}`,
        `addr add 10.${net >> 8}.${net & 255}.${side}/24 dev ${dev}`,
        `addr add fd00:${net}::${side}/64 dev ${dev} nodad`,
      );
    }
    if (i + 1 < n) lines.push(`route add 10.200.0.0/16 via 10.${i >> 8}.${i & 255}.2`);
    if (lines.length) await lab.batch(names[i], lines);
  }
  console.log(`built ${n} namespaces in ${(performance.now() - t0).toFixed(0)} ms; ${runs} runs each`);
  for (const c of [1, 4, 8, 16]) await measure(`readLive concurrency ${c}`, names, { concurrency: c });
  await measure('readLive concurrency 8 + sysctls', names, { sysctls: true });
  const { record, replay } = replaying();
  await readLive(record, { namespaces: names });
  await measure('parsing only (replayed output)', names, {}, replay);
} finally {
  await lab.cleanup();
}
