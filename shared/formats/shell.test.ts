import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadTopologyText } from './document';
import { shellWord, toShellScript } from './shell';
import { golden as goldenFile } from '../testing/golden';

const examples = join(import.meta.dirname, '../../examples');
const goldenDir = join(import.meta.dirname, '__golden__/shell');

/** Compares with a golden file under __golden__/shell; UPDATE_GOLDEN=1 rewrites it. */
const golden = (name: string, actual: string) => goldenFile(join(goldenDir, name), actual);

describe('shell script export', () => {
  for (const f of readdirSync(examples).filter((x) => /\.ya?ml$/.test(x) && !x.includes('.clab.'))) {
    it(`${f}: matches its golden script and is valid bash`, () => {
      const t = loadTopologyText(readFileSync(join(examples, f), 'utf8'), f).topology!;
      const text = toShellScript(t, { source: f });
      golden(f.replace(/\.ya?ml$/, '.sh'), text);
      expect(execaSync('bash', ['-n'], { input: text, reject: false }).exitCode).toBe(0);
      expect(text).toContain('set -euo pipefail');
      // One commented block per node and link.
      for (const n of t.nodes.filter((x) => x.kind !== 'host'))
        expect(text).toContain(
          `${n.kind === 'bridge' ? 'Bridge' : n.kind === 'router' ? 'Router' : 'Namespace'} ${n.name}`,
        );
      for (const l of t.links) expect(text).toContain(`# --- Link ${l.id}:`);
    });
  }

  it("a source file's name never ends the header comment: no character of it becomes a command", () => {
    const t = loadTopologyText(readFileSync(join(examples, 'linux-bridge.yaml'), 'utf8'), 'l.yaml').topology!;
    const header = (source: string) => toShellScript(t, { source }).split('\n').slice(0, 3);
    expect(header('x\ntouch PWNED\n#.yaml')[1]).toBe(
      '# netplumb lab "linux-bridge" — generated from x?touch PWNED?#.yaml.',
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (source) => {
        const text = toShellScript(t, { source });
        // The script's lines before `set` are the shebang and comments only, whatever the name.
        const head = text.slice(0, text.indexOf('set -euo pipefail')).split(/\r?\n|\r|\u2028|\u2029/);
        expect(head.filter((l) => l !== '' && !l.startsWith('#'))).toEqual([]);
        expect(execaSync('bash', ['-n'], { input: text, reject: false }).exitCode).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('quotes words only when needed', () => {
    expect(shellWord('netplumb:lab:l1:a')).toBe('netplumb:lab:l1:a');
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('a b')).toBe("'a b'");
  });
});
