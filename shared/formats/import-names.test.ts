import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkLabName, checkIfName, checkNetnsName } from '../validate/names';
import { baseInput, topo } from '../validate/test-fixtures';

const classicTopology = () => topo(baseInput());
import { labNameFromPath, sanitizeLabName } from './import-names';
import { prefixTopology } from './prefix';
import { fromKathara } from './kathara';

describe('lab names of imported files', () => {
  it('come from the file and its folder', () => {
    expect(labNameFromPath('/x/core/tutorial1/scenario.xml', 'f')).toBe('tutorial1-scenario');
    expect(labNameFromPath('/x/Kathara-Labs/02-add-one-router/lab.conf', 'f')).toBe('02-add-one-router');
    expect(labNameFromPath('lab-examples/srl02/srl02.clab.yml', 'f')).toBe('srl02');
    expect(labNameFromPath('demo.mn', 'f')).toBe('demo');
    expect(labNameFromPath('lab.conf', 'from-lab-name')).toBe('from-lab-name');
  });

  it('are always valid lab names, and two different (folder, file) pairs never share one', () => {
    const seg = fc
      .stringMatching(/^[A-Za-z0-9 _.+-]{1,40}$/)
      .filter((s) => s.trim() !== '' && s !== '.' && s !== '..');
    fc.assert(
      fc.property(seg, seg, fc.constantFrom('.clab.yml', '.mn', '.xml', '/lab.conf'), (folder, base, ext) => {
        const name = labNameFromPath(
          ext === '/lab.conf' ? `/r/${folder}${ext}` : `/r/${folder}/${base}${ext}`,
          'x',
        );
        expect(checkLabName(name)).toBeNull();
      }),
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,50}$/),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,50}$/),
        (a, b) => {
          fc.pre(a !== b);
          expect(sanitizeLabName(a)).not.toBe(sanitizeLabName(b));
        },
      ),
    );
  });
});

describe('import --prefix', () => {
  it('prefixes every host-visible kernel name and the lab name, keeping names valid', () => {
    const t = classicTopology();
    const { topology: p, problems } = prefixTopology(t, 'zz9-');
    expect(problems.filter((x) => x.severity === 'error')).toEqual([]);
    expect(p.name).toBe(`zz9-${t.name}`);
    for (const n of p.nodes) {
      if (n.kind === 'namespace' || n.kind === 'router') expect(n.name.startsWith('zz9-')).toBe(true);
      if (n.kind === 'bridge') expect(n.name.startsWith('zz9-') && checkIfName(n.name) === null).toBe(true);
    }
    // ids (what links and routes refer to) do not change
    expect(p.nodes.map((n) => n.id)).toEqual(t.nodes.map((n) => n.id));
  });

  it('shortens a name the prefix makes longer than 15 bytes, uniquely, and says so', () => {
    const r = fromKathara('averylongmachine[0]="longdomainname"\nanotherlongmach[0]="longdomainname"\n');
    const { topology: p, problems } = prefixTopology(r.topology!, 'pfx1-');
    const rootNames = [
      ...p.nodes.filter((n) => n.kind === 'bridge').map((n) => n.name),
      ...p.links.map((l) => l.b.ifname),
    ];
    for (const n of rootNames) expect(checkIfName(n)).toBeNull();
    expect(new Set(rootNames).size).toBe(rootNames.length);
    expect(problems.filter((x) => x.code === 'prefix-shortened').length).toBeGreaterThan(0);
    expect(problems[0].message).toMatch(
      /with the prefix is "pfx1-.*" \(\d+ bytes, Linux allows 15\); it is called "pfx1-/,
    );
    for (const n of p.nodes) if (n.kind === 'router') expect(checkNetnsName(n.name)).toBeNull();
  });

  it('refuses a prefix that is not a safe name', () => {
    expect(prefixTopology(classicTopology(), '-x').problems).toMatchObject([
      { severity: 'error', code: 'prefix-invalid' },
    ]);
    expect(prefixTopology(classicTopology(), 'a/b').problems).toMatchObject([{ severity: 'error' }]);
  });
});
