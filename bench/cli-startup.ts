/**
 * npm run bench:startup [-- --runs 15]
 *
 * How long the `netplumb` command takes to start, as a user runs it (the
 * bundle in dist/, through bin/netplumb.js run as a program), against `node -e 0` measured in
 * the same run so that the figures travel between machines:
 *   - `netplumb --version`
 *   - `netplumb validate examples/linux-bridge.yaml`
 * Each is a fresh process (cold in the sense of a new node, no warm-up in the
 * same process); the median of the runs is printed. Targets (issue 10):
 * --version <= 0.15 s, validate <= 0.3 s (before the bundle: about 1.1 s and 3 s).
 * Builds dist/ first when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from '../scripts/build.mjs';

const root = join(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 15;
const bin = join(root, 'bin', 'netplumb.js');

/**
 * A command: node's arguments, or (`program`) the command's own arguments, run as a shell runs
 * it (its `#!` line, this node first on the PATH); and variables taken out of its environment.
 */
type Cmd = { argv: string[]; program?: boolean; unset?: string[] };

function time({ argv, program, unset = [] }: Cmd): number {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
  };
  for (const k of unset) delete env[k];
  const t0 = process.hrtime.bigint();
  const [file, args] = program ? [bin, argv] : [process.execPath, argv];
  const r = spawnSync(file, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  return s;
}

/** Medians of each command, sampled in rounds (one of each per round) so machine noise hits all alike. */
function medians(cmds: Cmd[]): number[] {
  for (const c of cmds) time(c); // warms the OS file cache only
  const samples = cmds.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) cmds.forEach((c, j) => samples[j].push(time(c)));
  return samples.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
}

if (!existsSync(join(root, 'dist', 'cli.cjs'))) await build();
// Node reads the file NODE_EXTRA_CA_CERTS names at every start, before any of our code runs (the
// CLI makes no TLS connection). Where it is set, the bench also times node without it: information.
const extraCa = process.env.NODE_EXTRA_CA_CERTS ? ['NODE_EXTRA_CA_CERTS'] : [];
const [base, version, validate, bare] = medians([
  { argv: ['-e', '0'] },
  { argv: ['--version'], program: true },
  { argv: ['validate', 'examples/linux-bridge.yaml'], program: true },
  ...(extraCa.length ? [{ argv: ['-e', '0'], unset: extraCa }] : []),
]);
const rows: [string, number, number][] = [
  ['netplumb --version', version, 0.15],
  ['netplumb validate examples/linux-bridge.yaml', validate, 0.3],
];
console.log(`node -e 0: ${base.toFixed(3)} s (median of ${runs})`);
if (bare !== undefined)
  console.log(
    `  (NODE_EXTRA_CA_CERTS is set, and node reads that file at every start: node -e 0 without it ${bare.toFixed(3)} s, ${((base - bare) * 1000).toFixed(0)} ms less; node -e 0 includes it; the command leaves it out: bin/netplumb.js)`,
  );
let ok = true;
for (const [name, s, target] of rows) {
  const met = s <= target;
  ok &&= met;
  console.log(
    `${name}: ${s.toFixed(3)} s = ${(s / base).toFixed(2)}x node -e 0 (target <= ${target} s: ${met ? 'met' : 'NOT met'})`,
  );
}
process.exitCode = ok ? 0 : 1;
