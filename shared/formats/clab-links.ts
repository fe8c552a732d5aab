/**
 * containerlab link definitions, read in both of containerlab's formats
 * (links/link.go, link_brief.go, endpoint_raw.go): the brief one
 * (`endpoints: ["a:e1", "b:e2"]`, with optional link-level `mtu` and
 * `ipv4:`/`ipv6:` lists holding one address per endpoint, "" for none) and
 * the extended one (`type: veth` with endpoint objects carrying `mac`,
 * `ipv4`, `ipv6`; `type: host` with `endpoint` and `host-interface`; other
 * types have no netplumb equivalent).
 */
import { canonicalCidr, family } from '../util/ip';
import type { DocPath } from './document';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One end of a link as written: node, interface, and what the file gives it. */
export interface RawEnd {
  node: string;
  ifname: string;
  mac?: string;
  addresses: string[];
  /** Where the end is written (for warnings). */
  path: DocPath;
}

/** What a link keeps of its definition but cannot hold, each at its place (warned by the caller). */
export interface LinkNote {
  message: string;
  path: DocPath;
}

/** A link definition read into what netplumb can build, or why not. */
export type ParsedLink =
  | { kind: 'veth'; ends: [RawEnd, RawEnd]; mtu?: number; notes: LinkNote[] }
  | { kind: 'drop'; message: string; path: DocPath }
  | { kind: 'error'; message: string; path: DocPath };

/** Checks one address of an end against the family it is listed under. */
function address(v: unknown, fam: 4 | 6, where: string): string | { error: string } {
  const s = typeof v === 'string' ? v.trim() : '';
  if (!canonicalCidr(s) || family(s.split('/')[0]) !== fam)
    return {
      error: `${where}: "${String(v)}" is not an IPv${fam} address with a prefix length (e.g. ${fam === 4 ? '192.168.0.1/24' : '2001:db8::1/64'})`,
    };
  return s;
}

function briefEnd(e: unknown, path: DocPath): RawEnd | string {
  if (typeof e !== 'string')
    return `an endpoint of the brief format is a "node:interface" string; here it is ${Array.isArray(e) ? 'a list' : typeof e}`;
  const at = e.indexOf(':');
  if (at <= 0 || at === e.length - 1) return `endpoint "${e}" should look like "node:interface"`;
  return { node: e.slice(0, at), ifname: e.slice(at + 1), addresses: [], path };
}

/** Endpoint keys the extended format reads into netplumb. */
const END_KEYS = new Set(['node', 'interface', 'mac', 'ipv4', 'ipv6']);
/** Link keys a veth reads into netplumb. */
const VETH_KEYS = new Set(['type', 'endpoints', 'mtu', 'ipv4', 'ipv6']);

/** A note for every key of `obj` outside `known` (containerlab's vars, labels, …). */
export function unknownKeys(obj: Plain, known: Set<string>, path: DocPath, what: string): LinkNote[] {
  return Object.keys(obj)
    .filter((k) => !known.has(k))
    .map((k) => ({
      message: `${what}: containerlab setting ${k}: ${JSON.stringify(obj[k])?.slice(0, 60)} has no netplumb equivalent and is dropped`,
      path: [...path, k],
    }));
}

/** The MTU containerlab gives a link that sets none (constants/containerlab.go DefaultLinkMTU). */
export const CLAB_DEFAULT_MTU = 9500;

/**
 * The link-level MTU: a number, or a number written as text; anything else is
 * named. 0 is containerlab's "unset" (the link gets CLAB_DEFAULT_MTU), as is no `mtu`.
 */
function linkMtu(raw: Plain, here: DocPath, n: number): { mtu?: number; notes: LinkNote[] } {
  const v = raw.mtu;
  if (v === undefined || v === null) return { notes: [] };
  const mtu = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (mtu === 0) return { notes: [] };
  if (Number.isInteger(mtu)) return { mtu, notes: [] };
  return {
    notes: [
      {
        message: `link ${n}: mtu ${JSON.stringify(v)} is not a number; the link gets containerlab's default MTU, ${CLAB_DEFAULT_MTU}`,
        path: [...here, 'mtu'],
      },
    ],
  };
}

function objectEnd(e: unknown, path: DocPath, notes: LinkNote[] = []): RawEnd | string {
  if (!isObject(e) || typeof e.node !== 'string' || typeof e.interface !== 'string')
    return 'an endpoint of the extended format has "node" and "interface"';
  notes.push(...unknownKeys(e, END_KEYS, path, `endpoint ${e.node}:${e.interface}`));
  const out: RawEnd = { node: e.node, ifname: e.interface, addresses: [], path };
  if (typeof e.mac === 'string') out.mac = e.mac.toLowerCase();
  for (const [key, fam] of [
    ['ipv4', 4],
    ['ipv6', 6],
  ] as const) {
    if (e[key] === undefined || e[key] === '') continue;
    const a = address(e[key], fam, `${e.node}:${e.interface} ${key}`);
    if (typeof a !== 'string') return a.error;
    out.addresses.push(a);
  }
  return out;
}

/** Reads link `index` (a mapping) of topology.links. */
export function parseClabLink(raw: unknown, index: number): ParsedLink {
  const here: DocPath = ['topology', 'links', index];
  const n = index + 1;
  if (!isObject(raw))
    return { kind: 'error', message: `link ${n} should be a mapping with "endpoints"`, path: here };
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  const { mtu, notes } = linkMtu(raw, here, n);
  if (
    type === 'host' ||
    type === 'mgmt-net' ||
    type === 'macvlan' ||
    type === 'vxlan' ||
    type === 'vxlan-stitch' ||
    type === 'dummy'
  ) {
    const end = objectEnd(raw.endpoint, [...here, 'endpoint']);
    if (typeof end === 'string')
      return { kind: 'error', message: `link ${n} (${type}): ${end}`, path: [...here, 'endpoint'] };
    if (type === 'vxlan' || type === 'vxlan-stitch') {
      const vni = typeof raw.vni === 'number' || typeof raw.vni === 'string' ? ` (VNI ${raw.vni})` : '';
      const remote = typeof raw.remote === 'string' ? `the remote host ${raw.remote}` : 'a remote host';
      return {
        kind: 'drop',
        // Why it is dropped although netplumb has VXLAN links: containerlab's goes to another machine.
        message: `link ${n}: ${end.node}:${end.ifname} is joined by a VXLAN tunnel${vni} to ${remote}, outside the lab; a netplumb VXLAN link joins two nodes of the lab, so it is dropped (to keep it, draw the remote side as a lab node and join the two with a VXLAN link)`,
        path: here,
      };
    }
    if (type !== 'host') {
      const what =
        type === 'dummy'
          ? 'a dummy interface'
          : type === 'mgmt-net'
            ? "containerlab's management network"
            : `a macvlan on the host's ${String(raw['host-interface'] ?? 'interface')}`;
      return {
        kind: 'drop',
        message: `link ${n}: ${end.node}:${end.ifname} is joined to ${what} in containerlab; netplumb has no such link, so it is dropped`,
        path: here,
      };
    }
    if (typeof raw['host-interface'] !== 'string')
      return { kind: 'error', message: `link ${n} (host): "host-interface" is missing`, path: here };
    return {
      kind: 'veth',
      ends: [
        end,
        { node: 'host', ifname: raw['host-interface'], addresses: [], path: [...here, 'host-interface'] },
      ],
      mtu,
      notes,
    };
  }
  // A veth-stitch is a veth whose two ends containerlab joins through a namespace of its own (a
  // tc mirred redirect there), so that it can capture and impair it: the same link between the nodes.
  if (type === 'veth-stitch')
    notes.push({
      message: `link ${n}: a veth-stitch link (joined through a namespace of containerlab's own) is a plain veth between the two nodes in netplumb`,
      path: [...here, 'type'],
    });
  else if (type !== undefined && type !== 'veth')
    return {
      kind: 'drop',
      message: `link ${n}: a "${type}" link has no netplumb equivalent and is dropped`,
      path: [...here, 'type'],
    };
  const eps = raw.endpoints;
  if (eps === undefined) return { kind: 'error', message: `link ${n} has no "endpoints"`, path: here };
  if (!Array.isArray(eps))
    return {
      kind: 'error',
      message: `link ${n}: "endpoints" should be a list of two endpoints (e.g. ["r1:eth1", "r2:eth1"]); here it is ${typeof eps === 'string' ? `the single string "${eps}"` : typeof eps}`,
      path: [...here, 'endpoints'],
    };
  if (eps.length !== 2)
    return {
      kind: 'error',
      message: `link ${n} has ${eps.length} endpoint${eps.length === 1 ? '' : 's'}; a link joins exactly two (use a bridge node to join more)`,
      path: [...here, 'endpoints'],
    };
  notes.push(...unknownKeys(raw, VETH_KEYS, here, `link ${n}`));
  const brief = type === undefined || type === 'veth-stitch';
  const parsed = eps.map((e, i) =>
    brief && typeof e === 'string'
      ? briefEnd(e, [...here, 'endpoints', i])
      : objectEnd(e, [...here, 'endpoints', i], notes),
  );
  const bad = parsed.findIndex((e) => typeof e === 'string');
  if (bad >= 0)
    return {
      kind: 'error',
      message: `link ${n}: ${parsed[bad] as string}`,
      path: [...here, 'endpoints', bad],
    };
  const ends = parsed as RawEnd[];
  // Link-level ipv4/ipv6 lists give the endpoints their addresses in order ("" = none).
  for (const [key, fam] of [
    ['ipv4', 4],
    ['ipv6', 6],
  ] as const) {
    const list = raw[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 2)
      return {
        kind: 'error',
        message: `link ${n}: "${key}" should be a list of at most two addresses, one per endpoint`,
        path: [...here, key],
      };
    for (let i = 0; i < list.length; i++) {
      if (list[i] === '' || list[i] === null) continue;
      const a = address(list[i], fam, `link ${n} ${key}[${i}]`);
      if (typeof a !== 'string') return { kind: 'error', message: a.error, path: [...here, key, i] };
      if (!ends[i].addresses.includes(a)) ends[i].addresses.push(a);
    }
  }
  return { kind: 'veth', ends: [ends[0], ends[1]], mtu, notes };
}
