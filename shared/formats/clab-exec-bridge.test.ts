/**
 * A containerlab linux node whose exec lines make a Linux bridge of its
 * interfaces (the "container as a switch" pattern): the bridge is imported
 * as a bridge inside the node's namespace with those interfaces as ports, and
 * what cannot be carried is said at its line.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fromClab } from './clab';

function lab(swExec: string[]) {
  return stringify({
    name: 'sw',
    topology: {
      nodes: {
        sw: { kind: 'linux', image: 'alpine', exec: swExec },
        h1: { kind: 'linux', image: 'alpine', exec: ['ip addr add 10.0.0.1/24 dev eth1'] },
        h2: { kind: 'linux', image: 'alpine', exec: ['ip addr add 10.0.0.2/24 dev eth1'] },
      },
      links: [{ endpoints: ['sw:eth1', 'h1:eth1'] }, { endpoints: ['sw:eth2', 'h2:eth1'] }],
    },
  });
}

describe('containerlab: a bridge made by exec lines', () => {
  it('becomes a bridge in the node, with the interfaces the lines enslave as its ports', () => {
    const r = fromClab(
      lab([
        'ip link add name br0 type bridge stp_state 1',
        'ip link set dev eth1 master br0',
        'brctl addif br0 eth2',
        'ip addr add 10.0.0.254/24 dev br0',
        'ip link set dev br0 up',
      ]),
      'sw.clab.yml',
    );
    expect(r.problems).toEqual([]);
    const t = r.topology!;
    const sw = t.nodes.find((n) => n.name === 'sw')!;
    expect(t.nodes.find((n) => n.name === 'br0')).toMatchObject({
      kind: 'bridge',
      namespace: sw.id,
      stp: true,
      addresses: ['10.0.0.254/24'],
    });
    const name = (id: string) => t.nodes.find((n) => n.id === id)!.name;
    expect(t.links.map((l) => `${name(l.a.node)}:${l.a.ifname}-${name(l.b.node)}:${l.b.ifname}`)).toEqual([
      'br0:eth1-h1:eth1',
      'br0:eth2-h2:eth1',
    ]);
  });

  it('says what it cannot carry at its line: never up, an address on a port, a port on no link', () => {
    const r = fromClab(
      lab([
        'brctl addbr br0',
        'ip addr add 10.0.0.9/24 dev eth1',
        'ip link set eth1 master br0',
        'ip link set eth2 master br0',
        'ip link set eth5 master br0',
        'ip link add name eth2 type bridge vlan_filtering 1',
      ]),
      'sw.clab.yml',
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const said = r.problems.map((p) => p.message);
    expect(said.some((m) => /bridge br0 is never brought up/.test(m))).toBe(true);
    expect(said.some((m) => /10\.0\.0\.9\/24 of eth1 dropped: eth1 is a port of bridge br0/.test(m))).toBe(
      true,
    );
    expect(said.some((m) => /eth5 is made a port of bridge br0, but no link has eth5/.test(m))).toBe(true);
    // eth2 is a link's interface: the bridge of that name is not made (the line fails in containerlab)
    expect(said.some((m) => /ip link add name eth2 type bridge.*eth2 exists already/.test(m))).toBe(true);
    expect(r.topology!.nodes.filter((n) => n.kind === 'bridge').map((n) => n.name)).toEqual(['br0']);
    expect(r.topology!.links.every((l) => l.a.addresses.length === 0 || l.a.node !== 'sw')).toBe(true);
  });
});
