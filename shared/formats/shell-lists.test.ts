import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shellWords, splitShellList, unwrapShell } from './shell-lists';

describe('shellWords', () => {
  it('shellWords groups quotes and refuses shell syntax', () => {
    expect(shellWords(`ip addr add '10.0.0.1/24' dev "eth 1"`)).toEqual([
      'ip',
      'addr',
      'add',
      '10.0.0.1/24',
      'dev',
      'eth 1',
    ]);
    expect(shellWords('a | b')).toBeNull();
    expect(shellWords('echo "unterminated')).toBeNull();
  });
});

describe("shell lists: sh -c '…' and a;b && c", () => {
  it.each([
    ['a; b && c\nd', ['a', 'b', 'c', 'd']],
    ['  a  ;\n\n  b  ', ['a', 'b']],
    ['echo \'x;y\' && echo "p && q"', ["echo 'x;y'", 'echo "p && q"']],
    ['x # a comment; not a command\ny', ['x', 'y']],
    // a compound command is one command; a list with ||, a pipe or & stays whole
    [
      'while [ ! -d /x ] || [ ! -d /y ]; do sleep 0.1; done; a',
      ['while [ ! -d /x ] || [ ! -d /y ]; do sleep 0.1; done', 'a'],
    ],
    ['if x; then y; fi && z', ['if x; then y; fi', 'z']],
    ['case $v in a) b;; *) c;; esac; d', ['case $v in a) b;; *) c;; esac', 'd']],
    ['(a; b) && c', ['(a; b)', 'c']],
    ['{ a; b; }; c', ['{ a; b; }', 'c']],
    ['a || b; c', ['a || b', 'c']],
    ['a && b || c', ['a && b || c']],
    ['a | b && c', ['a | b && c']],
    ['a & b', ['a &', 'b']],
    ['echo $(a; b) && c', ['echo $(a; b)', 'c']],
    ['', []],
  ])('%j', (script, commands) => {
    expect(splitShellList(script)).toEqual(commands);
  });

  it.each([
    'a &&',
    '&& a',
    '; a',
    'a;; b',
    'if x; then y',
    'done',
    "echo 'open",
    'cat <<EOF\nx\nEOF',
    'a $(b',
  ])('does not split what does not parse: %j', (script) => {
    expect(splitShellList(script)).toBeNull();
  });

  it('unwraps one simply quoted argument of sh, ash, bash, dash -c', () => {
    expect(unwrapShell("ash -c ' ip link set dev eth1 up && ip addr add dev eth1 10.0.0.1/30'\n")).toEqual([
      'ip link set dev eth1 up',
      'ip addr add dev eth1 10.0.0.1/30',
    ]);
    expect(unwrapShell('/bin/bash -c "ip link set eth0 up; ip link set eth1 up"')).toEqual([
      'ip link set eth0 up',
      'ip link set eth1 up',
    ]);
    expect(unwrapShell("/usr/bin/sh -c 'a\n  b\n'")).toEqual(['a', 'b']);
  });

  it.each([
    '/bin/bash -c "ip addr add $ADDR dev eth0"',
    '/bin/bash -c "echo \\"x\\""',
    "sh -c 'a' 'b'",
    "sh -c 'a'b",
    "sh -ec 'a'",
    "zsh -c 'a'",
    "sh -c 'unclosed",
    'sh -c a',
  ])('leaves any other quoting alone: %s', (line) => {
    expect(unwrapShell(line)).toBeNull();
  });

  it('unwraps what it wraps: any simple commands, any separators, either quote', () => {
    const word = fc
      .stringMatching(/^[a-z0-9./=:-]{1,8}$/)
      .filter(
        (w) =>
          ![
            'if',
            'then',
            'else',
            'elif',
            'fi',
            'while',
            'until',
            'for',
            'do',
            'done',
            'case',
            'esac',
            'select',
            'time',
          ].includes(w),
      );
    const command = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
    const sep = fc.constantFrom(';', ' ; ', '&&', ' && ', '\n', ';\n', '\n\n  ', ' &&\n');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(command, sep), { minLength: 1, maxLength: 6 }),
        fc.constantFrom("'", '"'),
        fc.constantFrom('sh', 'ash', 'bash', '/bin/sh', '/usr/bin/bash'),
        fc.constantFrom('', ' ', '\n  '),
        (parts, q, shell, pad) => {
          const body = parts.map(([c, s], i) => (i < parts.length - 1 ? c + s : c)).join('');
          expect(unwrapShell(`${shell} -c ${q}${pad}${body}${pad}${q}`)).toEqual(parts.map(([c]) => c));
        },
      ),
    );
  });
});

describe('characters that are not the shell’s blanks', () => {
  // A no-break space (pasted from a web page), a form feed, a line separator: ordinary word
  // characters to sh. A word ending on one once never advanced, and the import never ended.
  const odd = ['\u00a0', '\v', '\f', '\u2028', '\u3000', '\ufeff'];
  it('are part of a word, and every text is read to its end', () => {
    for (const c of odd) {
      expect(splitShellList(`ip link set eth0 up${c}`)).toEqual([`ip link set eth0 up${c}`]);
      expect(shellWords(`a${c}b c`)).toEqual([`a${c}b`, 'c']);
    }
  });
  it('any text of them, blanks and operators ends, with its words in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...odd, ' ', '\t', ';', '&&', 'x', 'y', "'q'", '"d"'), { maxLength: 40 }),
        (parts) => {
          const text = parts.join('');
          // Null when it does not parse (`&&` with nothing before it); else each command is the text's own.
          const lists = splitShellList(text);
          for (const l of lists ?? []) expect(text).toContain(l.trim());
        },
      ),
      { numRuns: 300 },
    );
  });
});
