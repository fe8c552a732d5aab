import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkLabName, checkIfName, checkNetnsName } from '../validate/names';
import { baseInput, topo } from '../validate/test-fixtures';

const classicTopology = () => topo(baseInput());
import { fitBytes, isGenericFolder, labNameFromPath, sanitizeLabName, uniqueIfname } from './import-names';
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

describe('lab names of files in a generic folder (Kathará-Labs: <exercise>/lab/lab.conf)', () => {
  it('come from the folder above the generic one', () => {
    const root = '/x/Kathara-Labs';
    expect(labNameFromPath(`${root}/exercises/02-add-one-router/lab/lab.conf`, 'f')).toBe(
      '02-add-one-router',
    );
    expect(labNameFromPath(`${root}/exercises/01-simple-configuration/lab/lab.conf`, 'f')).toBe(
      '01-simple-configuration',
    );
    expect(labNameFromPath(`${root}/tutorials/traffic-control/tbf/lab/lab.conf`, 'f')).toBe('tbf');
    // several generic levels are all skipped; case and "_" do not hide a generic name
    expect(labNameFromPath('/x/ospf-area/Kathara_Lab/lab/lab.conf', 'f')).toBe('ospf-area');
    // other files too: the generic folder does not name the lab, its parent does
    expect(labNameFromPath('/x/exam-1/lab/topology.clab.yml', 'f')).toBe('exam-1-topology');
    // a folder that only looks generic is a name
    expect(labNameFromPath('/x/lab-bgp/lab.conf', 'f')).toBe('lab-bgp');
    expect(labNameFromPath('/x/lab/lab.conf', 'f')).toBe('x');
    // with nothing but generic folders, the nearest one is all there is
    expect(labNameFromPath('lab/lab.conf', 'f')).toBe('lab');
  });

  it('a Kathará import uses that name', () => {
    const r = fromKathara('a[0]="A"\n', { fileName: '/x/exercises/02-add-one-router/lab/lab.conf' });
    expect(r.topology!.name).toBe('02-add-one-router');
  });

  const seg = fc
    .stringMatching(/^[A-Za-z0-9 _.+-]{1,30}$/)
    .filter((s) => s.trim() !== '' && s !== '.' && s !== '..');
  const generic = fc
    .constantFrom(
      'lab',
      'labs',
      'Lab',
      'LAB',
      'kathara',
      'Kathara_Lab',
      'netkit',
      'netkit-lab',
      'topology',
      'lab_files',
    )
    .filter(isGenericFolder);
  const file = fc.constantFrom('lab.conf', 'topo.clab.yml', 'net.mn', 'scenario.xml');

  it('never returns the generic name when a folder above it names the lab; valid and stable names', () => {
    fc.assert(
      fc.property(
        fc.array(seg, { maxLength: 3 }),
        seg.filter((s) => !isGenericFolder(s) && sanitizeLabName(s) !== 'imported-lab'),
        fc.array(generic, { minLength: 1, maxLength: 3 }),
        file,
        (above, parent, generics, f) => {
          const path = ['', ...above, parent, ...generics, f].join('/');
          const name = labNameFromPath(path, 'fallback');
          expect(checkLabName(name)).toBeNull();
          expect(isGenericFolder(name)).toBe(false);
          // the generic folders add nothing: the name is the one the parent folder gives
          expect(name).toBe(labNameFromPath(`/${parent}/${f}`, 'fallback'));
          // stable: what lies above the folder that names the lab does not change the name
          expect(labNameFromPath(['', 'elsewhere', parent, ...generics, f].join('/'), 'fallback')).toBe(name);
          expect(labNameFromPath(path, 'fallback')).toBe(name);
        },
      ),
    );
  });

  it('two exercises with a generic lab folder never share a lab name', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,25}$/),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,25}$/),
        generic,
        (a, b, g) => {
          fc.pre(a !== b && !isGenericFolder(a) && !isGenericFolder(b));
          expect(labNameFromPath(`/r/${a}/${g}/lab.conf`, 'f')).not.toBe(
            labNameFromPath(`/r/${b}/${g}/lab.conf`, 'f'),
          );
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

describe('uniqueIfname', () => {
  /** The names as the plain search gives them: the first free STEM-i, i = 2, 3, … */
  const plain = (base: string, used: Set<string>) => {
    const clean = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^-/, '_');
    let name = fitBytes(clean, 15);
    for (let i = 2; used.has(name); i++) name = fitBytes(clean, 15 - String(i).length - 1) + '-' + i;
    used.add(name);
    return name;
  };

  it('gives the names the plain search gives, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'eth0',
            'a-very-long-interface-name',
            'a-very-long-int',
            'a-very-long-in-2',
            'x',
            'x-2',
          ),
          {
            maxLength: 40,
          },
        ),
        fc.array(fc.nat(40), { maxLength: 40 }),
        (bases, suffixes) => {
          const a = new Set<string>();
          const b = new Set<string>();
          const names = bases.map((base, k) => `${base}${suffixes[k] ?? ''}`);
          expect(names.map((n) => uniqueIfname(n, a))).toEqual(names.map((n) => plain(n, b)));
        },
      ),
    );
  });

  it('3000 long names alike on one node finish quickly (took 33.6 s)', () => {
    const used = new Set<string>();
    const t = performance.now();
    const names = Array.from({ length: 3000 }, (_, i) =>
      uniqueIfname(`a-very-long-interface-name-${i}`, used),
    );
    expect(performance.now() - t).toBeLessThan(10000);
    expect(new Set(names).size).toBe(3000);
    expect(names.slice(0, 3)).toEqual(['a-very-long-int', 'a-very-long-i-2', 'a-very-long-i-3']);
    expect(names[2999]).toBe('a-very-lon-3000');
  });
});
