/**
 * import-host and VXLAN: two VTEPs in imported namespaces that point at each
 * other (a's local = b's remote and back, same VNI and port) become one
 * vxlan link; every other VTEP is named in a warning, never dropped silently.
 */
import { describe, expect, it } from 'vitest';
import { vxlanLabDoc } from '../kinds/testing/vxlan-lab';
import { parseTopology, type Topology } from '../model';
import { type KIface, type KState, ROOT_NS, resolve } from '../plan';
import { hasErrors } from '../validate';
import { FRESH_NS_SYSCTLS } from './from-kstate-parts';
import { kstateToTopology } from './from-kstate';

/** The kernel state a topology produces, as the live reader reports it (no marks). */
function liveOf(t: Topology): KState {
  const s = structuredClone(resolve(t).state);
  for (const [name, ns] of Object.entries(s.namespaces)) {
    delete ns.mark;
    if (name !== ROOT_NS) ns.sysctls = { ...FRESH_NS_SYSCTLS, ...ns.sysctls };
    for (const i of Object.values(ns.ifaces)) delete i.mark;
  }
  return s;
}

function topo(input: unknown): Topology {
  const r = parseTopology(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.topology;
}

/** A live VTEP as the reader gives it. */
const vtep = (name: string, id: number, local: string, remote: string, port = 4789): KIface => ({
  name,
  kind: 'vxlan',
  up: true,
  addresses: [],
  params: [
    { key: 'id', value: String(id) },
    { key: 'local', value: local },
    { key: 'remote', value: remote },
    { key: 'dstport', value: String(port) },
  ],
});
const emptyNs = (name: string) => ({ name, sysctls: { ...FRESH_NS_SYSCTLS }, ifaces: {}, routes: [] });
const warnings = (r: ReturnType<typeof kstateToTopology>) =>
  r.problems.filter((p) => p.severity === 'warning').map((p) => p.message);

describe('kstateToTopology with VXLAN devices', () => {
  it.each([false, true])(
    'pairs the two VTEPs of the overlay lab into one vxlan link (bridged: %s), and the file makes the same kernel state',
    (bridged) => {
      const t = topo(vxlanLabDoc('ov', { bridged }));
      const r = kstateToTopology(liveOf(t), { lab: 'ov' });
      expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(warnings(r).filter((m) => /VXLAN/.test(m))).toEqual([]);
      const vx = r.topology!.links.filter((l) => l.kind === 'vxlan');
      expect(vx).toEqual([
        expect.objectContaining({
          id: 'vxlan-h1-h2',
          kind: 'vxlan',
          vni: 42,
          port: 4789,
          a: expect.objectContaining({
            node: 'h1',
            ifname: 'vx0',
            local: '10.0.1.1',
            addresses: bridged ? [] : ['192.168.100.1/24'],
            ...(bridged ? { bridge: 'br0' } : {}),
          }),
          b: expect.objectContaining({ node: 'h2', ifname: 'vx0', local: '10.0.2.1' }),
        }),
      ]);
      // The imported file asks the kernel for exactly what is there.
      expect(liveOf(r.topology!)).toEqual(liveOf(t));
    },
  );

  it('warns, by name and with the reason, about every VTEP it cannot pair', () => {
    const s = liveOf(topo(vxlanLabDoc('ov')));
    // h3's VTEP sends to an address no imported VTEP has; h4's points at h1 but with another VNI;
    // the root namespace's one is the host's own.
    s.namespaces.h3 = { ...emptyNs('h3'), ifaces: { vx9: vtep('vx9', 42, '10.0.3.1', '10.9.9.9') } };
    s.namespaces.h4 = { ...emptyNs('h4'), ifaces: { vx7: vtep('vx7', 7, '10.0.2.1', '10.0.1.1') } };
    s.namespaces[ROOT_NS]!.ifaces.vxh = vtep('vxh', 5, '10.0.0.1', '10.0.0.2');
    const r = kstateToTopology(s, { lab: 'ov' });
    expect(hasErrors(r.problems)).toBe(false);
    // The matching pair is still found.
    expect(r.topology!.links.filter((l) => l.kind === 'vxlan').map((l) => [l.a.node, l.b.node])).toEqual([
      ['h1', 'h2'],
    ]);
    const w = warnings(r).filter((m) => /VXLAN/.test(m));
    expect(w).toEqual([
      'VXLAN device vxh in the root namespace is left out: a VXLAN link joins two lab namespaces, and the host is not one.',
      expect.stringMatching(
        /^VXLAN device vx9 in namespace h3 \(VNI 42, local 10\.0\.3\.1, remote 10\.9\.9\.9, port 4789\) is left out: no VXLAN device in another imported namespace has local 10\.9\.9\.9 and remote 10\.0\.3\.1/,
      ),
      expect.stringMatching(/^VXLAN device vx7 in namespace h4 \(VNI 7, .*\) is left out/),
    ]);
    expect(r.problems.find((p) => p.message.startsWith('VXLAN device vx9'))?.nodeId).toBe('h3');
  });

  it('pairs by VNI and port too, and never two VTEPs of one namespace', () => {
    const s: KState = {
      namespaces: {
        [ROOT_NS]: emptyNs(ROOT_NS),
        a: { ...emptyNs('a'), ifaces: { v1: vtep('v1', 10, '10.0.0.1', '10.0.0.2', 4790) } },
        b: {
          ...emptyNs('b'),
          ifaces: {
            w1: vtep('w1', 10, '10.0.0.2', '10.0.0.1', 4789),
            w2: vtep('w2', 10, '10.0.0.2', '10.0.0.1', 4790),
          },
        },
      },
    } as KState;
    const r = kstateToTopology(s, { lab: 'p' });
    const vx = r.topology?.links.filter((l) => l.kind === 'vxlan') ?? [];
    expect(vx.map((l) => [l.a.ifname, l.b.ifname, l.kind === 'vxlan' && l.port])).toEqual([
      ['v1', 'w2', 4790],
    ]);
    expect(warnings(r)).toContainEqual(expect.stringMatching(/^VXLAN device w1 in namespace b /));
  });

  it('with a namespace list, reports only on VTEPs of the listed namespaces', () => {
    const s = liveOf(topo(vxlanLabDoc('ov')));
    s.namespaces[ROOT_NS]!.ifaces.vxh = vtep('vxh', 5, '10.0.0.1', '10.0.0.2');
    const r = kstateToTopology(s, { lab: 'ov', namespaces: ['h1'] });
    expect(r.topology?.links.filter((l) => l.kind === 'vxlan')).toEqual([]);
    const w = warnings(r).filter((m) => /VXLAN/.test(m));
    expect(w).toEqual([
      expect.stringMatching(/^VXLAN device vx0 in namespace h1 .* import the namespace of the other end too/),
    ]);
  });
});
