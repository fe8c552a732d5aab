/**
 * Test support: the overlay lab of ./vxlan-lab.ts with a Geneve link instead —
 * h1 and h2 on two /24s routed by r1 (the underlay), and a Geneve link
 * h1:gv0 — h2:gv0 (VNI 7) carrying 192.168.100.0/24 (the overlay). With
 * `bridged`, each Geneve device is a port of a bridge in its namespace.
 */
import { vxlanLabDoc } from './vxlan-lab';

export function geneveLabDoc(name: string, opts: { bridged?: boolean; prefix?: string } = {}) {
  const d = vxlanLabDoc(name, opts);
  const [u1, u2, vx] = d.links as [object, object, { a: object; b: object }];
  const gv = {
    id: 'gv',
    kind: 'geneve',
    vni: 7,
    a: { ...vx.a, ifname: 'gv0' },
    b: { ...vx.b, ifname: 'gv0' },
  };
  return { ...d, links: [u1, u2, gv] };
}
