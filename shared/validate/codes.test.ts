import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBLEM_CODES } from './codes';

const here = dirname(fileURLToPath(import.meta.url));
const read = (f: string) => readFileSync(join(here, f), 'utf8');
const sources = readdirSync(here).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'codes.ts',
);
const tests = readdirSync(here).filter((f) => f.endsWith('.test.ts') && f !== 'codes.test.ts');
const literalCodes = (text: string) => [...text.matchAll(/code: '([a-z0-9-]+)'/g)].map((m) => m[1]);

describe('problem code catalogue', () => {
  it('lists every code the rules and the schema step report, with the right severity', () => {
    const used = new Set([
      ...sources.flatMap((f) => literalCodes(read(f))),
      ...literalCodes(readFileSync(join(here, '../model/parse.ts'), 'utf8')),
      // The kind descriptors' validation hooks (shared/kinds) report codes too.
      ...readdirSync(join(here, '../kinds'))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .flatMap((f) => literalCodes(readFileSync(join(here, '../kinds', f), 'utf8'))),
    ]);
    expect([...used].filter((c) => !(c in PROBLEM_CODES))).toEqual([]);
    expect(Object.keys(PROBLEM_CODES).filter((c) => !used.has(c))).toEqual([]);
  });

  it('every code is kebab-case and exercised by a test', () => {
    const testText =
      tests.map(read).join('\n') + readFileSync(join(here, '../model/arbitraries.test.ts'), 'utf8');
    for (const code of Object.keys(PROBLEM_CODES)) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(testText.includes(`'${code}'`), `no test mentions ${code}`).toBe(true);
    }
  });

  it('severities in the rules agree with the catalogue', () => {
    for (const f of sources) {
      for (const m of read(f).matchAll(/code: '([a-z0-9-]+)', severity: '(error|warning)'/g)) {
        expect(PROBLEM_CODES[m[1] as keyof typeof PROBLEM_CODES][0], `${f}: ${m[1]}`).toBe(m[2]);
      }
    }
  });
});
