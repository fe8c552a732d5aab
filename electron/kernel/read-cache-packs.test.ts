import fc from 'fast-check';
import {
  chownSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropEntries, loadEntries, loadEntry, pruneEntries, storeEntries, storeEntry } from './read-cache';
import { PACKS_MAX } from './read-cache-packs';

const root = process.geteuid?.() === 0;
const fp = (c: string) => c.repeat(64);
const entry = (ns: string, stdout = `out of ${ns}`, c = 'a') => ({ ns, key: 'k', fp: fp(c), stdout });
const packsIn = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('pack-'));
/** A pack file's bytes, as written by hand: the first line (`metas`, given whole), then the outputs. */
const packBytes = (at: number, metas: object[], outputs: string[]) =>
  Buffer.concat([
    Buffer.from(JSON.stringify({ v: 2, at, entries: metas }) + '\n'),
    ...outputs.map((o) => Buffer.from(o)),
  ]);

describe.skipIf(!root)('read cache packs (root: the cache is root-owned)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-packs-test-'));
  const outside = mkdtempSync(path.join(tmpdir(), 'netplumb-packs-outside-'));
  afterEach(() => {
    for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
    for (const f of readdirSync(outside)) rmSync(path.join(outside, f));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('stores many entries as one root-owned 0600 file and gives each back for its key only', () => {
    const es = ['p1', 'p2', 'p3'].map((ns) => entry(ns));
    storeEntries(dir, es);
    expect(readdirSync(dir)).toHaveLength(1);
    const st = statSync(path.join(dir, packsIn(dir)[0]));
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    for (const e of es) expect(loadEntry(dir, e.ns, 'k')).toEqual(e);
    expect(loadEntry(dir, 'p1', 'other key')).toBeUndefined();
    expect(loadEntry(dir, 'p4', 'k')).toBeUndefined();
    expect([...loadEntries(dir, ['p3', 'p4', 'p1'], () => 'k').keys()]).toEqual(['p3', 'p1']);
  });

  it("keeps an entry's record of the shape check it passed; a record of another type is a miss", () => {
    storeEntries(dir, [{ ...entry('a'), checked: 'schemas-1' }, entry('b')]);
    expect(loadEntry(dir, 'a', 'k')?.checked).toBe('schemas-1');
    expect(loadEntry(dir, 'b', 'k')?.checked).toBeUndefined();
    const { stdout, ...meta } = entry('a');
    const bytes = Buffer.byteLength(stdout);
    writeFileSync(
      path.join(dir, packsIn(dir)[0]),
      packBytes(1, [{ ...meta, checked: 'x', bytes }], [stdout]),
    );
    expect(loadEntry(dir, 'a', 'k')).toEqual({ ...entry('a'), checked: 'x' });
    writeFileSync(path.join(dir, packsIn(dir)[0]), packBytes(2, [{ ...meta, checked: 7, bytes }], [stdout]));
    expect(loadEntry(dir, 'a', 'k')).toBeUndefined();
  });

  it('the newest read of a namespace wins: its own file over packs, a newer pack over an older one', () => {
    storeEntries(dir, [entry('a', 'v1'), entry('b', 'v1')]);
    storeEntry(dir, entry('a', 'v2'));
    expect(loadEntry(dir, 'a', 'k')?.stdout).toBe('v2');
    expect(loadEntry(dir, 'b', 'k')?.stdout).toBe('v1');
    storeEntries(dir, [entry('a', 'v3'), entry('c', 'v3')]);
    expect(loadEntry(dir, 'a', 'k')?.stdout).toBe('v3');
    // The pack removed a's own file, which it made older.
    expect(readdirSync(dir).filter((f) => !f.startsWith('pack-'))).toEqual([]);
    storeEntries(dir, [entry('a', 'v4'), entry('b', 'v4'), entry('c', 'v4')]);
    // Both older packs held only namespaces the newest holds: removed.
    expect(packsIn(dir)).toHaveLength(1);
    expect(['a', 'b', 'c'].map((ns) => loadEntry(dir, ns, 'k')?.stdout)).toEqual(['v4', 'v4', 'v4']);
  });

  it('a torn, corrupt or foreign pack is a miss for its namespaces, never an error; other packs still count', () => {
    storeEntries(dir, [entry('a'), entry('b')]);
    const [first] = packsIn(dir);
    storeEntries(dir, [entry('c'), entry('d')]);
    const file = path.join(dir, first);
    const whole = readFileSync(file, 'utf8');
    const { stdout, ...meta } = entry('a');
    for (const bad of [
      whole.slice(0, whole.length - 3),
      whole + 'x',
      whole.replace(fp('a'), 'zz'),
      whole.replace('"bytes":', '"bytes":-'),
      whole.replace('\n', ' '),
      // The older format (one JSON document), and a version to come.
      JSON.stringify({ v: 1, at: 1, entries: [entry('a'), entry('b')] }),
      packBytes(1, [{ ...meta, bytes: stdout.length }], [stdout])
        .toString()
        .replace('"v":2', '"v":3'),
      JSON.stringify({ v: 2, entries: [] }) + '\n',
      'null\n',
      '',
    ]) {
      writeFileSync(file, bad);
      expect(loadEntry(dir, 'a', 'k')).toBeUndefined();
      expect(loadEntry(dir, 'b', 'k')).toBeUndefined();
      expect(loadEntry(dir, 'c', 'k')?.ns).toBe('c');
    }
    // Not root's: not believed.
    writeFileSync(file, whole);
    expect(loadEntry(dir, 'a', 'k')?.ns).toBe('a');
    chownSync(file, 65534, 65534);
    expect(loadEntry(dir, 'a', 'k')).toBeUndefined();
  });

  it('a link planted at a pack name is not read; one planted where an entry goes is replaced, not followed', () => {
    const target = path.join(outside, 'target.json');
    const { stdout: planted, ...meta } = entry('a', 'planted');
    writeFileSync(target, packBytes(Date.now() * 1000, [{ ...meta, bytes: planted.length }], [planted]));
    symlinkSync(target, path.join(dir, `pack-${'0'.repeat(24)}.json`));
    expect(loadEntry(dir, 'a', 'k')).toBeUndefined();
    rmSync(path.join(dir, `pack-${'0'.repeat(24)}.json`));
    // The own file of `a` is a link to a file outside: storing replaces the link itself.
    storeEntry(dir, entry('x'));
    const own = readdirSync(dir)[0];
    rmSync(path.join(dir, own));
    writeFileSync(target, 'untouched');
    symlinkSync(target, path.join(dir, own));
    storeEntry(dir, entry('x', 'mine'));
    expect(lstatSync(path.join(dir, own)).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(loadEntry(dir, 'x', 'k')?.stdout).toBe('mine');
    // A pack removes the own file (the link, when one was planted): never the file it points to.
    rmSync(path.join(dir, own));
    symlinkSync(target, path.join(dir, own));
    storeEntries(dir, [entry('x', 'packed'), entry('y')]);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(loadEntry(dir, 'x', 'k')?.stdout).toBe('packed');
  });

  it('forgetting namespaces takes them out of packs (a pack left empty is removed)', () => {
    storeEntries(dir, [entry('a'), entry('b')]);
    storeEntries(dir, [entry('c'), entry('d')]);
    dropEntries(dir, ['a', 'c', 'd']);
    expect(loadEntry(dir, 'a', 'k')).toBeUndefined();
    expect(loadEntry(dir, 'b', 'k')?.ns).toBe('b');
    expect(packsIn(dir)).toHaveLength(1);
    expect(readFileSync(path.join(dir, packsIn(dir)[0]), 'utf8')).not.toContain('"ns":"a"');
  });

  it('gives back any output as stored: quotes, newlines, NUL-free Unicode, empty', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), text), {
          selector: ([ns]) => ns,
          minLength: 2,
          maxLength: 6,
        }),
        (es) => {
          for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
          storeEntries(
            dir,
            es.map(([ns, out]) => entry(ns, out)),
          );
          expect(packsIn(dir)).toHaveLength(1);
          for (const [ns, out] of es) expect(loadEntry(dir, ns, 'k')).toEqual(entry(ns, out));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('prune removes a pack that is not whole (read by nothing), and keeps the whole ones', () => {
    storeEntries(dir, [entry('a'), entry('b')]);
    storeEntries(dir, [entry('c'), entry('d')]);
    const [bad] = packsIn(dir);
    writeFileSync(path.join(dir, bad), '{"ns": broken');
    pruneEntries(dir, new Set(['a', 'b', 'c', 'd']));
    expect(packsIn(dir)).not.toContain(bad);
    expect(packsIn(dir)).toHaveLength(1);
    expect(['a', 'b', 'c', 'd'].filter((ns) => loadEntry(dir, ns, 'k')).length).toBe(2);
  });

  it('prune counts packed entries and drops those of namespaces that are gone', () => {
    storeEntries(
      dir,
      ['n0', 'n1', 'n2', 'n3'].map((ns) => entry(ns)),
    );
    storeEntry(dir, entry('n4'));
    expect(pruneEntries(dir, new Set(['n0']), 10)).toBe(0);
    expect(pruneEntries(dir, new Set(['n0', 'n4']), 1)).toBe(3);
    expect(loadEntry(dir, 'n0', 'k')?.ns).toBe('n0');
    expect(loadEntry(dir, 'n4', 'k')?.ns).toBe('n4');
    expect(loadEntry(dir, 'n1', 'k')).toBeUndefined();
  });

  it(`keeps at most ${PACKS_MAX} packs, merging them into one with the newest entry of each namespace`, () => {
    for (let i = 0; i <= PACKS_MAX + 2; i++)
      storeEntries(dir, [entry(`m${i}`, 'old'), entry('shared', `v${i}`)]);
    expect(packsIn(dir).length).toBeLessThanOrEqual(PACKS_MAX);
    expect(loadEntry(dir, 'shared', 'k')?.stdout).toBe(`v${PACKS_MAX + 2}`);
    for (let i = 0; i <= PACKS_MAX + 2; i++) expect(loadEntry(dir, `m${i}`, 'k')?.stdout).toBe('old');
  });

  it('whatever the order of single and many-at-once stores, each namespace reads as its last store', () => {
    const op = fc.record({
      names: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 5 }),
      drop: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
        const want = new Map<string, string | undefined>();
        ops.forEach((o, i) => {
          if (o.drop) {
            dropEntries(dir, o.names);
            for (const ns of o.names) want.set(ns, undefined);
          } else {
            storeEntries(
              dir,
              o.names.map((ns) => entry(ns, `${ns}@${i}`)),
            );
            for (const ns of o.names) want.set(ns, `${ns}@${i}`);
          }
        });
        for (const [ns, out] of want) expect(loadEntry(dir, ns, 'k')?.stdout).toBe(out);
      }),
      { numRuns: 60 },
    );
  });
});
