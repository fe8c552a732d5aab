/**
 * mergeRootDelta (live-reader.ts): the root's cached read and nsread's read
 * of its changed links make the whole read. Any table, any changed links
 * (kept names), any new ones: the merge is the table with each changed
 * element replaced where it stood and each new one last, followed by the
 * delta's other documents as they came; a rename, a link named without its
 * element or an element not named is refused (the root is then read whole).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT_NS } from '../../shared/plan/kstate';
import { ROOT_BATCH } from './live-read';
import { lastReaderStats, mergeRootDelta, readJobs, useNsread } from './live-reader';
import { cacheDir, dropEntries, entriesWritten } from './read-cache';
import { execaRunner } from './runner';

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

/**
 * readJobs with an nsread whose delta does not fit the cached read (never
 * expected of the real one): the root is read again whole, and that read is
 * what the caller gets.
 */
describe.skipIf(process.geteuid?.() !== 0)(
  'a delta that does not fit (root: the cache is root-owned)',
  () => {
    it('is read again whole', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-delta-fake-'));
      const fake = path.join(dir, 'nsread');
      const log = path.join(dir, 'log');
      const fp = (c: string) => c.repeat(64);
      const text = `[${element(1, 'lo', '')}]\n[]\n[]\n[]\n`;
      writeFileSync(path.join(dir, 'text'), text);
      // A read of the root: whole (fp of a's) when asked with "-", else a delta naming a link it does not print.
      writeFileSync(
        fake,
        `#!/bin/sh
[ "$1" = serve ] && exit 3
sent=$(awk -F '\\t' '$1 == "" { print $2 }')
echo "$sent" >>'${log}'
if [ "$sent" = - ]; then printf '\\0read\\0${fp('a')}\\0001\\0000\\0\\0'; cat '${path.join(dir, 'text')}'; printf '\\0\\0'
else printf '\\0delta\\0${fp('b')}\\0001\\0000\\0\\0changed 99\\n[]\\n[]\\n\\0\\0'; fi
`,
        { mode: 0o755 },
      );
      const job = {
        ns: ROOT_NS,
        kind: 'batch' as const,
        job: { argv: ['ip', '-j', '-d', '-batch', '-'], input: ROOT_BATCH },
      };
      try {
        useNsread(fake);
        const first = await readJobs(execaRunner, [job], {});
        expect(first[0].stdout).toBe(text);
        expect(lastReaderStats().root).toBe('read');
        const before = readFileSync(log, 'utf8').trim().split('\n').length;
        const again = await readJobs(execaRunner, [job], {});
        expect(again[0]).toMatchObject({ exitCode: 0, stdout: text });
        expect(lastReaderStats().root).toBe('read');
        // Asked with the cached read's fingerprint (a delta that did not fit), then whole. Which
        // fingerprint: ours, or another test's stored meanwhile (the cache is the machine's).
        const asked = readFileSync(log, 'utf8').trim().split('\n').slice(before);
        expect(asked).toHaveLength(2);
        expect(asked[0]).toMatch(/^[0-9a-f]{64}$/);
        expect(asked[1]).toBe('-');
      } finally {
        useNsread(undefined);
        await entriesWritten();
        const cache = cacheDir();
        if (cache) dropEntries(cache, [ROOT_NS]);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
