/**
 * mergeRootDelta (live-reader.ts): the root's cached read and nsread's read
 * of its changed links make the whole read. Any table, any changed links
 * (kept names), any new ones: the merge is the table with each changed
 * element replaced where it stood and each new one last, followed by the
 * delta's other documents as they came; a rename, a link named without its
 * element or an element not named is refused (the root is then read whole).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeRootDelta } from './live-reader';

/** Strings with what JSON escapes or a scanner could trip on. */
const tricky = fc.string({ unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}', ',', ':', '\n', 'é') });

const element = (ifindex: number, ifname: string, extra: string) =>
  JSON.stringify({ ifindex, ifname, flags: ['UP'], note: extra, addr_info: [{ local: extra }] });

/** A table: distinct indexes and names, each element with some tricky text. */
const tables = fc
  .uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 30 })
  .chain((indexes) =>
    fc.tuple(
      fc.constant(indexes),
      fc.array(tricky, { minLength: indexes.length, maxLength: indexes.length }),
    ),
  )
  .map(([indexes, notes]) => indexes.map((i, n) => ({ i, name: `if${i}`, note: notes[n] })));

const REST = '[{"dst":"10.0.0.0/8","protocol":"boot"}]\n[]\n[{"name":"a\\"b","id":3}]\n';
const deltaText = (indexes: number[], fresh: string[]) =>
  `changed${indexes.map((i) => ` ${i}`).join('')}\n${fresh.map((f) => `[${f}]\n`).join('')}${REST}`;

describe('mergeRootDelta', () => {
  it('replaces each changed element where it stood, adds new ones last, and keeps the rest of the delta as it came', () => {
    fc.assert(
      fc.property(
        tables,
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 5001, max: 9000 }), { maxLength: 4 }),
        tricky,
        (table, pick, added, note) => {
          const cached = `[${table.map((t) => element(t.i, t.name, t.note)).join(',')}]\n${REST}`;
          const changed = table.filter((_, n) => pick[n]);
          const fresh = new Map([
            ...changed.map((t) => [t.i, element(t.i, t.name, note + 'new')] as const),
            ...added.map((i) => [i, element(i, `if${i}`, note)] as const),
          ]);
          const merged = mergeRootDelta(cached, deltaText([...fresh.keys()], [...fresh.values()]));
          const expected = [
            ...table.map((t) => fresh.get(t.i) ?? element(t.i, t.name, t.note)),
            ...added.map((i) => fresh.get(i)!),
          ];
          expect(merged).toBe(`[${expected.join(',')}]\n${REST}`);
          expect(JSON.parse(merged!.slice(0, merged!.indexOf('\n')))).toEqual(
            expected.map((e) => JSON.parse(e)),
          );
        },
      ),
    );
  });

  it('refuses a rename, a link named without its element, an element not named, and a head that is not one', () => {
    const cached = `[${element(1, 'lo', '')},${element(7, 'br', 'x')}]\n${REST}`;
    expect(mergeRootDelta(cached, deltaText([7], [element(7, 'br2', 'x')]))).toBeUndefined();
    expect(mergeRootDelta(cached, deltaText([7, 9], [element(7, 'br', 'y')]))).toBeUndefined();
    expect(
      mergeRootDelta(cached, deltaText([7], [element(7, 'br', 'y'), element(8, 'p', '')])),
    ).toBeUndefined();
    expect(mergeRootDelta(cached, `changed 7 x\n[${element(7, 'br', 'y')}]\n${REST}`)).toBeUndefined();
    expect(mergeRootDelta(cached, `[${element(7, 'br', 'y')}]\n${REST}`)).toBeUndefined();
    // The same delta, well formed, is merged (so the refusals above are theirs).
    expect(mergeRootDelta(cached, deltaText([7], [element(7, 'br', 'y')]))).toBe(
      `[${element(1, 'lo', '')},${element(7, 'br', 'y')}]\n${REST}`,
    );
    // Nothing changed but the routes: the cached table, the new routes.
    expect(mergeRootDelta(cached, `changed\n[]\n[]\n[]\n`)).toBe(
      `[${element(1, 'lo', '')},${element(7, 'br', 'x')}]\n[]\n[]\n[]\n`,
    );
  });
});
