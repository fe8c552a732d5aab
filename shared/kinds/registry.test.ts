import { describe, expect, it } from 'vitest';
import { isNetnsNode, Link, linkKindOf, TopoNode, type NodeKind } from '../model';
import {
  isNodeKind,
  kindOf,
  linkKernelKinds,
  linkKind,
  linkKinds,
  NODE_KINDS_REGISTRY,
  nodeKindList,
  nodeLabel,
} from '.';

/** The kinds the schemas accept, read from the zod unions themselves (not from the registry). */
const schemaNodeKinds = TopoNode.options.map((o) => o.shape.kind.value as string).sort();
const schemaLinkKinds = Link.options
  .map((o) => ('unwrap' in o.shape.kind ? o.shape.kind.unwrap() : o.shape.kind).value as string)
  .sort();

const minimal: Record<NodeKind, Record<string, unknown>> = {
  namespace: { id: 'n', name: 'n', kind: 'namespace' },
  router: { id: 'n', name: 'n', kind: 'router' },
  bridge: { id: 'n', name: 'n', kind: 'bridge' },
  host: { id: 'n', name: 'n', kind: 'host' },
};

describe('the kind registry', () => {
  it('has exactly one descriptor per node kind and per link kind of the schema', () => {
    expect(Object.keys(NODE_KINDS_REGISTRY).sort()).toEqual(schemaNodeKinds);
    expect(Object.keys(linkKinds).sort()).toEqual(schemaLinkKinds);
    expect([...nodeKindList].sort()).toEqual(schemaNodeKinds);
    expect(schemaNodeKinds.every(isNodeKind)).toBe(true);
    expect(isNodeKind('toString')).toBe(false);
  });

  it.each(nodeKindList)('node kind %s has a complete descriptor', (k) => {
    const d = NODE_KINDS_REGISTRY[k];
    expect(d.kind).toBe(k);
    const node = d.schema.parse(minimal[k]) as TopoNode;
    expect(node.kind).toBe(k);
    expect(kindOf(node)).toBe(d);
    expect(d.label).toMatch(/^[A-Z]/);
    expect(nodeLabel(node)).toBe(`${d.label} "n"`);
    expect(d.help.length).toBeGreaterThan(5);
    expect(d.namePrefix).toMatch(/^[a-z]+$/);
    expect(d.firstIndex).toBeGreaterThanOrEqual(0);
    expect(['eth', 'port', 'peer']).toContain(d.ifnames);
    expect(d.netns).toBe(isNetnsNode(node));
    expect(typeof d.namespaceOf).toBe('function');
    // A netns kind makes a namespace; every kind either makes kernel state or lives in the root (host).
    expect(Boolean(d.resolveNamespace)).toBe(d.netns);
    expect(d.palette.colorVar).toMatch(/^--[a-z]+$/);
    expect(d.palette.icon.length).toBeGreaterThan(0);
    expect(d.export.mermaidShape).toHaveLength(2);
    expect(d.export.mermaidClass).toMatch(/^fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}/);
    expect(d.export.svg.fill).toMatch(/^#[0-9a-f]{6}$/);
    expect(d.export.svg.text).toBe(k);
  });

  it('labels, colours and shapes are distinct between node kinds', () => {
    const all = nodeKindList.map((k) => NODE_KINDS_REGISTRY[k]);
    for (const f of [
      (d: (typeof all)[number]) => d.label,
      (d: (typeof all)[number]) => d.palette.colorVar,
      (d: (typeof all)[number]) => d.export.mermaidShape.join(''),
      (d: (typeof all)[number]) => d.namePrefix,
    ])
      expect(new Set(all.map(f)).size).toBe(all.length);
  });

  it.each(Object.keys(linkKinds))('link kind %s has a complete descriptor', (k) => {
    const d = linkKinds[k as keyof typeof linkKinds];
    expect(d.kind).toBe(k);
    const link = d.schema.parse({
      id: 'l1',
      kind: k,
      // Fields a kind requires beyond its two ends (vxlan, geneve: a VNI).
      ...(k === 'vxlan' || k === 'geneve' ? { vni: 42 } : {}),
      a: { node: 'x', ifname: 'e0' },
      b: { node: 'y', ifname: 'e1' },
    }) as Link;
    expect(linkKindOf(link)).toBe(k);
    expect(linkKind(link)).toBe(d);
    expect(d.label.length).toBeGreaterThan(2);
    expect(typeof d.resolve).toBe('function');
    expect(d.kernelKinds.length).toBeGreaterThan(0);
    expect(d.style.className).toBe(`np-link--${k}`);
    expect(['endpoints', 'exec']).toContain(d.export.clab);
    for (const kk of d.kernelKinds) expect(linkKernelKinds.has(kk)).toBe(true);
  });

  it('a link without a kind is a veth pair, so older files load unchanged', () => {
    const link = Link.parse({ id: 'l1', a: { node: 'x', ifname: 'e0' }, b: { node: 'y', ifname: 'e1' } });
    expect(link.kind).toBeUndefined();
    expect(linkKindOf(link)).toBe('veth');
    expect(linkKind(link)).toBe(linkKinds.veth);
    expect(Link.safeParse({ ...link, kind: 'gre' }).success).toBe(false);
  });
});
