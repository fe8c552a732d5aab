/**
 * A long link table (the root's, a bridge port per host) is parsed element
 * by element, reusing the last parse's objects for elements whose text is
 * unchanged (live-read.ts linksByElement). Whatever changed between two
 * outputs, the result must be the one a parse from nothing gives, and a bad
 * element must be refused as it always was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT_NS } from '../../shared/plan/kstate';
import { ADDRESS_SHOW } from './test-support/iproute2-samples';
import { parseDocs } from './live-read';

const [loopback, port] = JSON.parse(ADDRESS_SHOW) as Record<string, unknown>[];

/** A root-sized table: lo, then `n` ports like the sample's veth, each with its own index, name and MTU. */
const table = (ids: readonly number[], mtu: (id: number) => number) => [
  loopback,
  ...ids.map((id) => ({ ...port, ifindex: 10 + id, ifname: `p${id}`, mtu: mtu(id) })),
];
/** The root's batch output around a link table (live-read.ts ROOT_BATCH: links, boot and static routes, netns list). */
const rootOutput = (links: unknown[]) => `${JSON.stringify(links)}\n[]\n[]\n[{"name":"n1","id":0}]\n`;

describe('parsing a long link table element by element', () => {
  it('gives what a parse from nothing gives, after any change of the table, and reuses unchanged links (property)', () => {
    const ids = Array.from({ length: 150 }, (_, i) => i);
    const before = rootOutput(table(ids, () => 1500));
    expect(before.indexOf('\n')).toBeGreaterThan(32 * 1024); // long enough to be parsed by element
    const first = parseDocs(ROOT_NS, before, false);
    expect(first.linkTexts?.size).toBe(151);
    fc.assert(
      fc.property(
        fc.subarray(ids),
        fc.uniqueArray(fc.integer({ min: 150, max: 400 }), { maxLength: 5 }),
        fc.subarray(ids, { maxLength: 5 }),
        fc.boolean(),
        (kept, added, retuned, checked) => {
          const now = [...kept, ...added];
          const links = table(now, (id) => (retuned.includes(id) ? 1400 : 1500));
          const out = rootOutput(links);
          const fresh = parseDocs(ROOT_NS, out, checked);
          const reused = parseDocs(ROOT_NS, out, checked, first.linkTexts);
          expect(reused.links).toEqual(links);
          expect(reused.links).toEqual(fresh.links);
          expect(reused.nsids).toEqual(fresh.nsids);
          // An element whose text is unchanged is the same object as before (a short table is parsed whole).
          if (out.indexOf('\n') < 32 * 1024) return;
          const old = new Map(first.links.map((l) => [l.ifname, l]));
          for (const l of reused.links)
            if (l.ifname === 'lo' || (kept.includes(Number(l.ifname.slice(1))) && l.mtu === 1500))
              expect(l).toBe(old.get(l.ifname));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a new element of the wrong shape as the whole parse does, with the same words', () => {
    const ids = Array.from({ length: 150 }, (_, i) => i);
    const first = parseDocs(ROOT_NS, rootOutput(table(ids, () => 1500)), false);
    const bad = rootOutput([...table(ids, () => 1500), { ...port, ifindex: 'x', ifname: 'bad' }]);
    let whole: unknown;
    try {
      parseDocs(ROOT_NS, bad, false);
    } catch (e) {
      whole = e;
    }
    expect(whole).toBeInstanceOf(Error);
    expect(() => parseDocs(ROOT_NS, bad, false, first.linkTexts)).toThrow((whole as Error).message);
  });
});
