/**
 * Test support: the classic overlay lab as a document — h1 and h2 on two
 * /24s routed by r1 (the underlay), and a VXLAN link h1:vx0 — h2:vx0 (VNI 42)
 * carrying 192.168.100.0/24 (the overlay). With `bridged`, each VTEP is a
 * port of a bridge in its namespace, which holds the overlay address.
 */
export function vxlanLabDoc(name: string, opts: { bridged?: boolean; prefix?: string } = {}) {
  const p = opts.prefix ?? '';
  const ns = (id: string) => `${p}${id}`;
  const bridged = opts.bridged === true;
  const overlay = (ip: string) => (bridged ? [] : [ip]);
  return {
    version: 1,
    name,
    nodes: [
      { id: 'h1', name: ns('h1'), kind: 'namespace', gateway: { ipv4: '10.0.1.254' } },
      { id: 'r1', name: ns('r1'), kind: 'router' },
      { id: 'h2', name: ns('h2'), kind: 'namespace', gateway: { ipv4: '10.0.2.254' } },
      ...(bridged
        ? [
            { id: 'br1', name: 'br0', kind: 'bridge', namespace: 'h1', addresses: ['192.168.100.1/24'] },
            { id: 'br2', name: 'br0', kind: 'bridge', namespace: 'h2', addresses: ['192.168.100.2/24'] },
          ]
        : []),
    ],
    links: [
      {
        id: 'u1',
        a: { node: 'h1', ifname: 'eth0', addresses: ['10.0.1.1/24'] },
        b: { node: 'r1', ifname: 'eth0', addresses: ['10.0.1.254/24'] },
      },
      {
        id: 'u2',
        a: { node: 'h2', ifname: 'eth0', addresses: ['10.0.2.1/24'] },
        b: { node: 'r1', ifname: 'eth1', addresses: ['10.0.2.254/24'] },
      },
      {
        id: 'vx',
        kind: 'vxlan',
        vni: 42,
        a: {
          node: 'h1',
          ifname: 'vx0',
          addresses: overlay('192.168.100.1/24'),
          local: '10.0.1.1',
          ...(bridged ? { bridge: 'br1' } : {}),
        },
        b: {
          node: 'h2',
          ifname: 'vx0',
          addresses: overlay('192.168.100.2/24'),
          local: '10.0.2.1',
          ...(bridged ? { bridge: 'br2' } : {}),
        },
      },
    ],
  };
}
