/**
 * What a list of configuration lines (containerlab `exec:`, Kathará
 * `.startup`) does to one node, in model terms: per-interface addresses, MTU,
 * MAC and state; routes and default gateways; sysctls; bridges made inside
 * the node, their ports and the ports' VLANs; and the lines that netplumb
 * cannot express, kept verbatim so the importer can warn about each. A line
 * `sh -c '…'` is read as the commands inside it, each at the line's place.
 */
import {
  SYSCTL_ALLOWLIST,
  type Gateway,
  type LinkEnd,
  type NamespaceNode,
  type PortVlans,
  type Route,
  type RouterNode,
  type SysctlKey,
  type Sysctls,
} from '../model';
import { SYSCTL_RANGES } from '../validate/sysctls';
import { isLinkLocal } from '../util/ip';
import { parseIpCommand, type IpCommand } from './ip-commands';
import { isDefaultVlans, joinedVlans, portVlans, vlanRefused, type VlanState } from './exec-vlans';
import { unwrapShell } from './shell-lists';

/** Configuration of one interface gathered from the lines. */
export interface IfaceConfig {
  addresses: string[];
  mtu?: number;
  mac?: string;
  up?: boolean;
  /** VLANs of a port of a VLAN-filtering bridge the lines make, when `bridge vlan` lines change them from the kernel's default. */
  vlans?: PortVlans;
  /** The first `bridge vlan` line (index in the list) that changed `vlans`. */
  vlansLine?: number;
}

/** A line that is kept as a note: its index in the list, the text, and why. */
export interface UnsupportedLine {
  index: number;
  line: string;
  why: string;
}

/** Everything the lines of one node configure. */
export interface NodeConfig {
  ifaces: Map<string, IfaceConfig>;
  routes: Route[];
  /** The line (index in the list, and its text) each of `routes` came from. */
  routeLines: { index: number; text: string }[];
  gateway: Gateway;
  /** The line each default gateway of `gateway` came from. */
  gatewayLines: { ipv4?: number; ipv6?: number };
  sysctls: Record<string, number>;
  /** The line each of `sysctls` came from (the last that set it). */
  sysctlLines: Record<string, number>;
  /** Bridges the lines make inside the node (`ip link add … type bridge`, `brctl addbr`), with the line that made each. */
  bridges: Map<string, { stp: boolean; vlanFiltering: boolean; index: number; dropped?: readonly string[] }>;
  /** Interfaces the lines make ports of one of `bridges` (`master`, `brctl addif`), with that line. */
  masters: Map<string, { bridge: string; index: number }>;
  unsupported: UnsupportedLine[];
}

const ALLOWED = new Set<string>(SYSCTL_ALLOWLIST);

/** The words for bridge options netplumb has no field for: the bridge is made, without them. */
const droppedWhy = (bridge: string, dropped: readonly string[]): string =>
  `its option${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} ${dropped.length > 1 ? 'have' : 'has'} no netplumb form (netplumb sets only STP and VLAN filtering on a bridge); the bridge ${bridge} itself is made`;

/**
 * Reads a node's configuration lines. Blank lines and `#` comments are
 * skipped. `existing`: the interfaces the node has before its lines run (its
 * links'): a bridge cannot be made under one of their names.
 */
export function interpretLines(
  lines: readonly string[],
  existing: ReadonlySet<string> = new Set(),
): NodeConfig {
  const cfg: NodeConfig = {
    ifaces: new Map(),
    routes: [],
    routeLines: [],
    gateway: {},
    gatewayLines: {},
    sysctls: {},
    sysctlLines: {},
    bridges: new Map(),
    masters: new Map(),
    unsupported: [],
  };
  const iface = (dev: string) => {
    let i = cfg.ifaces.get(dev);
    if (!i) cfg.ifaces.set(dev, (i = { addresses: [] }));
    return i;
  };
  /** Why the kernel would refuse a bridge named `name` here (dev_valid_name, and the names these lines hold), or undefined. */
  const refused = (name: string): string | undefined =>
    name.length > 15
      ? `the name ${name} is longer than the kernel's 15 characters`
      : name === 'all' || name === 'default' || /[/:\s]/.test(name) || name === '.' || name === '..'
        ? `the kernel refuses the name ${name}`
        : name === 'lo' || existing.has(name) || cfg.bridges.has(name) || cfg.masters.has(name)
          ? `${name} exists already`
          : undefined;
  /** Why `dev` cannot become a port of `bridge` here, or undefined. */
  const master = (dev: string, bridge: string): string | undefined =>
    !cfg.bridges.has(bridge)
      ? `${bridge} is not a bridge these lines make`
      : dev === bridge || cfg.bridges.has(dev)
        ? `a bridge is not made a port of ${bridge} here`
        : undefined;
  /** The VLANs of each port of a bridge these lines make, from when it joins. */
  const vlanOf = new Map<string, VlanState>();
  /** `dev` joins `bridge` (a port that changes bridge leaves the first: its VLANs start again). */
  const join = (dev: string, bridge: string, index: number) => {
    if (cfg.masters.get(dev)?.bridge !== bridge) vlanOf.set(dev, joinedVlans());
    cfg.masters.set(dev, { bridge, index });
  };
  const leave = (dev: string) => {
    cfg.masters.delete(dev);
    vlanOf.delete(dev);
  };
  /** A line that is one command, or `sh -c '…'` whose commands are read one by one at the same place. */
  const read = (text: string, index: number) => {
    if (text === '' || text.startsWith('#')) return;
    const inner = unwrapShell(text);
    if (inner) return void inner.forEach((t) => read(t.trim(), index));
    const c = parseIpCommand(text);
    if (!c) cfg.unsupported.push({ index, line: text, why: 'not a command netplumb can express' });
    else apply(c, text, index);
  };
  const apply = (c: IpCommand, text: string, index: number) => {
    switch (c.kind) {
      case 'addr':
        if (isLinkLocal(c.cidr) && c.cidr.includes(':'))
          cfg.unsupported.push({
            index,
            line: text,
            why: 'an IPv6 link-local address: netplumb leaves those to the kernel, which gives every interface one',
          });
        else if (!iface(c.dev).addresses.includes(c.cidr)) iface(c.dev).addresses.push(c.cidr);
        break;
      case 'link': {
        if (c.master !== undefined) {
          const why = c.master === null ? undefined : master(c.dev, c.master);
          if (why) {
            cfg.unsupported.push({ index, line: text, why });
            break;
          }
          if (c.master === null) leave(c.dev);
          else join(c.dev, c.master, index);
        }
        const i = iface(c.dev);
        if (c.up !== undefined) i.up = c.up;
        if (c.mtu !== undefined) i.mtu = c.mtu;
        if (c.mac !== undefined) i.mac = c.mac;
        break;
      }
      case 'route': {
        const fam = c.v6 ? 'ipv6' : 'ipv4';
        if (
          c.to === 'default' &&
          c.via !== undefined &&
          c.dev === undefined &&
          c.metric === undefined &&
          cfg.gateway[fam] === undefined
        ) {
          cfg.gateway[fam] = c.via;
          cfg.gatewayLines[fam] = index;
        } else {
          const r: Route = { to: c.to };
          if (c.via !== undefined) r.via = c.via;
          if (c.dev !== undefined) r.dev = c.dev;
          if (c.metric !== undefined) r.metric = c.metric;
          cfg.routes.push(r);
          cfg.routeLines.push({ index, text });
        }
        break;
      }
      case 'sysctl': {
        const range = SYSCTL_RANGES[c.key as SysctlKey] as [number, number] | undefined;
        const v = Number(c.value);
        if (!ALLOWED.has(c.key) || !range)
          cfg.unsupported.push({
            index,
            line: text,
            why: `sysctl ${c.key} is not one netplumb sets in a lab`,
          });
        else if (!Number.isInteger(v) || v < range[0] || v > range[1])
          cfg.unsupported.push({
            index,
            line: text,
            why: `netplumb sets ${c.key} to the values the kernel gives a meaning, ${range[0]} to ${range[1]}`,
          });
        else {
          cfg.sysctls[c.key] = v;
          cfg.sysctlLines[c.key] = index;
        }
        break;
      }
      case 'bridge': {
        const why = refused(c.name);
        if (why) {
          cfg.unsupported.push({ index, line: text, why });
          break;
        }
        cfg.bridges.set(c.name, {
          stp: c.stp ?? false,
          vlanFiltering: c.vlanFiltering ?? false,
          index,
          ...(c.dropped ? { dropped: c.dropped } : {}),
        });
        if (c.dropped) cfg.unsupported.push({ index, line: text, why: droppedWhy(c.name, c.dropped) });
        break;
      }
      case 'bridge-set': {
        const b = cfg.bridges.get(c.name);
        if (!b) {
          cfg.unsupported.push({ index, line: text, why: `${c.name} is not a bridge these lines make` });
          break;
        }
        if (c.stp !== undefined) b.stp = c.stp;
        if (c.vlanFiltering !== undefined) b.vlanFiltering = c.vlanFiltering;
        if (c.dropped) {
          b.dropped = [...(b.dropped ?? []), ...c.dropped];
          cfg.unsupported.push({ index, line: text, why: droppedWhy(c.name, c.dropped) });
        }
        break;
      }
      case 'vlan': {
        const why = vlanRefused(c, text, index, cfg.bridges, cfg.masters, vlanOf);
        if (why) cfg.unsupported.push({ index, line: text, why });
        break;
      }
      case 'ports': {
        // brctl goes through the interfaces one by one: those it refuses are said, the others join or leave.
        const refusedDevs: string[] = [];
        for (const d of c.devs) {
          const why = c.release
            ? cfg.masters.get(d)?.bridge === c.bridge
              ? undefined
              : `${d} is not a port of ${c.bridge}`
            : master(d, c.bridge);
          if (why) refusedDevs.push(why);
          else if (c.release) leave(d);
          else join(d, c.bridge, index);
        }
        if (refusedDevs.length) cfg.unsupported.push({ index, line: text, why: refusedDevs.join('; ') });
        break;
      }
    }
  };
  lines.forEach((line, index) => read(String(line).trim(), index));
  // The ports' VLANs, once every line has run: on a VLAN-filtering bridge they are the port's `vlans`
  // (when they differ from the default a port without `vlans` has); elsewhere the kernel keeps them
  // without effect, and netplumb has no place for them.
  for (const [dev, v] of vlanOf) {
    const port = cfg.masters.get(dev);
    if (!port || isDefaultVlans(v)) continue;
    if (cfg.bridges.get(port.bridge)?.vlanFiltering)
      Object.assign(iface(dev), { vlans: portVlans(v), vlansLine: v.first?.index });
    else if (v.first)
      cfg.unsupported.push({
        index: v.first.index,
        line: v.first.text,
        why: `bridge ${port.bridge} does not filter VLANs (no \`vlan_filtering 1\`), so the VLANs of its port ${dev} do nothing; netplumb keeps VLANs only on a VLAN-filtering bridge`,
      });
  }
  cfg.unsupported.sort((a, b) => a.index - b.index);
  return cfg;
}

/**
 * Routes through an interface the node will not have in netplumb (the
 * loopback, or one no link carries, or a bridge port) become lines kept as
 * notes: netplumb routes leave through the node's own link interfaces and
 * bridges. `devs` are the interfaces the node has; returns the lines dropped.
 */
export function keepRoutesOnLinks(cfg: NodeConfig, devs: ReadonlySet<string>): UnsupportedLine[] {
  const keep: number[] = [];
  const dropped: UnsupportedLine[] = [];
  cfg.routes.forEach((r, i) => {
    if (r.dev === undefined || devs.has(r.dev)) return void keep.push(i);
    const port = cfg.masters.get(r.dev);
    const why =
      r.dev === 'lo'
        ? "a route through the loopback interface: netplumb routes leave through the node's links"
        : port
          ? `interface ${r.dev} is a port of bridge ${port.bridge}, whose traffic leaves through ${port.bridge}`
          : `interface ${r.dev} is on no link of the node`;
    dropped.push({ index: cfg.routeLines[i].index, line: cfg.routeLines[i].text, why });
  });
  cfg.routes = keep.map((i) => cfg.routes[i]);
  cfg.routeLines = keep.map((i) => cfg.routeLines[i]);
  cfg.unsupported = [...cfg.unsupported, ...dropped].sort((a, b) => a.index - b.index);
  return dropped;
}

/** Builds a namespace node, or a router when the lines turn IPv4 forwarding on. */
export function netnsNodeFrom(id: string, name: string, cfg: NodeConfig): NamespaceNode | RouterNode {
  const sysctls = { ...cfg.sysctls };
  const router = sysctls['net.ipv4.ip_forward'] === 1;
  let ipv6Forwarding = false;
  if (router) {
    delete sysctls['net.ipv4.ip_forward'];
    ipv6Forwarding = sysctls['net.ipv6.conf.all.forwarding'] === 1;
    delete sysctls['net.ipv6.conf.all.forwarding'];
  }
  const common = {
    id,
    name,
    routes: cfg.routes,
    ...(cfg.gateway.ipv4 !== undefined || cfg.gateway.ipv6 !== undefined
      ? { gateway: { ...cfg.gateway } }
      : {}),
    ...(Object.keys(sysctls).length ? { sysctls: sysctls as Sysctls } : {}),
  };
  return router ? { ...common, kind: 'router', ipv6Forwarding } : { ...common, kind: 'namespace' };
}

/** A link end for interface `ifname` of `node`, carrying the configuration the lines gave it. */
export function endFrom(node: string, ifname: string, cfg?: IfaceConfig): LinkEnd {
  const end: LinkEnd = { node, ifname, addresses: cfg ? [...cfg.addresses] : [], up: cfg?.up ?? true };
  if (cfg?.mtu !== undefined) end.mtu = cfg.mtu;
  if (cfg?.mac !== undefined) end.mac = cfg.mac;
  if (cfg?.vlans !== undefined)
    end.vlans = { ...cfg.vlans, untagged: [...cfg.vlans.untagged], tagged: [...cfg.vlans.tagged] };
  return end;
}
