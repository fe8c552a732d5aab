/**
 * namespaceOf is the one answer to "which namespace does this node live in":
 * for random valid labs it must agree with where resolve() puts the node's
 * kernel objects, and with what the validators (buildContext) assume.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BridgeNode, HostNode } from '../model';
import { arbValidTopology } from '../model/arbitraries';
import { ROOT_NS } from '../model/kstate';
import { resolve } from '../plan/resolve';
import { buildContext, ROOT } from '../validate/context';
import { kernelNamespaceOf, namespaceOf } from '.';

describe('namespaceOf', () => {
  it('agrees with resolve() and the validators for random valid topologies', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 8 }), (topo) => {
        const byId = new Map(topo.nodes.map((n) => [n.id, n]));
        const lookup = (id: string) => byId.get(id);
        const { state, nsNodes } = resolve(topo);
        const ctx = buildContext(topo);
        for (const node of topo.nodes) {
          const home = namespaceOf(node, lookup);
          // A valid lab never has a bridge in an unknown namespace.
          expect(home.at).not.toBe('unknown');
          const ns = kernelNamespaceOf(node, lookup);
          expect(ns).toBe(home.at === 'netns' ? home.node.name : ROOT_NS);
          expect(state.namespaces[ns], `namespace of ${node.id}`).toBeDefined();
          if (home.at === 'netns') expect(nsNodes.get(ns)).toBe(home.node.id);
          if (node.kind === 'bridge') expect(state.namespaces[ns].ifaces[node.name]?.kind).toBe('bridge');
          if (node.kind === 'namespace' || node.kind === 'router') {
            expect(home).toEqual({ at: 'netns', node });
            expect(state.namespaces[node.name].ifaces.lo).toBeDefined();
          }
        }
        for (const e of ctx.ends) {
          const node = byId.get(e.end.node)!;
          const ns = kernelNamespaceOf(node, lookup);
          const iface = state.namespaces[ns]?.ifaces[e.end.ifname];
          expect(iface, `${e.link.id}.${e.key} in "${ns}"`).toBeDefined();
          expect(iface!.kind).toBe('veth');
          // The validators' namespace key (node id, ROOT for the root) names the same namespace.
          expect(e.ns === ROOT ? ROOT_NS : byId.get(e.ns!)?.name).toBe(ns);
          expect(e.isPort).toBe(node.kind === 'bridge');
        }
        // Nothing is placed in a namespace no node lives in.
        const homes = new Set([ROOT_NS, ...topo.nodes.map((n) => kernelNamespaceOf(n, lookup))]);
        for (const ns of Object.keys(state.namespaces)) expect(homes.has(ns), ns).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('reports a bridge whose holder is missing or not a namespace as unknown', () => {
    const host: HostNode = { id: 'h', name: 'h', kind: 'host' };
    const br = (namespace?: string): BridgeNode => ({
      id: 'b',
      name: 'b',
      kind: 'bridge',
      stp: false,
      vlanFiltering: false,
      addresses: [],
      ...(namespace ? { namespace } : {}),
    });
    const lookup = (id: string) => (id === 'h' ? host : undefined);
    expect(namespaceOf(br(), lookup)).toEqual({ at: 'root' });
    expect(namespaceOf(br('zz'), lookup)).toEqual({ at: 'unknown', holder: undefined });
    expect(namespaceOf(br('h'), lookup)).toEqual({ at: 'unknown', holder: host });
    expect(kernelNamespaceOf(br('h'), lookup)).toBe(ROOT_NS);
    expect(namespaceOf(host, lookup)).toEqual({ at: 'root' });
  });
});
