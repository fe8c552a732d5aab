/**
 * import-host and adopt on the real kernel, run as a user runs them: labs
 * built by hand with a script of the classic tutorial's commands (every name
 * with a unique prefix, removed in afterEach even when a test fails).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../shared/formats';
import type { Topology } from '../../shared/model';
import { importHost } from '../kernel/import-host';
import { SYSCTL_SCRIPT } from '../kernel/live-read';
import { execaRunner, recordingRunner } from '../kernel/runner';
import {
  cleanupPrefix,
  hostSnapshot,
  settledSnapshot,
  tempRunDir,
  uniquePrefix,
} from '../kernel/test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
let p = '';
let run: ReturnType<typeof tempRunDir>;
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    stdin: 'ignore',
    env: { NETPLUMB_RUN_DIR: run.dir, NO_COLOR: '1' },
  });

beforeEach(() => {
  p = uniquePrefix();
  run = tempRunDir();
});
afterEach(async () => {
  await cleanupPrefix(p);
  run.remove();
});

/** The classic tutorial: two namespaces on a root bridge, by hand. */
const classicScript = (p: string) => `
ip netns add ${p}n1
ip netns add ${p}n2
ip link add ${p}br type bridge
ip link set ${p}br up
ip link add ${p}v1 type veth peer name ${p}v1b
ip link add ${p}v2 type veth peer name ${p}v2b
ip link set ${p}v1 netns ${p}n1
ip link set ${p}v2 netns ${p}n2
ip link set ${p}v1b master ${p}br
ip link set ${p}v2b master ${p}br
ip link set ${p}v1b up
ip link set ${p}v2b up
ip -n ${p}n1 link set lo up
ip -n ${p}n2 link set lo up
ip -n ${p}n1 address add 10.77.0.1/24 dev ${p}v1
ip -n ${p}n2 address add 10.77.0.2/24 dev ${p}v2
ip -n ${p}n1 link set ${p}v1 up
ip -n ${p}n2 link set ${p}v2 up
`;

/** A routed lab: h1 - r - h2, forwarding on r, default routes on the hosts, a static route on r. */
const routedScript = (p: string) => `
ip netns add ${p}h1
ip netns add ${p}h2
ip netns add ${p}r
ip link add e0 netns ${p}h1 type veth peer name e1 netns ${p}r
ip link add e0 netns ${p}h2 type veth peer name e2 netns ${p}r
for ns in ${p}h1 ${p}h2 ${p}r; do ip -n $ns link set lo up; done
ip -n ${p}h1 address add 10.78.1.2/24 dev e0
ip -n ${p}r address add 10.78.1.1/24 dev e1
ip -n ${p}h2 address add 10.78.2.2/24 dev e0
ip -n ${p}r address add 10.78.2.1/24 dev e2
ip -n ${p}h1 link set e0 up
ip -n ${p}h2 link set e0 up
ip -n ${p}r link set e1 up
ip -n ${p}r link set e2 up
ip -n ${p}h1 route add default via 10.78.1.1
ip -n ${p}h2 route add default via 10.78.2.1
ip -n ${p}r route add 10.78.9.0/24 via 10.78.2.2
ip netns exec ${p}r sysctl -q -w net.ipv4.ip_forward=1
`;

async function build(script: string) {
  const r = await execaRunner(['bash', '-euo', 'pipefail', '-c', script]);
  if (r.exitCode !== 0) throw new Error(`building the lab by hand failed: ${r.stderr}`);
}

const mac = async (ns: string, dev: string) =>
  JSON.parse(
    (await execaRunner(['ip', '-j', ...(ns ? ['-n', ns] : []), 'link', 'show', 'dev', dev])).stdout,
  )[0].address as string;

/** Nodes and links as comparable plain data (no ids, positions). */
function shape(t: Topology) {
  const name = (id: string) => t.nodes.find((n) => n.id === id)!.name;
  return {
    nodes: t.nodes.map((n) => ({ kind: n.kind, name: n.name })).sort((a, b) => a.name.localeCompare(b.name)),
    links: t.links
      .map((l) =>
        [l.a, l.b]
          .map((e) => ({ node: name(e.node), ifname: e.ifname, addresses: e.addresses, up: e.up }))
          .sort((x, y) => x.ifname.localeCompare(y.ifname)),
      )
      .sort((x, y) => x[0].ifname.localeCompare(y[0].ifname)),
  };
}

describe.skipIf(!isRoot())(
  `import-host and adopt on the real kernel${isRoot() ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('import-host recovers a hand-made classic lab exactly, and changes nothing on the host', async () => {
      await build(classicScript(p));
      const before = await settledSnapshot(p);
      const out = join(run.dir, 'imported.yaml');
      const r = await cli('import-host', '--namespaces', `${p}n1,${p}n2`, '--lab', `${p}-hand`, '-o', out);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.exitCode).toBe(0);
      expect(await hostSnapshot(p)).toEqual(before);

      const t = loadTopologyText(readFileSync(out, 'utf8'), out).topology!;
      expect(t.name).toBe(`${p}-hand`);
      expect(shape(t)).toEqual({
        nodes: [
          { kind: 'bridge', name: `${p}br` },
          { kind: 'namespace', name: `${p}n1` },
          { kind: 'namespace', name: `${p}n2` },
        ],
        links: [
          [
            { node: `${p}n1`, ifname: `${p}v1`, addresses: ['10.77.0.1/24'], up: true },
            { node: `${p}br`, ifname: `${p}v1b`, addresses: [], up: true },
          ],
          [
            { node: `${p}n2`, ifname: `${p}v2`, addresses: ['10.77.0.2/24'], up: true },
            { node: `${p}br`, ifname: `${p}v2b`, addresses: [], up: true },
          ],
        ],
      });
      const l1 = t.links.find((l) => l.a.ifname === `${p}v1`)!;
      expect(l1.a.mac).toBe(await mac(`${p}n1`, `${p}v1`));
      expect(l1.b.mac).toBe(await mac('', `${p}v1b`));
      expect((await cli('validate', out)).exitCode).toBe(0);
      const j = await cli('import-host', '--namespaces', `${p}n1,${p}n2`, '--lab', `${p}-hand`, '--json');
      expect(j.exitCode).toBe(0);
      const parsed = JSON.parse(j.stdout) as { ok: boolean; text: string };
      expect(parsed.ok).toBe(true);
      expect(parsed.text).toBe(readFileSync(out, 'utf8'));
      expect(await hostSnapshot(p)).toEqual(before);
    });

    it('import-host runs reads only (every command checked) and recovers a routed lab: router, gateways, static route', async () => {
      await build(routedScript(p));
      const rec = recordingRunner();
      const runner = async (argv: readonly string[], o?: { input?: string }) => {
        rec.calls.push({ argv: [...argv], input: o?.input });
        return execaRunner(argv, o);
      };
      const r = await importHost({ namespaces: [`${p}h1`, `${p}h2`, `${p}r`], lab: `${p}-routed`, runner });
      expect(r.problems.filter((x) => x.severity === 'error')).toEqual([]);
      const argvs = rec.calls.map((c) => c.argv.join(' '));
      // Reads only: ip/tc/bridge -j, and the live reader's one sysctl script in each namespace.
      const reads = (a: string) =>
        /^(ip -j|tc -j|bridge -j)/.test(a) ||
        a.replace(/^ip netns exec \S+ /, '') === `sh -c ${SYSCTL_SCRIPT}`;
      expect(argvs.filter((a) => !reads(a))).toEqual([]);
      expect(argvs.some((a) => a.endsWith(SYSCTL_SCRIPT))).toBe(true);
      const t = r.topology!;
      expect(shape(t).nodes).toEqual([
        { kind: 'namespace', name: `${p}h1` },
        { kind: 'namespace', name: `${p}h2` },
        { kind: 'router', name: `${p}r` },
      ]);
      const node = (name: string) => t.nodes.find((n) => n.name === name)!;
      expect(node(`${p}h1`)).toMatchObject({ gateway: { ipv4: '10.78.1.1' }, routes: [] });
      expect(node(`${p}h2`)).toMatchObject({ gateway: { ipv4: '10.78.2.1' } });
      expect(node(`${p}r`)).toMatchObject({
        kind: 'router',
        routes: [{ to: '10.78.9.0/24', via: '10.78.2.2' }],
      });
      expect(shape(t).links).toEqual([
        [
          { node: `${p}h1`, ifname: 'e0', addresses: ['10.78.1.2/24'], up: true },
          { node: `${p}r`, ifname: 'e1', addresses: ['10.78.1.1/24'], up: true },
        ],
        [
          { node: `${p}h2`, ifname: 'e0', addresses: ['10.78.2.2/24'], up: true },
          { node: `${p}r`, ifname: 'e2', addresses: ['10.78.2.1/24'], up: true },
        ],
      ]);
    });

    it('hand-made lab -> import-host -> apply refused -> adopt --yes -> status in sync -> destroy -> nothing left', async () => {
      await build(classicScript(p));
      const file = join(run.dir, 'lab.yaml');
      expect(
        (await cli('import-host', '--namespaces', `${p}n1,${p}n2`, '--lab', `${p}-hand`, '-o', file))
          .exitCode,
      ).toBe(0);
      const before = await settledSnapshot(p);

      // Unmanaged until adopted: the planner's collision check refuses.
      const apply = await cli('apply', file);
      expect(apply.exitCode).toBe(1);
      expect(apply.stderr).toMatch(/not made by netplumb/);
      // No terminal and no --yes: refused after printing the list.
      const ask = await cli('adopt', file);
      expect(ask.exitCode).toBe(1);
      expect(ask.stdout).toContain(`namespace ${p}n1: alias`);
      expect(ask.stdout).toContain(`-> netplumb:${p}-hand`);
      expect(ask.stderr).toMatch(/--yes/);
      expect(await hostSnapshot(p)).toEqual(before);

      const ok = await cli('adopt', file, '--yes');
      expect(ok.stderr).toBe('');
      expect(ok.exitCode).toBe(0);
      // 2 namespaces + 1 bridge + 4 veth ends.
      expect(ok.stdout).toMatch(/mark 7 objects/);
      const status = await cli('status', file);
      expect(status.stdout + status.stderr).toMatch(/in sync/i);
      expect(status.exitCode).toBe(0);
      expect((await cli('plan', file)).exitCode).toBe(0);

      const d = await cli('destroy', file);
      expect(d.exitCode).toBe(0);
      expect(await hostSnapshot(p)).toEqual({ netns: [], links: [], inside: {} });
    });

    it('adopts a hand-made routed lab (router sysctls, gateways, a static route, a bridge inside the router): status in sync, destroy removes it', async () => {
      await build(
        routedScript(p) +
          `
ip -n ${p}r link add lan type bridge
ip -n ${p}r link set lan up
ip -n ${p}r address add 10.78.3.1/24 dev lan
ip netns add ${p}h3
ip link add e0 netns ${p}h3 type veth peer name p3 netns ${p}r
ip -n ${p}r link set p3 master lan
ip -n ${p}r link set p3 up
ip -n ${p}h3 link set lo up
ip -n ${p}h3 address add 10.78.3.2/24 dev e0
ip -n ${p}h3 link set e0 up
ip -n ${p}h3 route add default via 10.78.3.1
`,
      );
      const file = join(run.dir, 'routed.yaml');
      const imp = await cli(
        'import-host',
        '--namespaces',
        `${p}h1,${p}h2,${p}h3,${p}r`,
        '--lab',
        `${p}-routed`,
        '-o',
        file,
      );
      expect(imp.exitCode).toBe(0);
      const t = loadTopologyText(readFileSync(file, 'utf8'), file).topology!;
      expect(t.nodes.find((n) => n.name === 'lan')).toMatchObject({
        kind: 'bridge',
        namespace: `${p}r`,
        addresses: ['10.78.3.1/24'],
      });
      const ok = await cli('adopt', file, '--yes');
      expect(ok.stderr).toBe('');
      expect(ok.exitCode).toBe(0);
      const status = await cli('status', file);
      expect(status.stdout).toMatch(/in sync/i);
      expect(status.exitCode).toBe(0);
      // Traffic between the lab's own namespaces still flows through the adopted router.
      expect(
        (await execaRunner(['ip', 'netns', 'exec', `${p}h1`, 'ping', '-c1', '-W2', '10.78.3.2'])).exitCode,
      ).toBe(0);
      expect((await cli('destroy', file)).exitCode).toBe(0);
      expect(await hostSnapshot(p)).toEqual({ netns: [], links: [], inside: {} });
    });

    it('refuses to adopt objects marked by another lab, or a file whose veth peer differs, and changes nothing', async () => {
      await build(classicScript(p));
      const fileA = join(run.dir, 'a.yaml');
      const fileB = join(run.dir, 'b.yaml');
      expect(
        (await cli('import-host', '--namespaces', `${p}n1,${p}n2`, '--lab', `${p}-a`, '-o', fileA)).exitCode,
      ).toBe(0);
      writeFileSync(fileB, readFileSync(fileA, 'utf8').replace(`name: ${p}-a`, `name: ${p}-b`));

      // A file whose links cross the pairs: the peer of v1 is v1b, not v2b.
      const crossed = join(run.dir, 'crossed.yaml');
      writeFileSync(
        crossed,
        readFileSync(fileA, 'utf8')
          .replaceAll(`ifname: ${p}v1b`, 'ifname: SWAP')
          .replaceAll(`ifname: ${p}v2b`, `ifname: ${p}v1b`)
          .replaceAll('ifname: SWAP', `ifname: ${p}v2b`),
      );
      const before = await settledSnapshot(p);
      const bad = await cli('adopt', crossed, '--yes');
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr).toContain(
        `veth ${p}v1 in namespace ${p}n1: its peer is ${p}v1b in the root namespace, the file says ${p}v2b in the root namespace`,
      );
      expect(await hostSnapshot(p)).toEqual(before);

      expect((await cli('adopt', fileA, '--yes')).exitCode).toBe(0);
      const marked = await settledSnapshot(p);
      const other = await cli('adopt', fileB, '--yes');
      expect(other.exitCode).toBe(1);
      expect(other.stderr).toMatch(new RegExp(`already belongs to netplumb lab "${p}-a"`));
      expect(await hostSnapshot(p)).toEqual(marked);
      expect((await cli('destroy', `${p}-a`)).exitCode).toBe(0);
      expect(await hostSnapshot(p)).toEqual({ netns: [], links: [], inside: {} });
    });
  },
);
