import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyText } from './document';
import { fromClab } from './clab';
import { isNetnsNode, type Topology } from '../model';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../examples');
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f) && !/\.clab\.ya?ml$/.test(f));
const clabFiles = readdirSync(DIR).filter((f) => /\.clab\.ya?ml$/.test(f));
const load = (f: string) => {
  const text = readFileSync(join(DIR, f), 'utf8');
  return { text, ...(clabFiles.includes(f) ? fromClab(text, f) : loadTopologyText(text, f)) };
};

/** Kernel-global names a lab creates: namespaces, and interfaces in the root namespace. */
function globalNames(t: Topology): string[] {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const names = t.nodes.filter((n) => isNetnsNode(n)).map((n) => `netns:${n.name}`);
  for (const n of t.nodes) if (n.kind === 'bridge' && !n.namespace) names.push(`if:${n.name}`);
  for (const l of t.links) {
    for (const end of [l.a, l.b]) {
      const node = byId.get(end.node);
      if (node?.kind === 'host' || (node?.kind === 'bridge' && !node.namespace))
        names.push(`if:${end.ifname}`);
    }
  }
  return names;
}

describe('examples', () => {
  it('include the five documented labs', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'linux-bridge.yaml',
        'router.yaml',
        'vlan-bridge.yaml',
        'campus.yaml',
        'direct-veth.yaml',
      ]),
    );
  });

  it.each(files)('%s loads without errors or warnings and points at the schema', (f) => {
    const r = load(f);
    expect(r.problems).toEqual([]);
    expect(r.text.startsWith('# yaml-language-server: $schema=../schema/netplumb.schema.json\n')).toBe(true);
    expect(r.topology?.$schema).toBe('../schema/netplumb.schema.json');
    expect(r.topology?.name).toBe(f.replace(/\.ya?ml$/, ''));
  });

  it.each(clabFiles)('%s (containerlab) imports without problems', (f) => {
    const r = load(f);
    expect(r.problems).toEqual([]);
    expect(r.topology?.nodes.map((n) => n.kind).sort()).toEqual([
      'bridge',
      'namespace',
      'namespace',
      'router',
    ]);
  });

  it('kernel names fit in 15 bytes and no two examples share a namespace or root interface', () => {
    const seen = new Map<string, string>();
    for (const f of [...files, ...clabFiles]) {
      const t = load(f).topology!;
      for (const n of t.nodes)
        expect(new TextEncoder().encode(n.name).length, `${f}: ${n.name}`).toBeLessThanOrEqual(15);
      for (const l of t.links)
        for (const e of [l.a, l.b])
          expect(new TextEncoder().encode(e.ifname).length, `${f}: ${e.ifname}`).toBeLessThanOrEqual(15);
      for (const name of globalNames(t)) {
        expect(seen.get(name), `${name} in ${f} and ${seen.get(name)}`).toBeUndefined();
        seen.set(name, f);
      }
    }
  });

  it('the classic lab has the tutorial addresses', () => {
    const t = load('linux-bridge.yaml').topology!;
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`).sort()).toEqual([
      'bridge:br0',
      'namespace:ns1',
      'namespace:ns2',
    ]);
    const addrs = Object.fromEntries(
      t.links
        .flatMap((l) => [l.a, l.b])
        .filter((e) => e.addresses.length)
        .map((e) => [e.node, e.addresses]),
    );
    expect(addrs).toEqual({ ns1: ['10.0.0.1/24'], ns2: ['10.0.0.2/24'] });
    expect(t.expect).toContainEqual({ from: 'ns1', to: 'ns2', reach: true });
  });
});
