/**
 * npm run bench [-- --sizes 50,200,1000]
 *
 * Star topologies of N hosts on one bridge. For each N, in the same run:
 *   - netplumb (the engine, in process): apply, plan when in sync, add one host, destroy
 *   - a tutorial-style shell script doing the same with one `ip` command per
 *     step (veth created, then moved into its namespace), and its teardown
 *   - Mininet (`mn --switch lxbr --controller none`) when installed
 * Prints each figure and its ratio to the script. Targets (issue 3): 200-host
 * apply <= 0.15x the script; add-one-host <= 0.1 s; destroy leaves nothing.
 * Needs root. Every kernel name carries a unique prefix; all is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { applyDocument, destroyLab, planDocument } from '../electron/kernel/engine';
import { listNetns } from '../electron/kernel/netns';
import { cleanupPrefix } from '../electron/kernel/test-support/lab-fixture';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '50,200,1000').split(',').map(Number);
const runDir = mkdtempSync(join(tmpdir(), 'netplumb-bench-'));

function star(prefix: string, n: number) {
  const nodes: object[] = [{ id: 'br', name: `${prefix}br`, kind: 'bridge' }];
  const links: object[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `h${i}`, name: `${prefix}h${i}`, kind: 'namespace' });
    links.push({ id: `l${i}`, a: { node: `h${i}`, ifname: "eth0", addresses: [`10.${(i >> 8) & 255}.${i & 255}.1/8`] }, b: { node: 'br', ifname: `${prefix}p${i}` } });
  }
  return { version: 1, name: `${prefix}-star`, nodes, links };
}

function scriptUp(prefix: string, n: number): string {
  const lines = ['set -e', `ip link add ${prefix}br type bridge`, `ip link set ${prefix}br up`];
  for (let i = 0; i < n; i++) {
    const ns = `${prefix}h${i}`;
    lines.push(
      `ip netns add ${ns}`,
      `ip link add ${prefix}v${i} type veth peer name ${prefix}p${i}`,
      `ip link set ${prefix}v${i} netns ${ns}`,
      `ip -n ${ns} link set ${prefix}v${i} name eth0`,
      `ip link set ${prefix}p${i} master ${prefix}br`,
      `ip link set ${prefix}p${i} up`,
      `ip -n ${ns} addr add 10.${(i >> 8) & 255}.${i & 255}.1/8 dev eth0`,
      `ip -n ${ns} link set eth0 up`,
      `ip -n ${ns} link set lo up`,
    );
  }
  return lines.join('\n') + '\n';
}
function scriptDown(prefix: string, n: number): string {
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`ip netns del ${prefix}h${i}`);
  lines.push(`ip link del ${prefix}br`);
  return lines.join('\n') + '\n';
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (x: number, base: number) => `${(x / base).toFixed(3)}x`;

async function runScript(text: string) {
  const f = join(runDir, 'script.sh');
  writeFileSync(f, text);
  const r = await execa('bash', [f], { reject: false });
  if (r.exitCode !== 0) throw new Error(`script failed: ${r.stderr}`);
}

async function leftovers(prefix: string): Promise<string[]> {
  const ns = (await listNetns()).filter((x) => x.startsWith(prefix));
  const links = JSON.parse((await execa('ip', ['-j', 'link', 'show'])).stdout).map((l: { ifname: string }) => l.ifname).filter((x: string) => x.startsWith(prefix));
  return [...ns, ...links];
}

async function mininet(n: number): Promise<number | undefined> {
  const which = await execa('sh', ['-c', 'command -v mn'], { reject: false });
  if (which.exitCode !== 0) return undefined;
  const [ms] = await time(() => execa('mn', ['--switch', 'lxbr', '--controller', 'none', '--topo', `single,${n}`, '--test', 'none'], { reject: false }));
  await execa('mn', ['-c'], { reject: false });
  return ms;
}

if (process.getuid?.() !== 0) {
  console.error('npm run bench needs root (it creates network namespaces).');
  process.exit(1);
}
console.log(`netplumb engine benchmark — star topologies, sizes ${sizes.join(', ')} (ratios are netplumb / shell script, same run)\n`);
let failedTargets = 0;
try {
  for (const n of sizes) {
    const prefix = 'b' + randomBytes(2).toString('hex');
    try {
      const [sUp] = await time(() => runScript(scriptUp(prefix, n)));
      const [sDown] = await time(() => runScript(scriptDown(prefix, n)));
      await cleanupPrefix(prefix);

      const doc = star(prefix, n);
      const [apply, a] = await time(() => applyDocument(doc, { runDir }));
      if (!a.result?.ok) throw new Error(`apply failed: ${a.result?.error ?? JSON.stringify(a.problems)}`);
      const [plan, p] = await time(() => planDocument(doc, { runDir }));
      if (p.changes.length) throw new Error(`plan after apply is not empty (${p.changes.length} changes)`);
      const bigger = star(prefix, n + 1);
      const [addOne, b] = await time(() => applyDocument(bigger, { runDir }));
      if (!b.result?.ok) throw new Error(`add-one-host failed: ${b.result?.error}`);
      const [destroy] = await time(() => destroyLab(doc.name, { runDir }));
      const left = await leftovers(prefix);
      const mn = await mininet(n);

      console.log(`N = ${n}`);
      console.log(`  shell script (one ip per step): up ${fmt(sUp)}, down ${fmt(sDown)}`);
      console.log(`  netplumb apply              ${fmt(apply).padStart(9)}   ${ratio(apply, sUp)} of the script's up`);
      console.log(`  netplumb plan (in sync)     ${fmt(plan).padStart(9)}   ${ratio(plan, sUp)}`);
      console.log(`  netplumb add one host       ${fmt(addOne).padStart(9)}   ${ratio(addOne, sUp)}   (${b.result.steps} steps)`);
      console.log(`  netplumb destroy            ${fmt(destroy).padStart(9)}   ${ratio(destroy, sDown)} of the script's down`);
      console.log(`  left behind after destroy:  ${left.length ? left.join(' ') : 'nothing'}`);
      console.log(`  mininet (lxbr, no controller): ${mn === undefined ? 'not installed, skipped' : `${fmt(mn)}   ${ratio(apply, mn)} netplumb/mininet`}`);
      if (n === 200) {
        const ok1 = apply / sUp <= 0.15;
        const ok2 = addOne <= 100;
        console.log(`  targets: apply <= 0.15x script: ${ok1 ? 'met' : 'MISSED'}; add-one-host <= 0.1 s: ${ok2 ? 'met' : 'MISSED'}`);
        failedTargets += Number(!ok1) + Number(!ok2);
      }
      if (left.length) failedTargets++;
      console.log('');
    } finally {
      await cleanupPrefix(prefix);
    }
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
process.exitCode = failedTargets ? 1 : 0;
