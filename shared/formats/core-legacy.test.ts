/**
 * CORE's legacy IMUNES text (.imn) and containerlab files that are Go
 * templates: each gets one clear message, never the noise of a parser that
 * was not meant to read it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromClab } from './clab';
import { fromCore } from './core';
import { isImunesText } from './core-legacy';
import { loadTopologyText } from './document';
import { formatEntryForFile } from './format-table';
import { FORMATS, formatForFile, loadAnyTopologyText } from './index';

const HERE = dirname(fileURLToPath(import.meta.url));
const IMN = readFileSync(join(HERE, '__fixtures__', 'core', 'legacy-two-routers.imn'), 'utf8');
const TEMPLATED = readFileSync(join(HERE, '__fixtures__', 'clab', 'template-control.clab.yml'), 'utf8');

const legacy = {
  code: 'core-legacy',
  severity: 'error',
  line: 1,
  message: expect.stringMatching(
    /legacy IMUNES\/Tcl format.*since 9\.0.*reads CORE's XML.*core-gui-legacy in CORE 8.*save it as \.xml/,
  ),
};

describe('CORE legacy .imn files', () => {
  it('get one message, by extension and by content, from import, --from core and validate', () => {
    expect(formatForFile('sample1.imn', 'import')?.id).toBe('core');
    // .imn is not a format netplumb reads: only the importer that explains it is chosen for it
    expect(FORMATS.find((f) => f.id === 'core')!.extensions).not.toContain('.imn');
    expect(formatEntryForFile('sample1.imn', 'export')).toBeUndefined();
    for (const r of [
      loadAnyTopologyText(IMN, '/x/core/sample1.imn'),
      fromCore(IMN, 'sample1.xml'),
      fromCore(IMN),
      // under a name no importer claims, the YAML reader says the same instead of quoting the file
      loadTopologyText(IMN, 'sample1.txt'),
      loadAnyTopologyText(IMN, 'sample1.yaml'),
    ]) {
      expect(r.topology).toBeUndefined();
      expect(r.problems).toEqual([expect.objectContaining(legacy)]);
    }
    // an .imn that is not even IMUNES text gets the same advice rather than an XML parser error
    expect(fromCore('garbage', 'old.imn').problems).toEqual([expect.objectContaining(legacy)]);
  });

  it('is recognised by its block openings, and no file of our corpus or examples is taken for one', () => {
    const block = fc.constantFrom(
      'node n1 {',
      'link l0 {',
      'canvas c1 {',
      'option global {',
      'annotation a1 {',
    );
    const lead = fc.array(fc.constantFrom('', '   ', '# saved by core-gui'), { maxLength: 3 });
    fc.assert(
      fc.property(lead, block, (l, b) => {
        expect(isImunesText([...l, b, '    type router', '}'].join('\n'))).toBe(true);
      }),
    );
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (!p.endsWith('.imn')) files.push(p);
      }
    };
    for (const d of [join(HERE, '__fixtures__'), join(HERE, '__golden__'), join(HERE, '../../examples')])
      walk(d);
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((f) => isImunesText(readFileSync(f, 'utf8')))).toEqual([]);
  });
});

describe('containerlab files that are Go templates', () => {
  it('that parse only once rendered get the template message alone, at the first template line', () => {
    const r = fromClab(TEMPLATED, '/x/rendered/template-control.clab.yml');
    expect(r.topology).toBeUndefined();
    const first = TEMPLATED.split('\n').findIndex((l) => !l.startsWith('#') && l.includes('{{')) + 1;
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'clab-template',
        severity: 'error',
        line: first,
        column: 1,
        message: expect.stringContaining('is a Go template'),
      }),
    ]);
  });

  it('whatever template lines break the YAML, no YAML syntax problem is reported', () => {
    const base = [
      'name: t',
      'topology:',
      '  nodes:',
      '    a:',
      '      kind: linux',
      '    b:',
      '      kind: linux',
    ];
    const tmpl = fc.constantFrom(
      '{{- if .x }}',
      '{{- end }}',
      '{{ range .n }}',
      '  {{ .Name }}: {kind: linux}',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length), tmpl), { minLength: 1, maxLength: 4 }), (ins) => {
        const lines = [...base];
        for (const [at, t] of ins) lines.splice(Math.min(at, lines.length), 0, t);
        const r = fromClab(lines.join('\n'), 't.clab.yml');
        expect(r.problems.filter((p) => /yaml/.test(p.code))).toEqual([]);
        if (!r.topology) expect(r.problems.map((p) => p.code)).toEqual(['clab-template']);
      }),
    );
  });
});
