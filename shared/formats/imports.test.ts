/**
 * Imported labs are not only valid but buildable: the planner turns each into
 * changes that the kernel model accepts, and planning again after those
 * changes finds nothing left to do.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAnyTopologyText, serializeTopology, type ImportResult } from './index';
import { plan, resolve, ROOT_NS, type KState } from '../plan';
import { simulate } from '../plan/simulate';
import { hasErrors } from '../validate/problem';
import { golden } from '../testing/golden';

const HERE = dirname(fileURLToPath(import.meta.url));
const read = (rel: string) => readFileSync(join(HERE, rel), 'utf8');
const empty = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, ifaces: {}, routes: [] } },
});

const kathara = (): ImportResult =>
  loadAnyTopologyText(read('__golden__/kathara/office/lab.conf'), 'lab.conf', {
    labName: 'office',
    startups: Object.fromEntries(
      ['pc1', 'pc2', 'r1'].map((m) => [m, read(`__golden__/kathara/office/${m}.startup`)]),
    ),
  });

const CASES: [string, () => ImportResult][] = [
  [
    'clab bridge-lab',
    () => loadAnyTopologyText(read('__golden__/clab-import/bridge-lab.clab.yml'), 'bridge-lab.clab.yml'),
  ],
  [
    'clab routed',
    () => loadAnyTopologyText(read('__golden__/clab-import/routed.clab.yml'), 'routed.clab.yml'),
  ],
  [
    'example containerlab-bridge',
    () =>
      loadAnyTopologyText(
        read('../../examples/containerlab-bridge.clab.yml'),
        'containerlab-bridge.clab.yml',
      ),
  ],
  ['kathara office', kathara],
  ['miniedit office', () => loadAnyTopologyText(read('__golden__/miniedit/office.mn'), 'office.mn')],
  ['core office', () => loadAnyTopologyText(read('__golden__/core/office.xml'), 'office.xml')],
];

describe("imports of other tools' files match their golden files", () => {
  it.each(CASES.slice(3))('%s', (name, load) => {
    const r = load();
    const text =
      r.problems
        .map((p) => `# ${p.severity} ${p.file ? `${p.file}:` : ''}${p.line}:${p.column} ${p.message}`)
        .join('\n') +
      '\n' +
      serializeTopology(r.topology!, { format: 'yaml' });
    golden(join(HERE, '__golden__', 'imports', `${name.replace(/ /g, '-')}.expected.yaml`), text);
  });
});

describe('imported labs plan cleanly', () => {
  it.each(CASES)('%s', (_name, load) => {
    const r = load();
    expect(hasErrors(r.problems)).toBe(false);
    const desired = resolve(r.topology!);
    const first = plan(desired, empty());
    expect(first.conflicts).toEqual([]);
    expect(first.changes.length).toBeGreaterThan(0);
    const after = simulate(empty(), first.changes);
    expect(plan(desired, after).changes).toEqual([]);
    // every namespace of the import exists afterwards
    for (const n of r.topology!.nodes)
      if (n.kind === 'namespace' || n.kind === 'router') expect(after.namespaces[n.name]).toBeDefined();
  });
});
