/**
 * Lab ownership on a shared machine, through real privileged helper
 * processes started as root with the variables sudo sets for two different
 * callers (uids with no account: ownership needs no user database). Alice
 * applies a lab; Bob, a member of the same group, may read it but not
 * apply over it, destroy it, open a terminal in it, ping inside it or change
 * its links — and each refusal leaves the kernel exactly as it was. Root may.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelperClient, type HelperClient } from './helper-client';
import { helperLive } from './live/helper-backend';
import { helperArgvFor } from './test-support/helper-process';
import { cleanupPrefix, hostSnapshot, uniquePrefix } from './test-support/lab-fixture';
import { classicLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const p = uniquePrefix();
const lab = `${p}-classic`;
const doc = classicLab(p);
// Uids far above any real account's, different each run.
const alice = 3_900_000_000 + randomInt(1_000_000);
const bob = alice + 1;
const clients: HelperClient[] = [];
const helperAs = (uid: number) => {
  const c = createHelperClient(helperArgvFor({ sudo: { uid, gid: uid } }));
  clients.push(c);
  return c;
};

describe.skipIf(!root)('lab ownership between users of one helper', () => {
  let a: HelperClient;
  let b: HelperClient;
  beforeAll(async () => {
    a = helperAs(alice);
    b = helperAs(bob);
    const r = await a.applyDocument(doc);
    expect(r.result?.ok, JSON.stringify(r)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    try {
      await helperAs(0)
        .destroyLab(lab)
        .catch(() => undefined);
    } finally {
      for (const c of clients) c.close();
      await cleanupPrefix(p);
    }
  }, 60_000);

  it('the list names the owner; it is yours for the owner and not for a neighbour', async () => {
    const mine = (await a.listLabs()).find((l) => l.name === lab);
    const theirs = (await b.listLabs()).find((l) => l.name === lab);
    expect(mine).toMatchObject({ owner: `uid ${alice}`, yours: true });
    expect(theirs).toMatchObject({ owner: `uid ${alice}`, yours: false });
  });

  it('a neighbour may read the lab (status, plan) but not apply over it or destroy it; nothing changes', async () => {
    const before = await hostSnapshot(p);
    const st = await b.statusDocument(doc);
    expect(st.inSync).toBe(true);
    const changed = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'ns1' ? { ...n, sysctls: {} } : n)) };
    await expect(b.applyDocument(changed)).rejects.toThrow(
      new RegExp(`belongs to uid ${alice}: only that user or root may apply it`),
    );
    await expect(b.destroyLab(lab)).rejects.toThrow(/only that user or root may destroy it/);
    expect(await hostSnapshot(p)).toEqual(before);
  });

  it('a neighbour may not work inside the lab: terminal, ping, link state', async () => {
    const live = helperLive(b, { dir: '/nonexistent' });
    await expect(
      live.termOpen(
        { lab, nodeId: 'ns1', cols: 80, rows: 24 },
        { output: () => undefined, exit: () => undefined },
      ),
    ).rejects.toThrow(/only that user or root may open a terminal in it/);
    await expect(live.ping({ lab, from: 'ns1', to: 'ns2' })).rejects.toThrow(/may ping inside it/);
    const link = doc.links[0].id;
    await expect(live.linkState({ topology: doc, linkId: link, up: false })).rejects.toThrow(
      /may change a link of it/,
    );
    expect((await a.statusDocument(doc)).inSync).toBe(true);
  });

  it('the owner and root may; root re-applying keeps the owner', async () => {
    const live = helperLive(a, { dir: '/nonexistent' });
    const r = await live.ping({ lab, from: 'ns1', to: 'ns2' });
    expect(r.received).toBeGreaterThan(0);
    const asRoot = helperAs(0);
    expect((await asRoot.applyDocument(doc)).result?.ok).toBe(true);
    expect((await b.listLabs()).find((l) => l.name === lab)).toMatchObject({ owner: `uid ${alice}` });
    await asRoot.destroyLab(lab);
    expect((await a.listLabs()).some((l) => l.name === lab)).toBe(false);
  }, 60_000);
});

describe.skipIf(root)('lab ownership', () => {
  it.skip(`needs root: ${NOT_ROOT_REASON}`, () => undefined);
});
