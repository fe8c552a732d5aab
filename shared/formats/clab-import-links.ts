/**
 * The link side of a containerlab import (clab-import.ts): each end's kernel
 * name (an interface alias mapped as containerlab maps it, a name Linux
 * cannot take shortened), each link's two ends on the nodes built, with the
 * MTU containerlab gives the link and the addresses and settings the
 * namespace's exec lines give the interface, and a note for interfaces those
 * lines configure but no link carries. Pure; warnings go to the context in order.
 */
import { IFNAME_MAX_BYTES, isNetnsNode, type Link, type LinkEnd } from '../model';
import { VETH_MTU } from '../model/kstate';
import { clabIfname } from './clab-aliases';
import { CLAB_DEFAULT_MTU, parseClabLink, type RawEnd } from './clab-links';
import type { DocPath } from './document';
import { endFrom, keepRoutesOnLinks } from './exec-config';
import { madeBridgeKey } from './clab-import-nodes';
import { cleanName, isCleanName, uniqueIfname } from './import-names';
import { isObject } from './clab-resolve';
import {
  type ClabCtx,
  type EndName,
  error,
  hostNode,
  owner,
  TEMPLATE,
  templateMessage,
  warn,
} from './clab-import-ctx';

/** The links, and where each was written. */
export interface ImportedLinks {
  links: Link[];
  linkSrc: DocPath[];
}

/** Reads `topology.links` (a list) into links between the nodes built. */
export function importLinks(c: ClabCtx, linksRaw: readonly unknown[]): ImportedLinks {
  const out: ImportedLinks = { links: [], linkSrc: [] };
  const used = new Map<string, Set<string>>();
  linksRaw.forEach((raw, li) => {
    const p = parseClabLink(raw, li);
    if (p.kind === 'drop') return void warn(c, p.message, p.path);
    if (p.kind === 'error') return void error(c, p.message, p.path);
    for (const note of p.notes) warn(c, note.message, note.path);
    const special = p.ends.find((e) => e.node === 'mgmt-net' || e.node === 'macvlan');
    if (special)
      return void warn(
        c,
        `link ${li + 1}: the "${special.node}" endpoint joins ${special.node === 'mgmt-net' ? "containerlab's management network" : 'a macvlan on the host'}, which netplumb has no equivalent for; the link is dropped`,
        special.path,
      );
    // containerlab makes every veth with the link's MTU, 9500 when the link sets none (links/link_veth.go,
    // constants DefaultLinkMTU); 1500, the MTU of a veth netplumb makes, is left unwritten.
    const mtu = p.mtu ?? CLAB_DEFAULT_MTU;
    const ends = p.ends.map((e, ei) => linkEnd(c, e, li, ei, mtu === VETH_MTU ? undefined : mtu, used));
    if (ends.some((e) => e === undefined)) return;
    out.links.push({ id: `link${out.links.length + 1}`, a: ends[0]!, b: ends[1]! });
    out.linkSrc.push(['topology', 'links', li]);
  });
  noteUnlinked(c, used);
  keepRoutesOnLinksOf(c, out.links);
  return out;
}

/** Routes of exec lines through an interface the node does not have in netplumb are kept as notes, named at their line. */
function keepRoutesOnLinksOf(c: ClabCtx, links: readonly Link[]): void {
  for (const [name, cfg] of c.configs) {
    const node = c.byName.get(name);
    if (!node || !isNetnsNode(node)) continue;
    const devs = new Set(
      links.flatMap((l) => [l.a, l.b]).flatMap((e) => (e.node === node.id ? [e.ifname] : [])),
    );
    for (const b of c.nodes) if (b.kind === 'bridge' && b.namespace === node.id) devs.add(b.name);
    const dropped = keepRoutesOnLinks(cfg, devs);
    if (!dropped.length) continue;
    node.routes = cfg.routes;
    const lines = c.lineSrc.get(name) ?? [];
    for (const u of dropped) {
      node.notes = [node.notes, `exec: ${u.line}`].filter(Boolean).join('\n');
      warn(
        c,
        `node "${name}": "${u.line}" is kept as a note (${u.why})`,
        lines[u.index]?.path ?? ['topology', 'nodes', name],
        'clab-exec',
      );
    }
  }
}

/** One end of link `li` (undefined, with an error, when it cannot be placed); records the interface as used. */
function linkEnd(
  c: ClabCtx,
  e: RawEnd,
  li: number,
  ei: number,
  mtu: number | undefined,
  used: Map<string, Set<string>>,
): LinkEnd | undefined {
  if (TEMPLATE.test(e.ifname) || TEMPLATE.test(e.node))
    return void error(c, templateMessage(`endpoint "${e.node}:${e.ifname}"`), e.path, 'clab-template');
  // A bridge is a node of its own wherever it lives: a link to it is a port of the bridge.
  const bridge = c.byName.get(e.node)?.kind === 'bridge' ? c.byName.get(e.node) : undefined;
  const ownerName = e.node === 'host' ? 'host' : owner(c, e.node);
  const named = c.endNames.get(`${li}:${ei}`) ?? { ifname: e.ifname };
  if (named.note) warn(c, named.note.message, e.path, named.note.code);
  const ifname = named.ifname;
  // An interface the node's exec lines make a port of a bridge they make: the link ends on that bridge.
  const cfg = c.configs.get(ownerName);
  // An interface netplumb had to rename keeps its name in containerlab as an altname, which exec lines may use.
  const line =
    named.altname !== undefined && !cfg?.ifaces.has(ifname) && !cfg?.masters.has(ifname)
      ? named.altname
      : ifname;
  const master = bridge ? undefined : cfg?.masters.get(line);
  const node =
    bridge ??
    (master ? c.byName.get(madeBridgeKey(ownerName, master.bridge)) : undefined) ??
    (ownerName === 'host' ? hostNode(c) : c.byName.get(ownerName));
  if (!node) return void error(c, `link ${li + 1}: node "${e.node}" is not in topology.nodes`, e.path);
  (used.get(ownerName) ?? used.set(ownerName, new Set()).get(ownerName)!).add(line);
  const own = cfg?.ifaces.get(line);
  if (master && own?.addresses.length)
    warn(
      c,
      `node "${ownerName}": address${own.addresses.length > 1 ? 'es' : ''} ${own.addresses.join(', ')} of ${ifname} dropped: ${ifname} is a port of bridge ${master.bridge}, so what arrives on it goes to the bridge, not to the port's own addresses (give the address to ${master.bridge})`,
      (c.lineSrc.get(ownerName) ?? [])[master.index]?.path ?? e.path,
      'clab-exec',
    );
  const out = endFrom(node.id, ifname, master && own ? { ...own, addresses: [] } : own);
  for (const a of e.addresses) if (!out.addresses.includes(a)) out.addresses.push(a);
  if (e.mac !== undefined) out.mac = e.mac;
  if (mtu !== undefined && out.mtu === undefined) out.mtu = mtu;
  if (!isNetnsNode(node) && e.addresses.length)
    warn(
      c,
      `link ${li + 1}: addresses of ${e.node}:${e.ifname} are dropped: it is a port of a ${node.kind === 'host' ? 'host interface' : 'bridge'}`,
      e.path,
    );
  return out;
}

/**
 * The kernel name of every link end, before the nodes are built (their exec
 * lines are read against the interfaces the links give them: c.linkIfnames).
 * An alias becomes the name containerlab maps it to (clab-aliases.ts); a name
 * containerlab refuses on the node's kind is kept, and said. A name Linux
 * cannot take — longer than 15 bytes, or with "/" or a space — containerlab
 * keeps under a random kernel name with the name (its "/" and spaces made
 * "-") as an altname (links/link.go SetNameMACAndUpInterface); netplumb has
 * no altnames, so it takes that altname cut to 15 bytes, unique among the
 * interfaces of its namespace, and says so. Characters netplumb does not
 * allow in kernel names become "_".
 */
export function nameEnds(c: ClabCtx, linksRaw: readonly unknown[]): void {
  const ends: {
    key: string;
    node: string;
    ns: string;
    written: string;
    kind: string;
    alias: ReturnType<typeof clabIfname>;
  }[] = [];
  linksRaw.forEach((raw, li) => {
    const p = parseClabLink(raw, li);
    if (p.kind !== 'veth') return;
    p.ends.forEach((e, ei) => {
      if (TEMPLATE.test(e.ifname) || TEMPLATE.test(e.node)) return;
      const res = e.node === 'host' ? undefined : c.resolved.get(e.node);
      const kind = res?.kind ?? 'linux';
      const alias = clabIfname(kind, e.ifname, {
        components: isObject(res?.cfg) ? res.cfg.components : undefined,
      });
      ends.push({ key: `${li}:${ei}`, node: e.node, ns: nsOf(c, e.node), written: e.ifname, kind, alias });
      if (e.node !== 'host' && res) {
        const o = owner(c, e.node);
        (c.linkIfnames.get(o) ?? c.linkIfnames.set(o, new Set()).get(o)!).add(alias.ifname);
      }
    });
  });
  // Names Linux takes as written are theirs; a shortened name is made unique among them.
  const taken = new Map<string, Set<string>>();
  const takenIn = (ns: string) => taken.get(ns) ?? taken.set(ns, new Set()).get(ns)!;
  for (const r of c.resolved.values())
    if ((r.kind === 'bridge' || r.kind === 'ovs-bridge') && nsOf(c, r.name) === 'host')
      takenIn('host').add(r.name);
  for (const e of ends) if (linuxTakes(e.alias.ifname)) takenIn(e.ns).add(e.alias.ifname);
  for (const e of ends) {
    const ifname = linuxTakes(e.alias.ifname)
      ? e.alias.ifname
      : uniqueIfname(altname(e.alias.ifname), takenIn(e.ns));
    c.endNames.set(e.key, endName(e, ifname));
  }
}

/** What an end's kernel name is, and the warning saying why it is not the name written. */
function endName(
  e: { node: string; written: string; kind: string; alias: ReturnType<typeof clabIfname> },
  ifname: string,
): EndName {
  const who =
    e.node === 'host' ? `host interface "${e.written}"` : `interface "${e.written}" of node "${e.node}"`;
  const renamed =
    ifname === e.alias.ifname ? '' : `netplumb calls it "${ifname}" (${whyRenamed(e.alias.ifname)})`;
  const a = e.alias;
  const alt = ifname === a.ifname ? {} : { altname: altname(a.ifname) };
  if (a.kind === 'refused')
    return {
      ifname,
      ...alt,
      note: {
        code: 'clab-ifname',
        message: `${who}: containerlab refuses this name on kind ${e.kind} (${a.why}), so its deploy stops here; ${renamed || `netplumb keeps it as "${ifname}"`}`,
      },
    };
  if (a.kind === 'unmapped')
    return {
      ifname,
      ...alt,
      note: {
        code: 'clab-ifname',
        message: `${who}: containerlab maps this ${e.kind} interface name to an ethX name, but ${a.why}; ${renamed || `netplumb keeps it as "${ifname}"`}`,
      },
    };
  return renamed
    ? { ifname, ...alt, note: { code: 'clab-renamed', message: `${who}: ${renamed}` } }
    : { ifname };
}

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** links/link.go IsValidInterfaceName (at most 15 bytes, no "/" or space) and netplumb's own kernel-name characters. */
const linuxTakes = (name: string) =>
  bytes(name) <= IFNAME_MAX_BYTES && !/[/ ]/.test(name) && isCleanName(name);

/** utils/netlink.go SanitizeInterfaceName: the altname containerlab gives a name Linux cannot take ("/" and " " become "-"). */
const altname = (name: string) => name.replace(/[/ ]/g, '-');

/** Why a name written as `from` has another in netplumb. */
function whyRenamed(from: string): string {
  const invalid = bytes(from) > IFNAME_MAX_BYTES || /[/ ]/.test(from);
  const chars = cleanName(altname(from)) !== altname(from);
  const parts: string[] = [];
  if (invalid)
    parts.push(
      `${bytes(from) > IFNAME_MAX_BYTES ? `it is ${bytes(from)} bytes, Linux allows ${IFNAME_MAX_BYTES}` : 'Linux interface names have no "/" or space'}: containerlab gives the interface a random kernel name (clab-…) and "${altname(from)}" as an altname, and netplumb has no altnames`,
    );
  if (chars) parts.push('kernel names in netplumb use letters, digits, "-", "_" and "." only');
  return parts.join('; ');
}

/** The namespace an end's interface lives in: its node's (or the one it shares), the host's for the host and root bridges. */
function nsOf(c: ClabCtx, node: string): string {
  if (node === 'host') return 'host';
  const o = owner(c, node);
  const kind = c.resolved.get(o)?.kind;
  return kind === 'bridge' || kind === 'ovs-bridge' ? 'host' : o;
}

/** Interfaces a namespace's lines configure but no link carries: kept as a note on the node, with a warning. */
function noteUnlinked(c: ClabCtx, used: ReadonlyMap<string, Set<string>>): void {
  for (const [name, cfg] of c.configs) {
    for (const [dev, m] of cfg.masters) {
      if (used.get(name)?.has(dev)) continue;
      warn(
        c,
        `node "${name}": ${dev} is made a port of bridge ${m.bridge}, but no link has ${dev}; the port is dropped`,
        (c.lineSrc.get(name) ?? [])[m.index]?.path ?? ['topology', 'nodes', name],
        'clab-exec',
      );
    }
    for (const [ifname, iface] of cfg.ifaces) {
      if (used.get(name)?.has(ifname)) continue;
      if (
        iface.addresses.length === 0 &&
        iface.mtu === undefined &&
        iface.mac === undefined &&
        iface.up !== false
      )
        continue;
      const node = c.byName.get(name)!;
      if (ontoBridge(c, node.id, ifname, iface)) continue;
      const what = iface.addresses.length
        ? `address${iface.addresses.length > 1 ? 'es' : ''} ${iface.addresses.join(', ')}`
        : 'settings';
      node.notes = [node.notes, `interface ${ifname} (not on any link): ${what}`].filter(Boolean).join('\n');
      const line = (c.lineSrc.get(name) ?? []).find((l) =>
        new RegExp(`\\bdev\\s+${ifname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(l.text),
      );
      warn(
        c,
        `node "${name}": ${what} of interface "${ifname}" dropped: it is not on any link`,
        line?.path ?? ['topology', 'nodes', name],
        'clab-exec',
      );
    }
  }
}

/**
 * Lines of a namespace that configure a bridge living in it (containerlab's
 * `<bridge>|<node>`, e.g. `ip address add dev br01 192.168.0.1/24` in the
 * node's exec): the bridge's own addresses, MTU and MAC. False when no bridge
 * of that name lives there.
 */
function ontoBridge(
  c: ClabCtx,
  nsId: string,
  ifname: string,
  iface: { addresses: string[]; mtu?: number; mac?: string },
): boolean {
  const bridge = [...c.byName.values()].find(
    (n) => n.kind === 'bridge' && n.namespace === nsId && n.name === ifname,
  );
  if (bridge?.kind !== 'bridge') return false;
  for (const a of iface.addresses) if (!bridge.addresses.includes(a)) bridge.addresses.push(a);
  if (iface.mtu !== undefined) bridge.mtu = iface.mtu;
  if (iface.mac !== undefined) bridge.mac = iface.mac;
  return true;
}
