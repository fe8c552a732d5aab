/**
 * Test support for the validator: a small valid lab and a way to build
 * variants of it. Pure; used only by tests.
 */
import { parseTopology, type Topology } from '../model';
import type { Problem } from './problem';

/**
 * A valid lab: ns1 —l1— r1 —l2— br0 —l3— ns2, with gateways via r1.
 * Returned as plain input (before defaults) so tests can change anything.
 */
// Tests edit documents freely, including into shapes the types forbid.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseDoc = { version: number; name: string; nodes: any[]; links: any[]; expect?: any[] };

export function baseInput(): LooseDoc {
  return {
    version: 1,
    name: 'lab1',
    nodes: [
      { id: 'ns1', name: 'ns1', kind: 'namespace', gateway: { ipv4: '10.0.1.1' } },
      { id: 'ns2', name: 'ns2', kind: 'namespace', gateway: { ipv4: '10.0.2.1', ipv6: 'fd00:2::1' } },
      { id: 'r1', name: 'r1', kind: 'router', sysctls: { 'net.ipv4.ip_forward': 1 } },
      { id: 'br0', name: 'br0', kind: 'bridge' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.1.2/24'] },
        b: { node: 'r1', ifname: 'eth0', addresses: ['10.0.1.1/24'] },
      },
      {
        id: 'l2',
        a: { node: 'r1', ifname: 'eth1', addresses: ['10.0.2.1/24', 'fd00:2::1/64'] },
        b: { node: 'br0', ifname: 'br0-p1' },
      },
      {
        id: 'l3',
        a: { node: 'ns2', ifname: 'eth0', addresses: ['10.0.2.2/24', 'fd00:2::2/64'] },
        b: { node: 'br0', ifname: 'br0-p2' },
      },
    ],
  };
}

/** Parses input like a file (migrations, defaults); throws if the schema rejects it. */
export function topo(input: unknown): Topology {
  const r = parseTopology(input);
  if (!r.ok)
    throw new Error(`test document rejected by the schema: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.topology;
}

/** Applies `edit` to a fresh copy of the base lab and parses it. */
export function variant(edit: (doc: LooseDoc) => void): Topology {
  const doc = baseInput();
  edit(doc);
  return topo(doc);
}

/** The problems with a given code. */
export function withCode(problems: Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}
