/**
 * What a containerlab import makes of interface names, link MTUs, the lab's
 * name and yaml.v2's comments, as containerlab itself reads them: aliases of
 * network-OS kinds become the container's ethN; a name Linux cannot take is
 * shortened (containerlab keeps it as an altname), said, and unique; a link
 * gets containerlab's 9500 unless it sets its own MTU; a lab named otherwise
 * than its `name:` is said; `]#comment` is a comment. Each test asserts the
 * imported model and the exact warnings.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromClab } from './clab';
import { spaceCommentsAfterTokens } from './clab-import';
import { parseDocumentText } from './document';
import { isCleanName } from './import-names';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
// A file only yaml.v2 reads lives apart: other tests read the clab/ folder with the YAML library as it is.
const text = (name: string) =>
  readFileSync(join(FIXTURES, name === 'flow-comment.clab.yml' ? 'clab-yaml-v2' : 'clab', name), 'utf8');
const load = (name: string) => fromClab(text(name), join('/labs', name.replace(/\..*$/, ''), name));
const lineOf = (src: string, needle: string) => src.split('\n').findIndex((l) => l.includes(needle)) + 1;
type Result = ReturnType<typeof fromClab>;
const linkNames = (r: Result) =>
  r.topology!.links.map((l) => `${l.a.node}:${l.a.ifname} ${l.b.node}:${l.b.ifname}`);
const said = (r: Result, ...codes: string[]) =>
  r.problems.filter((p) => codes.includes(p.code)).map((p) => `${p.line} ${p.code} ${p.message}`);
const lab = (links: string[], nodes = ['a: {kind: linux}', 'b: {kind: linux}']) =>
  [
    'name: t',
    'topology:',
    '  nodes:',
    ...nodes.map((n) => `    ${n}`),
    '  links:',
    ...links.map((l) => `    ${l}`),
  ].join('\n') + '\n';

describe('containerlab interface aliases in an import', () => {
  it('IOL, BIG-IP, SAOS and FortiGate names become the ethN containerlab gives them; a refused name is said', () => {
    const r = load('nos-aliases.clab.yml');
    const src = text('nos-aliases.clab.yml');
    expect(linkNames(r)).toEqual([
      'r1:eth1 sw:eth3',
      'r1:eth4 lb:eth2',
      'edge:eth3 fw:eth1',
      'pc:eth1 sw:Ethernet0-0',
      'pc:Gi0-1 edge:eth4',
    ]);
    expect(said(r, 'clab-ifname', 'clab-renamed')).toEqual([
      `${lineOf(src, 'sw:Ethernet0/0')} clab-ifname interface "Ethernet0/0" of node "sw": containerlab refuses this name on kind cisco_iol (Ethernet0/0 is the management port, which links may not use), so its deploy stops here; netplumb calls it "Ethernet0-0" (Linux interface names have no "/" or space: containerlab gives the interface a random kernel name (clab-…) and "Ethernet0-0" as an altname, and netplumb has no altnames)`,
      `${lineOf(src, 'pc:Gi0/1')} clab-renamed interface "Gi0/1" of node "pc": netplumb calls it "Gi0-1" (Linux interface names have no "/" or space: containerlab gives the interface a random kernel name (clab-…) and "Gi0-1" as an altname, and netplumb has no altnames)`,
    ]);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('a clean name containerlab refuses on the kind is kept as written, and said', () => {
    const r = fromClab(
      lab(['- endpoints: ["r:Gi1", "a:eth1"]'], ['r: {kind: cisco_csr1000v}', 'a: {kind: linux}']),
      't.clab.yml',
    );
    expect(linkNames(r)).toEqual(['r:Gi1 a:eth1']);
    expect(said(r, 'clab-ifname')).toEqual([
      '7 clab-ifname interface "Gi1" of node "r": containerlab refuses this name on kind cisco_csr1000v (it maps to interface index 0, below eth1, the kind\'s first data interface), so its deploy stops here; netplumb keeps it as "Gi1"',
    ]);
  });

  it('an alias is read through a node that inherits its kind from a group', () => {
    const r = fromClab(
      [
        'name: t',
        'topology:',
        '  groups:',
        '    routers: {kind: cisco_iol}',
        '  nodes:',
        '    r: {group: routers}',
        '    a: {kind: linux}',
        '  links:',
        '    - endpoints: ["r:Ethernet2/3", "a:eth1"]',
      ].join('\n'),
      't.clab.yml',
    );
    expect(linkNames(r)).toEqual(['r:eth11 a:eth1']);
  });
});

describe('interface names Linux cannot take (more than 15 bytes, "/" or a space)', () => {
  it('are shortened, unique in their namespace (the names written as they are come first), and said with both names', () => {
    const r = load('long-host.clab.yml');
    const src = text('long-host.clab.yml');
    expect(linkNames(r)).toEqual([
      'a_node_with_a_long_name:eth1 host:a_node_with_a-2',
      'b:eth1 host:a_node_with_a-3',
      'b:eth2 host:a_node_with_a_l',
      'b:eth3 br-lab:b-eth3-on-the-b',
    ]);
    const why = (bytes: number, alt: string) =>
      `(it is ${bytes} bytes, Linux allows 15: containerlab gives the interface a random kernel name (clab-…) and "${alt}" as an altname, and netplumb has no altnames)`;
    expect(said(r, 'clab-renamed')).toEqual([
      `${lineOf(src, 'host:a_node_with_a_long_name_eth1')} clab-renamed host interface "a_node_with_a_long_name_eth1": netplumb calls it "a_node_with_a-2" ${why(28, 'a_node_with_a_long_name_eth1')}`,
      `${lineOf(src, 'host:a_node_with_a_long_name_eth2')} clab-renamed host interface "a_node_with_a_long_name_eth2": netplumb calls it "a_node_with_a-3" ${why(28, 'a_node_with_a_long_name_eth2')}`,
      `${lineOf(src, 'b eth3 on/the bridge')} clab-renamed interface "b eth3 on/the bridge" of node "br-lab": netplumb calls it "b-eth3-on-the-b" ${why(20, 'b-eth3-on-the-bridge')}`,
    ]);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('exec lines that name a shortened interface by its containerlab altname configure it', () => {
    const r = fromClab(
      lab(
        ['- endpoints: ["a:uplink-to-the-core", "b:eth1"]'],
        [
          'a:',
          '      kind: linux',
          '      exec: ["ip addr add 10.0.0.1/24 dev uplink-to-the-core", "ip link set dev uplink-to-the-core mtu 1400"]',
          'b: {kind: linux}',
        ],
      ),
      't.clab.yml',
    );
    expect(r.topology!.links[0].a).toMatchObject({
      ifname: 'uplink-to-the-c',
      addresses: ['10.0.0.1/24'],
      mtu: 1400,
    });
    expect(r.problems.map((p) => p.code)).toEqual(['clab-renamed', 'mtu-mismatch']);
  });

  it('any host names: every name is a valid kernel name, the names on the host are distinct, and each one changed is said', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_./ -]{0,39}$/).filter((s) => !/^[.]+$/.test(s));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), (hostNames) => {
        const links = hostNames.map(
          (h, i) => `- endpoints: ["a:eth${i + 1}", ${JSON.stringify(`host:${h}`)}]`,
        );
        const r = fromClab(lab(links), 't.clab.yml');
        const hostSide = r.topology!.links.map((l) => l.b.ifname);
        for (const n of hostSide) {
          expect(isCleanName(n)).toBe(true);
          expect(new TextEncoder().encode(n).length).toBeLessThanOrEqual(15);
        }
        expect(new Set(hostSide).size).toBe(hostSide.length);
        hostNames.forEach((h, i) => {
          if (hostSide[i] === h) return;
          expect(r.problems).toContainEqual(
            expect.objectContaining({
              code: 'clab-renamed',
              line: 7 + i,
              message: expect.stringContaining(`host interface "${h}": netplumb calls it "${hostSide[i]}"`),
            }),
          );
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('link MTU: the link’s own, else containerlab’s 9500 (constants DefaultLinkMTU)', () => {
  const mtus = (r: Result) => r.topology!.links.map((l) => [l.a.mtu, l.b.mtu]);

  it('every end of a link without mtu has 9500, on a node, a bridge port or the host', () => {
    const r = fromClab(
      lab(
        [
          '- endpoints: ["a:eth1", "b:eth1"]',
          '- endpoints: ["a:eth2", "br:a-port"]',
          '- endpoints: ["b:eth2", "host:b-host"]',
        ],
        ['a: {kind: linux}', 'b: {kind: linux}', 'br: {kind: bridge}'],
      ),
      't.clab.yml',
    );
    expect(mtus(r)).toEqual([
      [9500, 9500],
      [9500, 9500],
      [9500, 9500],
    ]);
  });

  it('a link’s own mtu is its ends’; 0 is containerlab’s "unset"; 1500 (a netplumb veth’s own) is left unwritten', () => {
    const r = fromClab(
      lab([
        '- endpoints: ["a:eth1", "b:eth1"]',
        '  mtu: 1400',
        '- endpoints: ["a:eth2", "b:eth2"]',
        '  mtu: 0',
        '- endpoints: ["a:eth3", "b:eth3"]',
        '  mtu: 1500',
        '- type: veth',
        '  mtu: 9000',
        '  endpoints: [{node: a, interface: eth4}, {node: b, interface: eth4}]',
      ]),
      't.clab.yml',
    );
    expect(mtus(r)).toEqual([
      [1400, 1400],
      [9500, 9500],
      [undefined, undefined],
      [9000, 9000],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('an exec line that sets an end’s MTU wins for that end; the validator names the mismatch', () => {
    const r = fromClab(
      lab(
        ['- endpoints: ["a:eth1", "b:eth1"]'],
        ['a: {kind: linux, exec: ["ip link set dev eth1 mtu 1450"]}', 'b: {kind: linux}'],
      ),
      't.clab.yml',
    );
    expect(mtus(r)).toEqual([[1450, 9500]]);
    expect(r.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'mtu-mismatch',
        'Link a:eth1 — b:eth1: MTU is 1450 on "eth1" (a) but 9500 on "eth1" (b); large packets will be dropped in one direction.',
      ],
    ]);
  });
});

describe('the lab name', () => {
  const file = 'name: Sandbox\ntopology:\n  nodes:\n    a: {kind: linux}\n';

  it('named after the file and folder, a name other than the file’s "name:" is said at that line, with both names and why', () => {
    const r = fromClab(file.replace('Sandbox', 'sandbox'), '/labs/home/lab-one.clab.yml');
    expect(r.topology!.name).toBe('home-lab-one');
    expect(r.problems).toEqual([
      {
        code: 'clab-lab-name',
        severity: 'warning',
        line: 1,
        column: 7,
        path: ['name'],
        message:
          'the lab is called "home-lab-one" and not "sandbox" (the file\'s "name:"): netplumb names an imported lab after its file and folder, so that two imported files never share a lab; to keep the file\'s name, import it with the lab name "sandbox"',
      },
    ]);
  });

  it('without a file the "name:" is the lab’s, made a valid lab name (and said when that changes it)', () => {
    const r = fromClab(file);
    expect(r.topology!.name).toBe('sandbox');
    expect(r.problems.map((p) => p.message)).toEqual([
      'the lab is called "sandbox" and not "Sandbox" (the file\'s "name:"): lab names are lowercase letters, digits, "-", "_" and "." (at most 32)',
    ]);
    expect(fromClab(file.replace('Sandbox', 'sandbox')).problems).toEqual([]);
  });

  it('says nothing when the names agree, when the caller named the lab, or when the file gives no lab', () => {
    expect(fromClab(file.replace('Sandbox', 'lab-one'), '/labs/lab-one/lab-one.clab.yml').problems).toEqual(
      [],
    );
    const asked = fromClab(file, '/labs/home/lab-one.clab.yml', { labName: 'mine' });
    expect([asked.topology!.name, asked.problems]).toEqual(['mine', []]);
    const broken = fromClab(`${file}  links:\n    - endpoints: ["a:eth1", "ghost:eth1"]\n`, '/x/y.clab.yml');
    expect(broken.problems.map((p) => p.code)).toEqual(['clab-invalid']);
  });
});

describe('yaml.v2 comments with no space before "#" (containerlab’s parser reads them)', () => {
  it('`]#`, `}#` and `"…"#` are comments; a "#" in a plain or block scalar is text', () => {
    const r = load('flow-comment.clab.yml');
    expect(linkNames(r)).toEqual(['r:eth1 pc:eth1']);
    const pc = r.topology!.nodes.find((n) => n.name === 'pc')!;
    expect(pc.origin).toBeUndefined(); // "alpine:3.20", netplumb's own default image
    expect(pc.notes).toBe('exec: echo up]#done\nexec: echo [ready]#now');
    expect(r.topology!.links[0].b.addresses).toEqual(['10.0.0.2/24']);
    expect(r.problems.filter((p) => p.code !== 'clab-exec')).toEqual([]);
  });

  it('positions of later problems are the same as in the file with the spaces written', () => {
    const src = text('flow-comment.clab.yml');
    const spaced = src
      .replace(']#first', '] #first')
      .replace('}#router', '} #router')
      .replace('"#pinned', '" #pinned');
    expect(spaceCommentsAfterTokens(src)).toBe(spaced);
    const at = (r: Result) => r.problems.map((p) => [p.severity, p.code, p.line, p.column]);
    const ghost = '    - endpoints: ["r:eth2", "ghost:eth1"]#nobody\n';
    const a = fromClab(src + ghost, '/labs/flow-comment/flow-comment.clab.yml');
    const b = fromClab(spaced + ghost.replace(']#', '] #'), '/labs/flow-comment/flow-comment.clab.yml');
    expect(at(a)).toEqual(at(b));
    expect(a.problems.find((p) => p.severity === 'error')).toMatchObject({ line: 18, column: 29 });
    const broken = '  extra: [unclosed\n';
    const c = fromClab(src + broken, 'f.clab.yml');
    expect(c.problems.length).toBeGreaterThan(0);
    expect(at(c)).toEqual(at(fromClab(spaced + broken, 'f.clab.yml')));
  });

  it('spaces 40 000 such comments in one pass (took 42 s)', () => {
    const src = '    - endpoints: ["a:e1", "a:e2"]#c\n'.repeat(40000);
    const t = performance.now();
    const out = spaceCommentsAfterTokens(src);
    expect(performance.now() - t).toBeLessThan(10000);
    expect(out).toBe(src.replaceAll(']#c', '] #c'));
  });

  it('only the containerlab import reads them so: a netplumb YAML file with `]#` is still refused', () => {
    const r = parseDocumentText('version: 1\nname: x\nnodes: []#none\nlinks: []\n', 'x.yaml');
    expect(r.problems).toMatchObject([{ severity: 'error', line: 3 }]);
  });

  it('the pass only ever puts one space before a "#" that follows "]", "}" or a quoted scalar', () => {
    const piece = fc.constantFrom(
      '[a]',
      '{a: 1}',
      '"q"',
      "'s'",
      '#c',
      ' ',
      '\n',
      'k: ',
      '- ',
      'a]',
      '|\n  x]#y\n',
      ']',
      '#',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        const out = spaceCommentsAfterTokens(s);
        let i = 0;
        let j = 0;
        while (j < out.length) {
          if (out[j] === s[i]) {
            i++;
            j++;
            continue;
          }
          // the one difference allowed: a space inserted before "#"
          expect([out[j], out[j + 1]]).toEqual([' ', '#']);
          expect(/[\]}"']$/.test(s.slice(0, i))).toBe(true);
          j++;
        }
        expect(i).toBe(s.length);
      }),
      { numRuns: 400 },
    );
  });
});
