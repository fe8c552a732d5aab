/**
 * The link side of a containerlab import (clab-import.ts): each link's two
 * ends on the nodes built, with the addresses and settings the namespace's
 * exec lines give the interface, and a note for interfaces those lines
 * configure but no link carries. Pure; warnings go to the context in order.
 */
import { isNetnsNode, type Link, type LinkEnd } from '../model';
import { clabInterfaceAlias } from './clab-aliases';
import { parseClabLink, type RawEnd } from './clab-links';
import type { DocPath } from './document';
import { endFrom, keepRoutesOnLinks } from './exec-config';
import { madeBridgeKey } from './clab-import-nodes';
import {
  type ClabCtx,
  error,
  hostNode,
  kernelName,
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
    const ends = p.ends.map((e) => linkEnd(c, e, li, p.mtu, used));
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
  mtu: number | undefined,
  used: Map<string, Set<string>>,
): LinkEnd | undefined {
  if (TEMPLATE.test(e.ifname) || TEMPLATE.test(e.node))
    return void error(c, templateMessage(`endpoint "${e.node}:${e.ifname}"`), e.path, 'clab-template');
  // A bridge is a node of its own wherever it lives: a link to it is a port of the bridge.
  const bridge = c.byName.get(e.node)?.kind === 'bridge' ? c.byName.get(e.node) : undefined;
  const ownerName = e.node === 'host' ? 'host' : owner(c, e.node);
  const kind = c.resolved.get(e.node)?.kind ?? 'linux';
  const ifname = kernelName(
    c,
    clabInterfaceAlias(kind, e.ifname) ?? e.ifname,
    e.path,
    `interface of node "${e.node}"`,
  );
  // An interface the node's exec lines make a port of a bridge they make: the link ends on that bridge.
  const cfg = c.configs.get(ownerName);
  const master = bridge ? undefined : cfg?.masters.get(ifname);
  const node =
    bridge ??
    (master ? c.byName.get(madeBridgeKey(ownerName, master.bridge)) : undefined) ??
    (ownerName === 'host' ? hostNode(c) : c.byName.get(ownerName));
  if (!node) return void error(c, `link ${li + 1}: node "${e.node}" is not in topology.nodes`, e.path);
  (used.get(ownerName) ?? used.set(ownerName, new Set()).get(ownerName)!).add(ifname);
  const own = cfg?.ifaces.get(ifname);
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
