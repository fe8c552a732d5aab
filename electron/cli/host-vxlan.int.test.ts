/**
 * import-host and adopt of a hand-made VXLAN overlay on the real kernel, run
 * as a user runs them: h1 — r — h2 routed underlay, a VTEP in h1 and one in
 * h2 pointing at each other (VNI 79), and a third VTEP in h1 whose remote is
 * no lab VTEP (named in a warning, never dropped silently). Every name has a
 * unique prefix; traffic only between these namespaces; afterEach removes
 * whatever carries the prefix, even when a test fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../shared/formats';
import { execaRunner } from '../kernel/runner';
import { cleanupPrefix, hostSnapshot, tempRunDir, uniquePrefix } from '../kernel/test-support/lab-fixture';
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
  // As root the lab record lives in the fixed run directory: a test that failed before its destroy leaves none there.
  await cli('destroy', `${p}-ov`);
  await cleanupPrefix(p);
  run.remove();
});

/** The overlay lab by hand: the underlay routed by r, then the two VTEPs and a stray one. */
const overlayScript = (p: string) => `
ip netns add ${p}h1
ip netns add ${p}h2
ip netns add ${p}r
ip link add e0 netns ${p}h1 type veth peer name e1 netns ${p}r
ip link add e0 netns ${p}h2 type veth peer name e2 netns ${p}r
for ns in ${p}h1 ${p}h2 ${p}r; do ip -n $ns link set lo up; done
ip -n ${p}h1 address add 10.79.1.2/24 dev e0
ip -n ${p}r address add 10.79.1.1/24 dev e1
ip -n ${p}h2 address add 10.79.2.2/24 dev e0
ip -n ${p}r address add 10.79.2.1/24 dev e2
ip -n ${p}h1 link set e0 up
ip -n ${p}h2 link set e0 up
ip -n ${p}r link set e1 up
ip -n ${p}r link set e2 up
ip -n ${p}h1 route add default via 10.79.1.1
ip -n ${p}h2 route add default via 10.79.2.1
ip netns exec ${p}r sysctl -q -w net.ipv4.ip_forward=1
ip -n ${p}h1 link add name vx0 type vxlan id 79 local 10.79.1.2 remote 10.79.2.2 dstport 4789
ip -n ${p}h2 link add name vx0 type vxlan id 79 local 10.79.2.2 remote 10.79.1.2 dstport 4789
ip -n ${p}h1 address add 192.168.79.1/24 dev vx0
ip -n ${p}h2 address add 192.168.79.2/24 dev vx0
ip -n ${p}h1 link set vx0 up
ip -n ${p}h2 link set vx0 up
ip -n ${p}h1 link add name vx9 type vxlan id 9 local 10.79.1.2 remote 10.79.2.9 dstport 4789
`;

const ping = async (ns: string, to: string) =>
  (await execaRunner(['ip', 'netns', 'exec', ns, 'ping', '-c1', '-W2', to])).exitCode === 0;

describe.skipIf(!isRoot())(
  `import-host and adopt of a VXLAN overlay on the real kernel${isRoot() ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('hand-made overlay -> import-host (pairs the VTEPs, names the stray one) -> adopt -> status in sync -> destroy -> nothing left', async () => {
      const b = await execaRunner(['bash', '-euo', 'pipefail', '-c', overlayScript(p)]);
      if (b.exitCode !== 0) throw new Error(`building the lab by hand failed: ${b.stderr}`);
      expect(await ping(`${p}h1`, '192.168.79.2')).toBe(true);

      const file = join(run.dir, 'overlay.yaml');
      const imp = await cli(
        'import-host',
        '--namespaces',
        `${p}h1,${p}h2,${p}r`,
        '--lab',
        `${p}-ov`,
        '-o',
        file,
      );
      expect(imp.exitCode).toBe(0);
      // The stray VTEP is named, with why.
      expect(imp.stderr).toMatch(
        new RegExp(
          `VXLAN device vx9 in namespace ${p}h1 \\(VNI 9, local 10\\.79\\.1\\.2, remote 10\\.79\\.2\\.9, port 4789\\) is left out`,
        ),
      );
      const t = loadTopologyText(readFileSync(file, 'utf8'), file).topology!;
      const vx = t.links.filter((l) => l.kind === 'vxlan');
      expect(vx).toEqual([
        expect.objectContaining({
          kind: 'vxlan',
          vni: 79,
          port: 4789,
          a: expect.objectContaining({
            node: `${p}h1`,
            ifname: 'vx0',
            local: '10.79.1.2',
            addresses: ['192.168.79.1/24'],
          }),
          b: expect.objectContaining({
            node: `${p}h2`,
            ifname: 'vx0',
            local: '10.79.2.2',
            addresses: ['192.168.79.2/24'],
          }),
        }),
      ]);

      // The stray VTEP is not the lab's: the user removes it before adopting what the file describes.
      await execaRunner(['ip', '-n', `${p}h1`, 'link', 'del', 'dev', 'vx9']);
      const ok = await cli('adopt', file, '--yes');
      expect(ok.stderr).toBe('');
      expect(ok.exitCode).toBe(0);
      expect(ok.stdout).toContain(`vxlan vx0 in namespace ${p}h1: alias (none) -> netplumb:${p}-ov:`);
      const status = await cli('status', file);
      expect(status.stdout).toMatch(/in sync/i);
      expect(status.exitCode).toBe(0);
      // The overlay still carries traffic between the lab's own namespaces.
      expect(await ping(`${p}h2`, '192.168.79.1')).toBe(true);

      expect((await cli('destroy', file)).exitCode).toBe(0);
      expect(await hostSnapshot(p)).toEqual({ netns: [], links: [], inside: {} });
    }, 90_000);
  },
);
