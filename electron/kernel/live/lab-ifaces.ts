/**
 * Where a lab's interfaces are, for captures and step mode: every link end
 * as (namespace, interface name, node), restricted to what the lab owns
 * right now. Ends inside a namespace need that namespace to be owned; ends
 * in the root namespace (bridge ports, host ends) need their own ifalias
 * mark `netplumb:<lab>:<link>:<end>`.
 */
import type { Topology } from '../../../shared/model';
import { makeMark, nodeNamespace, ROOT_NS } from '../../../shared/plan';
import { PlainError } from '../plain-error';
import { labRecord, readOwned, type LinkRow, type LiveOptions } from './owned';

export interface LabIface {
  linkId: string;
  end: 'a' | 'b';
  nodeId: string;
  /** Namespace key ('' = root). */
  ns: string;
  name: string;
  /** The other end of the veth pair. */
  peer: { nodeId: string; ns: string; name: string };
  /** Lower-case MAC when read from the kernel. */
  mac?: string;
  /** Operationally up (carrier on both sides). */
  up?: boolean;
  /** Byte/packet counters, when asked for (`stats`). */
  counters?: { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number };
}

/** Every link end of the lab that it owns now, with its MAC address. */
export async function labIfaces(
  lab: string,
  o: LiveOptions & { stats?: boolean } = {},
): Promise<{ topology: Topology; ifaces: LabIface[] }> {
  const t = labRecord(lab, o).topology;
  const read = await readOwned(lab, { ...o, root: true });
  const owned = new Set(read.owned.map((n) => n.ns));
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const all: LabIface[] = [];
  for (const l of t.links) {
    const place = (k: 'a' | 'b') => {
      const node = byId.get(l[k].node)!;
      return { nodeId: node.id, ns: nodeNamespace(node, byId), name: l[k].ifname };
    };
    const a = place('a');
    const b = place('b');
    all.push({ linkId: l.id, end: 'a', ...a, peer: b }, { linkId: l.id, end: 'b', ...b, peer: a });
  }
  const links = new Map<string, LinkRow>();
  for (const [ns, rows] of read.links) {
    if (ns !== ROOT_NS && !owned.has(ns)) continue;
    for (const l of rows) links.set(`${ns}/${l.ifname}`, l);
  }
  const ifaces = all.filter((i) => {
    const k = links.get(`${i.ns}/${i.name}`);
    if (!k) return false;
    // Why: a root-namespace interface is the lab's only with its own mark (the host has other interfaces).
    if (i.ns === ROOT_NS) return k.ifalias === makeMark(lab, i.linkId, i.end);
    return owned.has(i.ns);
  });
  for (const i of ifaces) {
    const k = links.get(`${i.ns}/${i.name}`)!;
    if (k.address) i.mac = k.address.toLowerCase();
    i.up = k.operstate === 'UP';
    if (o.stats) {
      const s = k.stats64 ?? {};
      i.counters = {
        rxBytes: s.rx?.bytes ?? 0,
        txBytes: s.tx?.bytes ?? 0,
        rxPackets: s.rx?.packets ?? 0,
        txPackets: s.tx?.packets ?? 0,
      };
    }
  }
  return { topology: t, ifaces };
}

/** One end of one link, owned by the lab, or a plain refusal. */
export async function labIface(
  lab: string,
  linkId: string,
  end: 'a' | 'b',
  o: LiveOptions = {},
): Promise<LabIface> {
  const { topology, ifaces } = await labIfaces(lab, o);
  if (!topology.links.some((l) => l.id === linkId))
    throw new PlainError(`lab "${lab}" has no link "${linkId}"`);
  const i = ifaces.find((x) => x.linkId === linkId && x.end === end);
  if (!i)
    throw new PlainError(
      `end ${end} of link "${linkId}" is not owned by lab "${lab}" right now (missing or unmarked): refused`,
    );
  return i;
}

/** argv prefix that runs a tool in the interface's namespace (nothing for the root namespace). */
export const inNs = (ns: string): string[] => (ns === ROOT_NS ? [] : ['ip', 'netns', 'exec', ns]);
