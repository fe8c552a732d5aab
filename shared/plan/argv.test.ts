import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_MAX_WORDS, batchable, batchText, batchWord, quoteBatchWord } from './argv';
import { makeargs, readBatch } from './testing/makeargs';

describe('makeargs port (iproute2 lib/utils.c)', () => {
  it.each([
    ['link add name a type veth', ['link', 'add', 'name', 'a', 'type', 'veth']],
    ['  a\t\tb \r', ['a', 'b']],
    ['a "b c" d', ['a', 'b c', 'd']],
    ["a 'b \" c' d", ['a', 'b " c', 'd']],
    ['"x"y', ['x', 'y']],
    ['a"b c', ['a"b', 'c']],
    ['a\\"b', ['a\\"b']],
    ['""', ['']],
    ['a\0b c', ['a']],
  ])('splits %j', (line, argv) => expect(makeargs(line).argv).toEqual(argv));

  it('stops at an unterminated quote, as iproute2 exits', () => {
    expect(makeargs('a "b c').error).toBe('Unterminated quoted string');
  });

  it('cuts lines at "#" even inside quotes, and joins a line ending in a backslash', () => {
    expect(readBatch('link set dev "a#b" up\n').error).toBe('Unterminated quoted string');
    expect(readBatch('link set dev a#b up\nlink show\n').commands).toEqual([
      { line: 1, argv: ['link', 'set', 'dev', 'a'] },
      { line: 2, argv: ['link', 'show'] },
    ]);
    expect(readBatch('link set dev a\\\nup\nx\n').commands).toEqual([
      { line: 2, argv: ['link', 'set', 'dev', 'aup'] },
      { line: 3, argv: ['x'] },
    ]);
    expect(readBatch('a\\\n').error).toBe('Missing continuation line');
    expect(readBatch('\n# only a comment\n\nb').commands).toEqual([{ line: 4, argv: ['b'] }]);
  });

  it('shows how the old quoting went wrong: a backslash-escaped quote ends the word', () => {
    // The old writer escaped `"` as `\"`; iproute2 has no escapes, so the rest of the
    // name became new words: a veth pair could turn into another kind of device.
    const old = 'link add name "x\\" type dummy y" type veth peer name p';
    expect(makeargs(old).argv).toEqual([
      'link',
      'add',
      'name',
      'x\\',
      'type',
      'dummy',
      'y"',
      'type',
      'veth',
      'peer',
      'name',
      'p',
    ]);
  });
});

describe('batch words', () => {
  it.each([
    ['eth0', 'eth0'],
    ['', '""'],
    ['a b', '"a b"'],
    ['"x', `'"x'`],
    ["'x", `"'x"`],
    ['a"b', 'a"b'],
    ['x\\', '"x\\"'],
    ['netplumb:lab:link:l1:a', 'netplumb:lab:link:l1:a'],
  ])('writes %j as %s', (w, q) => expect(batchWord(w)).toBe(q));

  it.each(['a#b', 'a\nb', 'a\0b', `"a b'`, `a b"'`])(
    'cannot write %j, and quoteBatchWord refuses it',
    (w) => {
      expect(batchWord(w)).toBeUndefined();
      expect(() => quoteBatchWord(w)).toThrow(/cannot be written on an ip -batch line/);
    },
  );

  const hostileChar = fc.constantFrom(
    'a',
    'b',
    '0',
    '-',
    '.',
    ' ',
    '\t',
    '\r',
    '\n',
    '"',
    "'",
    '\\',
    '#',
    '\0',
    'é',
    ':',
  );
  const word = fc.array(hostileChar, { maxLength: 8 }).map((cs) => cs.join(''));

  it('property: a batchable line reads back (alone and among others) as exactly its words', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        (lines) => {
          const ok = lines.filter(batchable);
          for (const l of ok) expect(readBatch(batchText([l])).commands.map((c) => c.argv)).toEqual([l]);
          if (ok.length) expect(readBatch(batchText(ok)).commands.map((c) => c.argv)).toEqual(ok);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: a word is refused only when no spelling can carry it', () => {
    fc.assert(
      fc.property(word, (w) => {
        if (batchWord(w) !== undefined) return;
        const cannot = /[#\n\0]/.test(w) || (w.includes('"') && w.includes("'"));
        expect(cannot).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses lines iproute2 would reject for their length', () => {
    expect(batchable(Array(BATCH_MAX_WORDS).fill('x'))).toBe(true);
    expect(batchable(Array(BATCH_MAX_WORDS + 1).fill('x'))).toBe(false);
    expect(
      readBatch(
        Array(BATCH_MAX_WORDS + 1)
          .fill('x')
          .join(' '),
      ).error,
    ).toBe('Too many arguments to command');
    expect(batchable([])).toBe(false);
  });
});
