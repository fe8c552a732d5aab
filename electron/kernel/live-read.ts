/**
 * The live reader: the kernel's state of some namespaces as a KState, read
 * with iproute2's JSON output and normalised by live-parse.ts.
 *
 * Processes per namespace (see readLive): one `ip -j -d -n NS -batch -` that
 * prints addresses+links, routes of both families and the namespace-id table;
 * plus `tc -j qdisc show` only when a link's root qdisc is netem, `bridge -j
 * vlan show` only when a bridge has VLAN filtering, and one sysctl process
 * only when sysctls are asked for.
 */
import { SYSCTL_ALLOWLIST } from '../../shared/model/common';
import { ROOT_NS, type KIface, type KNamespace, type KState } from '../../shared/plan/kstate';
import {
  BridgeVlanList,
  IpJsonError,
  IpLinkList,
  IpRouteList,
  NetnsIdList,
  TcQdiscList,
  checkIpJson,
  parseIpJson,
  splitJsonDocuments,
  type BridgeVlanPort,
  type IpLink,
  type IpRoute,
  type TcQdisc,
} from './ip-json';
import { linkToIface, netemByDev, parseSysctlOutput, portVlans, staticRoutes } from './live-parse';
import { isValidNetnsName, listNetns } from './netns';
import type { RunResult, Runner } from './runner';

/** What to read. */
export interface ReadLiveOptions {
  /** Names as in `ip netns list`, or 'all' for every named namespace. */
  namespaces: string[] | 'all';
  /** Also read the root namespace (key ROOT_NS = ''). */
  includeRoot?: boolean;
  /** Read the allowlisted sysctls (one more process per namespace); otherwise `sysctls` is {}. */
  sysctls?: boolean;
  /** Namespaces read at the same time (default 8). */
  concurrency?: number;
  /**
   * Read a namespace that was not requested just to learn a veth peer's
   * name (default true). When false, such a peer is given by namespace only
   * (`peer.name` undefined): the engine's scoped reads use this so that reading
   * the root of a 1000-host star does not cost 1000 more processes.
   */
  peerNames?: boolean;
}

/** A raw read of one namespace, before peers are resolved. */
interface RawNs {
  name: string;
  links: IpLink[];
  routes: IpRoute[];
  /** Peer namespace ids seen from this namespace → name (undefined: no name, e.g. the root). */
  nsids: Map<number, string | undefined>;
  vlans: BridgeVlanPort[];
  qdiscs: TcQdisc[];
  sysctls: Record<string, string>;
}

/** Thrown when a read fails for a reason other than the namespace being gone. */
export class LiveReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveReadError';
  }
}

const nsArgs = (ns: string): string[] => (ns === ROOT_NS ? [] : ['-n', ns]);
const label = (ns: string): string => (ns === ROOT_NS ? 'the root namespace' : `namespace "${ns}"`);

/**
 * True when iproute2 could not enter the namespace because it no longer
 * exists (deleted, or a stale /run/netns file with nothing mounted on it).
 * A permission error is not "gone" and is reported.
 */
export function isNamespaceGone(r: RunResult): boolean {
  return (
    r.exitCode !== 0 &&
    /(Cannot open network namespace|setting the network namespace) "[^"]*"(: No such file or directory| failed: Invalid argument)/.test(r.stderr)
  );
}

const GONE = Symbol('gone');
type Gone = typeof GONE;

async function run(runner: Runner, ns: string, argv: string[], input?: string): Promise<RunResult | Gone> {
  const r = await runner(argv, input === undefined ? undefined : { input });
  if (r.exitCode === 0) return r;
  if (isNamespaceGone(r)) return GONE;
  throw new LiveReadError(`reading ${label(ns)}: \`${argv.join(' ')}\` failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
}

const BATCH = 'address show\nroute show table all\nnetns list-id\n';

/** Reads one namespace; GONE when it disappeared. */
async function readNamespace(runner: Runner, ns: string, withSysctls: boolean): Promise<RawNs | Gone> {
  // The sysctl read does not depend on the link dump: start it at the same time.
  const sysctls = withSysctls ? readSysctls(runner, ns) : Promise.resolve({});
  sysctls.catch(() => undefined); // awaited below; avoids an unhandled rejection if the batch fails first
  const argv = ['ip', '-j', '-d', ...nsArgs(ns), '-batch', '-'];
  const r = await run(runner, ns, argv, BATCH);
  if (r === GONE) return GONE;
  const what = `ip -j -d -batch in ${label(ns)}`;
  const docs = splitJsonDocuments(r.stdout, what);
  if (docs.length !== 3) throw new IpJsonError(`${what} printed ${docs.length} JSON documents, expected 3 (address, route, netns list-id)`);
  const links = checkIpJson(IpLinkList, docs[0], `ip -j -d address show in ${label(ns)}`);
  const routes = checkIpJson(IpRouteList, docs[1], `ip -j -d route show table all in ${label(ns)}`);
  const ids = checkIpJson(NetnsIdList, docs[2], `ip -j netns list-id in ${label(ns)}`);
  const raw: RawNs = { name: ns, links, routes, nsids: new Map(ids.map((i) => [i.nsid, i.name])), vlans: [], qdiscs: [], sysctls: {} };

  const extra: Promise<boolean>[] = [
    sysctls.then((s) => {
      if (s === GONE) return false;
      raw.sysctls = s;
      return true;
    }),
  ];
  if (links.some((l) => l.qdisc === 'netem')) {
    extra.push(
      run(runner, ns, ['tc', '-j', ...nsArgs(ns), 'qdisc', 'show']).then((q) => {
        if (q === GONE) return false;
        raw.qdiscs = parseIpJson(TcQdiscList, q.stdout, `tc -j qdisc show in ${label(ns)}`);
        return true;
      }),
    );
  }
  if (links.some((l) => l.linkinfo?.info_kind === 'bridge' && (l.linkinfo.info_data?.vlan_filtering ?? 0) !== 0)) {
    extra.push(
      run(runner, ns, ['bridge', '-j', ...nsArgs(ns), 'vlan', 'show']).then((q) => {
        if (q === GONE) return false;
        raw.vlans = parseIpJson(BridgeVlanList, q.stdout, `bridge -j vlan show in ${label(ns)}`);
        return true;
      }),
    );
  }
  const ok = await Promise.all(extra);
  return ok.every(Boolean) ? raw : GONE;
}

/**
 * The allowlisted sysctls of a namespace, in one process. `sysctl -e` skips
 * keys this kernel lacks and prints "key = value", so keys and values stay
 * paired (`sysctl -n` would not say which key was skipped). `ip netns exec`
 * is used rather than reading /proc/sys from here because /proc/sys/net
 * always shows the namespace of the reading process.
 */
async function readSysctls(runner: Runner, ns: string): Promise<Record<string, string> | Gone> {
  const sysctl = ['sysctl', '-e', ...SYSCTL_ALLOWLIST];
  const r = await run(runner, ns, ns === ROOT_NS ? sysctl : ['ip', 'netns', 'exec', ns, ...sysctl]);
  return r === GONE ? GONE : parseSysctlOutput(r.stdout);
}

/** Runs fn over items with at most `limit` running at once, keeping order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Wraps async jobs so that at most `limit` run at once. */
function semaphore(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  const max = Math.max(1, limit);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    // A finishing job hands its slot straight to the next waiter, so `active` never exceeds max.
    if (active >= max) await new Promise<void>((go) => waiting.push(go));
    else active++;
    try {
      return await job();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** A link table of a namespace that was not part of the read (for veth peers). */
interface LinkTable {
  byIndex: Map<number, IpLink>;
  nsids: Map<number, string | undefined>;
}

function tableOf(raw: { links: IpLink[]; nsids: Map<number, string | undefined> }): LinkTable {
  return { byIndex: new Map(raw.links.map((l) => [l.ifindex, l])), nsids: raw.nsids };
}

/**
 * Resolves veth peers. iproute2 names a peer in the same namespace in
 * `link`; for a peer in another namespace it gives `link_index` (the peer's
 * ifindex there) and `link_netnsid`, an id local to the reporting namespace
 * that `ip netns list-id` maps to a /run/netns name. An id without a name is
 * taken as the root namespace only when the root has a veth at that ifindex
 * whose own peer points back here; otherwise (e.g. a container's unnamed
 * namespace) the peer stays unknown. Namespaces outside the read are looked
 * up once each with `ip -j link show` (+ list-id for the root).
 */
async function resolvePeers(runner: Runner, raws: Map<string, RawNs>, out: KState, concurrency: number, peerNames = true): Promise<void> {
  const extra = new Map<string, Promise<LinkTable | undefined>>();
  const gate = semaphore(concurrency);
  const table = (ns: string): Promise<LinkTable | undefined> => {
    const have = raws.get(ns);
    if (have) return Promise.resolve(tableOf(have));
    let p = extra.get(ns);
    if (!p) {
      const argv = ['ip', '-j', ...nsArgs(ns), '-batch', '-'];
      p = gate(() => run(runner, ns, argv, 'link show\nnetns list-id\n')).then((r) => {
        if (r === GONE) return undefined;
        const docs = splitJsonDocuments(r.stdout, `ip -j -batch in ${label(ns)}`);
        const links = checkIpJson(IpLinkList, docs[0], `ip -j link show in ${label(ns)}`);
        const ids = checkIpJson(NetnsIdList, docs[1] ?? [], `ip -j netns list-id in ${label(ns)}`);
        return tableOf({ links, nsids: new Map(ids.map((i) => [i.nsid, i.name])) });
      });
      extra.set(ns, p);
    }
    return p;
  };

  const jobs: Promise<void>[] = [];
  for (const raw of raws.values()) {
    for (const link of raw.links) {
      if (link.linkinfo?.info_kind !== 'veth') continue;
      const iface = out.namespaces[raw.name].ifaces[link.ifname];
      if (link.link_netnsid === undefined) {
        // Peer in the same namespace: iproute2 prints its name as "link".
        if (typeof link.link === 'string' && out.namespaces[raw.name].ifaces[link.link]) iface.peer = { ns: raw.name, name: link.link };
        continue;
      }
      if (link.link_index === undefined) continue;
      const peerIndex = link.link_index;
      const nsid = link.link_netnsid;
      jobs.push(
        (async () => {
          const peerNs = raw.nsids.get(nsid);
          if (peerNs !== undefined) {
            if (!peerNames && !raws.has(peerNs)) {
              iface.peer = { ns: peerNs };
              return;
            }
            const t = await table(peerNs);
            const peer = t?.byIndex.get(peerIndex);
            if (peer) iface.peer = { ns: peerNs, name: peer.ifname };
            return;
          }
          if (raw.name === ROOT_NS) return; // an unnamed namespace seen from the root: not ours to name
          const root = await table(ROOT_NS);
          const cand = root?.byIndex.get(peerIndex);
          const back = cand?.link_netnsid === undefined ? undefined : root!.nsids.get(cand.link_netnsid);
          if (cand && cand.link_index === link.ifindex && back === raw.name) {
            iface.peer = { ns: ROOT_NS, name: cand.ifname };
          }
        })(),
      );
    }
  }
  await Promise.all(jobs);
}

function toNamespace(raw: RawNs): KNamespace {
  const vlans = portVlans(raw.vlans);
  const netem = netemByDev(raw.qdiscs, `tc -j qdisc show in ${label(raw.name)}`);
  const filtering = new Set(raw.links.filter((l) => l.linkinfo?.info_kind === 'bridge' && (l.linkinfo.info_data?.vlan_filtering ?? 0) !== 0).map((l) => l.ifname));
  const ifaces: Record<string, KIface> = {};
  for (const link of raw.links) {
    const iface = linkToIface(link);
    // Only ports of a VLAN-filtering bridge carry VLANs netplumb manages (not the bridge's own entry).
    const v = vlans.get(link.ifname);
    if (v && iface.master !== undefined && filtering.has(iface.master)) iface.vlans = v;
    const n = netem.get(link.ifname);
    if (n) iface.netem = n;
    ifaces[link.ifname] = iface;
  }
  const ns: KNamespace = { name: raw.name, sysctls: raw.sysctls, ifaces, routes: staticRoutes(raw.routes) };
  const lo = raw.links.find((l) => l.ifname === 'lo');
  if (lo?.ifalias) ns.mark = lo.ifalias;
  return ns;
}

/**
 * Reads the live state of the given namespaces. A namespace that does not
 * exist (or disappears while being read) is absent from the result, not an
 * error; anything else iproute2 rejects, or prints in an unexpected shape,
 * throws LiveReadError / IpJsonError naming the namespace and command.
 */
export async function readLive(runner: Runner, opts: ReadLiveOptions): Promise<KState> {
  const named = opts.namespaces === 'all' ? await listNetns() : [...new Set(opts.namespaces)];
  for (const n of named) {
    // Why: names reach argv and /run/netns paths; refuse anything that is not a plain name.
    if (n !== ROOT_NS && !isValidNetnsName(n)) throw new LiveReadError(`"${n}" is not a valid namespace name`);
  }
  const wanted = named.filter((n) => n !== ROOT_NS);
  if (opts.includeRoot || named.includes(ROOT_NS)) wanted.unshift(ROOT_NS);

  const results = await mapLimit(wanted, opts.concurrency ?? 8, (ns) => readNamespace(runner, ns, opts.sysctls === true));
  const raws = new Map<string, RawNs>();
  for (const r of results) if (r !== GONE) raws.set(r.name, r);

  const state: KState = { namespaces: {} };
  for (const raw of raws.values()) state.namespaces[raw.name] = toNamespace(raw);
  await resolvePeers(runner, raws, state, opts.concurrency ?? 8, opts.peerNames ?? true);
  return state;
}
