import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMAT_TABLE, FORMATS, formatById, formatForFile, loadAnyTopologyText } from './index';

const HERE = dirname(fileURLToPath(import.meta.url));
const read = (rel: string) => readFileSync(join(HERE, rel), 'utf8');

describe('format registry', () => {
  it('has unique ids and at least one direction per format', () => {
    expect(new Set(FORMATS.map((f) => f.id)).size).toBe(FORMATS.length);
    for (const f of FORMATS) expect(f.import || f.export).toBeTruthy();
    // The light table (format-table.ts: --help, the CLI's choice of reader) says the same.
    expect(FORMAT_TABLE.map((f) => [f.id, f.reads, f.writes])).toEqual(
      FORMATS.map((f) => [f.id, !!f.import, !!f.export]),
    );
  });

  it.each([
    ['lab.yaml', 'import', 'yaml'],
    ['dir/lab.clab.yml', 'import', 'clab'],
    ['LAB.CLAB.YAML', 'export', 'clab'],
    ['/x/lab.conf', 'import', 'kathara'],
    ['t.mn', 'import', 'miniedit'],
    ['s.xml', 'import', 'core'],
    ['d.svg', 'export', 'svg'],
    ['README.md', 'export', 'mermaid'],
    ['d.svg', 'import', undefined],
    ['notes.txt', 'import', undefined],
  ] as const)('%s for %s is %s', (name, dir, id) => {
    expect(formatForFile(name, dir)?.id).toBe(id);
  });

  it('loads native and containerlab files by name', () => {
    const native = loadAnyTopologyText(read('../../examples/router.yaml'), 'router.yaml');
    expect(native.format).toBe('yaml');
    expect(native.topology?.name).toBe('router');
    const clab = loadAnyTopologyText(read('__golden__/clab-import/routed.clab.yml'), 'routed.clab.yml');
    expect(clab.format).toBe('clab');
    expect(clab.topology?.nodes).toHaveLength(4);
  });

  it('every exporter turns an example into text', () => {
    const t = loadAnyTopologyText(read('../../examples/linux-bridge.yaml'), 'linux-bridge.yaml').topology!;
    for (const f of FORMATS.filter((x) => x.export)) {
      const out = f.export!(t, {});
      expect(out.text.length, f.id).toBeGreaterThan(50);
    }
    expect(formatById('json')!.export!(t).text).toContain('"linux-bridge"');
    expect(formatById('mermaid')!.export!(t, { fileName: 'README.md' }).text.startsWith('```mermaid\n')).toBe(
      true,
    );
    expect(formatById('mermaid')!.export!(t, { fileName: 'lab.mmd' }).text.startsWith('graph LR\n')).toBe(
      true,
    );
  });
});
