/**
 * import-host and adopt through the real helper for a normal caller: a
 * hand-made lab is imported and its namespaces adopted; objects of the
 * host's own (root) namespace are refused to a caller who is not root,
 * before any mark is set. Unique names; everything removed in finally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../shared/formats';
import { createHelperClient, type HelperClient } from './helper-client';
import { helperLive } from './live/helper-backend';
import { execaRunner } from './runner';
import { createTestUser, helperArgvFor, type TestUser } from './test-support/helper-process';
import { cleanupPrefix, hostSnapshot, settledSnapshot, uniquePrefix } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const p = uniquePrefix();
let user: TestUser;
let client: HelperClient;
let live: ReturnType<typeof helperLive>;

const sh = async (lines: string[]) =>
  expect((await execaRunner(['bash', '-euo', 'pipefail', '-c', lines.join('\n')])).exitCode).toBe(0);

describe.skipIf(!root)(
  `import-host and adopt through the helper${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    beforeAll(() => {
      user = createTestUser();
      client = createHelperClient(helperArgvFor({ sudo: { uid: user.uid, gid: user.gid } }));
      live = helperLive(client);
    });
    afterAll(async () => {
      try {
        await client.destroyLab(`${p}-ns`).catch(() => undefined);
        live.dispose();
        client.close();
      } finally {
        await cleanupPrefix(p);
        user.remove();
      }
    }, 120_000);

    it("refuses to hand the host's own interfaces to a lab for a caller who is not root, changing nothing", async () => {
      await sh([
        `ip netns add ${p}c`,
        `ip link add ${p}br type bridge`,
        `ip link add e0 netns ${p}c type veth peer name ${p}v`,
        `ip link set ${p}v master ${p}br`,
        `ip -n ${p}c address add 10.81.0.1/24 dev e0`,
        `ip -n ${p}c link set e0 up`,
        `ip -n ${p}c link set lo up`,
        `ip link set ${p}v up`,
        `ip link set ${p}br up`,
      ]);
      const imp = await live.importHost({ namespaces: [`${p}c`], lab: `${p}-host` });
      const doc = loadTopologyText(imp.text!, 'lab.yaml').topology!;
      expect(doc.nodes.some((n) => n.kind === 'bridge' && n.name === `${p}br`)).toBe(true);
      const before = await settledSnapshot(p);
      await expect(live.adopt({ topology: doc, confirm: false })).rejects.toThrow(
        /root\) namespace needs root.*bridge "[a-z0-9]+br"/,
      );
      expect(await hostSnapshot(p)).toEqual(before);
    }, 60_000);

    it('imports and adopts a namespaces-only lab, which then destroys through the helper', async () => {
      await sh([
        `ip netns add ${p}a`,
        `ip netns add ${p}b`,
        `ip link add e0 netns ${p}a type veth peer name e0 netns ${p}b`,
        `ip -n ${p}a address add 10.82.0.1/30 dev e0`,
        `ip -n ${p}b address add 10.82.0.2/30 dev e0`,
        `ip -n ${p}a link set e0 up`,
        `ip -n ${p}b link set e0 up`,
        `ip -n ${p}a link set lo up`,
        `ip -n ${p}b link set lo up`,
      ]);
      const imp = await live.importHost({ namespaces: [`${p}a`, `${p}b`], lab: `${p}-ns` });
      const doc = loadTopologyText(imp.text!, 'lab.yaml').topology!;
      const preview = await live.adopt({ topology: doc, confirm: false });
      expect(preview.problems.filter((x) => x.severity === 'error')).toEqual([]);
      expect(preview.marks.length).toBe(4);
      const done = await live.adopt({ topology: doc, confirm: true, marks: preview.marks });
      expect(done.adopted).toBe(true);
      const gone = await client.destroyLab(`${p}-ns`);
      expect(gone.removed.length).toBeGreaterThan(0);
    }, 60_000);
  },
);
