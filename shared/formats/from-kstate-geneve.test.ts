/**
 * import-host and Geneve: a Geneve device has only a remote, so two devices
 * pair by VNI and port (exactly two, in two imported namespaces), each end's
 * local being the other's remote; every other device is named in a warning.
 */
import { describe, expect, it } from 'vitest';
import { geneveLabDoc } from '../kinds/testing/geneve-lab';
import { parseTopology, type Topology } from '../model';
import { type KIface, type KState, ROOT_NS, resolve } from '../plan';
import { hasErrors, validate } from '../validate';
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
const dev = (name: string, id: number, remote: string, port = 6081): KIface => ({
  name,
  kind: 'geneve',
  up: true,
  addresses: [],
  params: [
    { key: 'id', value: String(id) },
    { key: 'remote', value: remote },
    { key: 'dstport', value: String(port) },
  ],
});
const emptyNs = (name: string) => ({ name, sysctls: { ...FRESH_NS_SYSCTLS }, ifaces: {}, routes: [] });
const warnings = (r: ReturnType<typeof kstateToTopology>) =>
  r.problems.filter((p) => p.severity === 'warning').map((p) => p.message);

describe('kstateToTopology with Geneve devices', () => {
  it.each([false, true])(
    'pairs the two devices of the overlay lab into one geneve link (bridged: %s); the file makes the same kernel state',
    (bridged) => {
      const t = topo(geneveLabDoc('ov', { bridged }));
      const r = kstateToTopology(liveOf(t), { lab: 'ov' });
      expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(warnings(r).filter((m) => /Geneve/.test(m))).toEqual([]);
      expect(r.topology!.links.filter((l) => l.kind === 'geneve')).toEqual([
        expect.objectContaining({
          id: 'geneve-h1-h2',
          kind: 'geneve',
          vni: 7,
          port: 6081,
          a: expect.objectContaining({ node: 'h1', ifname: 'gv0', local: '10.0.1.1' }),
          b: expect.objectContaining({
            node: 'h2',
            ifname: 'gv0',
            local: '10.0.2.1',
            ...(bridged ? { bridge: expect.stringMatching(/^br0/) } : {}),
          }),
        }),
      ]);
      expect(validate(r.topology!).filter((p) => p.severity === 'error')).toEqual([]);
      expect(liveOf(r.topology!)).toEqual(liveOf(t));
    },
  );

  it('warns, by name and with the reason, about every device it cannot pair', () => {
    const s = liveOf(topo(geneveLabDoc('ov')));
    // Three devices share VNI 9: which two belong together cannot be told. One is alone (VNI 5).
    s.namespaces.h3 = {
      ...emptyNs('h3'),
      ifaces: { g9: dev('g9', 9, '10.0.0.4'), g5: dev('g5', 5, '10.0.0.1') },
    };
    s.namespaces.h4 = { ...emptyNs('h4'), ifaces: { g9: dev('g9', 9, '10.0.0.3') } };
    s.namespaces.h5 = { ...emptyNs('h5'), ifaces: { g9: dev('g9', 9, '10.0.0.3') } };
    s.namespaces[ROOT_NS]!.ifaces.gh = dev('gh', 7, '10.0.0.2');
    const r = kstateToTopology(s, { lab: 'ov' });
    expect(hasErrors(r.problems)).toBe(false);
    expect(r.topology!.links.filter((l) => l.kind === 'geneve').map((l) => [l.a.node, l.b.node])).toEqual([
      ['h1', 'h2'],
    ]);
    const w = warnings(r).filter((m) => /Geneve/.test(m));
    expect(w).toEqual(
      expect.arrayContaining([
        'Geneve device gh in the root namespace is left out: a Geneve link joins two lab namespaces, and the host is not one.',
        expect.stringMatching(
          /^Geneve device g5 in namespace h3 \(VNI 5, remote 10\.0\.0\.1, port 6081\) is left out: no Geneve device in another imported namespace has the same VNI and port/,
        ),
        expect.stringMatching(/^Geneve device g9 in namespace h4 .* 3 devices share this VNI and port/),
      ]),
    );
    expect(w).toHaveLength(5);
  });
});
