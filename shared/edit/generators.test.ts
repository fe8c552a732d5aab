import { describe, expect, it } from 'vitest';
import { parseTopology, type Topology } from '../model';
import { sameSubnet } from '../util/ip';
import { validateDocument } from '../validate';
import { emptyDocument } from './document';
import { generate, type GeneratorSpec, type GeneratorShape } from './generators';

const validateTopology = (doc: unknown) => validateDocument(doc).problems;

/** A new document with the generated shape added (what the editor's Generate does). */
function generated(spec: GeneratorSpec): Topology {
  const doc = emptyDocument();
  const out = generate(doc, spec, { x: 0, y: 0 });
  return { ...doc, nodes: [...doc.nodes, ...out.nodes], links: [...doc.links, ...out.links] };
}

function neighbours(doc: Topology): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of doc.links) {
    m.set(l.a.node, [...(m.get(l.a.node) ?? []), l.b.node]);
    m.set(l.b.node, [...(m.get(l.b.node) ?? []), l.a.node]);
  }
  return m;
}

describe('generators', () => {
  const shapes: GeneratorShape[] = ['star', 'line', 'ring', 'tree'];

  for (const shape of shapes) {
    it(`${shape} of 5 namespaces on bridges: one subnet, unique addresses, all connected`, () => {
      const doc = generated({ shape, count: 5, hub: 'bridge' });
      expect(parseTopology(doc).ok).toBe(true);
      expect(validateTopology(doc).filter((p) => p.severity === 'error')).toEqual([]);
      const nss = doc.nodes.filter((n) => n.kind === 'namespace');
      expect(nss).toHaveLength(5);
      const addrs = doc.links.flatMap((l) => [...l.a.addresses, ...l.b.addresses]);
      expect(addrs).toHaveLength(5);
      expect(new Set(addrs).size).toBe(5);
      for (const a of addrs) expect(sameSubnet(a, addrs[0])).toBe(true);
      // Connected: a walk from the first node reaches every node.
      const nb = neighbours(doc);
      const seen = new Set([doc.nodes[0].id]);
      const todo = [doc.nodes[0].id];
      while (todo.length) {
        for (const x of nb.get(todo.pop()!) ?? []) {
          if (seen.has(x)) continue;
          seen.add(x);
          todo.push(x);
        }
      }
      expect(seen.size).toBe(doc.nodes.length);
      if (shape === 'ring')
        expect(doc.nodes.filter((n) => n.kind === 'bridge').every((n) => n.kind === 'bridge' && n.stp)).toBe(
          true,
        );
    });

    it(`${shape} of 6 namespaces on routers: a subnet per link, gateways, and routes to every other subnet`, () => {
      const doc = generated({ shape, count: 6, hub: 'router' });
      expect(parseTopology(doc).ok).toBe(true);
      expect(validateTopology(doc).filter((p) => p.severity === 'error')).toEqual([]);
      for (const l of doc.links) expect(sameSubnet(l.a.addresses[0], l.b.addresses[0])).toBe(true);
      const subnets = doc.links.map((l) => l.a.addresses[0].replace(/\.\d+\/24$/, ''));
      expect(new Set(subnets).size).toBe(doc.links.length);
      const routers = doc.nodes.filter((n) => n.kind === 'router');
      for (const r of routers) {
        if (r.kind !== 'router') continue;
        const attached = doc.links.filter((l) => l.a.node === r.id || l.b.node === r.id).length;
        // Every subnet is either attached or routed.
        expect(attached + r.routes.length).toBe(doc.links.length);
      }
      for (const n of doc.nodes) if (n.kind === 'namespace') expect(n.gateway?.ipv4).toMatch(/^10\./);
    });
  }
});
