/**
 * The live reader: the kernel's state of some namespaces as a KState, read
 * with iproute2's JSON output and normalised by live-parse.ts.
 *
 * Processes per namespace (see readLive): one `ip -j -d -n NS -batch -` that
 * prints addresses+links, routes of both families and the namespace-id table;
 * plus `tc -j qdisc show` only when a link's root qdisc is netem, `bridge -j
 * vlan show` only when a bridge has VLAN filtering, and one sysctl process
 * only when sysctls are asked for. The processes of all namespaces are
 * started by one spawn (the runner's fan-out, fan-out.ts), not one Node
 * spawn each.
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
import { fanOut, type FanJob, type RunResult, type Runner } from './runner';

/** What to read. */
export interface ReadLiveOptions {
  /** Names as in `ip netns list`, or 'all' for every named namespace. */
  namespaces: string[] | 'all';
  /** Also read the root namespace (key ROOT_NS = ''). */
  includeRoot?: boolean;
  /**
   * Read the allowlisted sysctls (one more process per namespace): true for
   * every namespace read, or the names of those to read them in; otherwise
   * `sysctls` is {}.
   */
  sysctls?: boolean | readonly string[];
  /** Namespaces read at the same time (default: the fan-out's). */
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

/** A result checked: GONE when the namespace vanished, else throws on failure. */
function checked(ns: string, argv: readonly string[], r: RunResult): RunResult | Gone {
  if (r.exitCode === 0) return r;
  if (isNamespaceGone(r)) return GONE;
  throw new LiveReadError(`reading ${label(ns)}: \`${argv.join(' ')}\` failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
}

async function run(runner: Runner, ns: string, argv: string[], input?: string): Promise<RunResult | Gone> {
  return checked(ns, argv, await runner(argv, input === undefined ? undefined : { input }));
}

/**
 * The one `ip -j -d -batch` of a namespace: addresses+links, routes of both
 * families, and, in the root only, the nsid table. Why not `netns list-id`
 * everywhere: iproute2 names nsids by opening every /run/netns entry, so
 * each call costs O(namespaces) (measured: it doubled a 200-namespace read);
 * a namespace whose veth peers the root's table cannot prove asks for it in
 * a second fan-out (see needsIds).
 */
const BATCH = 'address show\nroute show table all\n';
const ROOT_BATCH = BATCH + 'netns list-id\n';
const batchJob = (ns: string): FanJob => ({ argv: ['ip', '-j', '-d', ...nsArgs(ns), '-batch', '-'], input: ns === ROOT_NS ? ROOT_BATCH : BATCH });

/**
 * The allowlisted sysctls of a namespace, in one process. `sysctl -e` skips
 * keys this kernel lacks and prints "key = value", so keys and values stay
 * paired (`sysctl -n` would not say which key was skipped). `ip netns exec`
 * is used rather than reading /proc/sys from here because /proc/sys/net
 * always shows the namespace of the reading process.
 */
const sysctlJob = (ns: string): FanJob => {
  const sysctl = ['sysctl', '-e', ...SYSCTL_ALLOWLIST];
  return { argv: ns === ROOT_NS ? sysctl : ['ip', 'netns', 'exec', ns, ...sysctl] };
};

/** Parses a namespace's batch output; GONE when it vanished. */
function parseBatch(ns: string, r: RunResult | Gone): RawNs | Gone {
  if (r === GONE) return GONE;
  const what = `ip -j -d -batch in ${label(ns)}`;
  const docs = splitJsonDocuments(r.stdout, what);
  const want = ns === ROOT_NS ? 3 : 2;
  if (docs.length !== want) throw new IpJsonError(`${what} printed ${docs.length} JSON documents, expected ${want} (address, route${want === 3 ? ', netns list-id' : ''})`);
  const links = checkIpJson(IpLinkList, docs[0], `ip -j -d address show in ${label(ns)}`);
  const routes = checkIpJson(IpRouteList, docs[1], `ip -j -d route show table all in ${label(ns)}`);
  const ids = docs.length === 3 ? checkIpJson(NetnsIdList, docs[2], `ip -j netns list-id in ${label(ns)}`) : [];
  return { name: ns, links, routes, nsids: new Map(ids.map((i) => [i.nsid, i.name])), vlans: [], qdiscs: [], sysctls: {} };
}

/**
 * True when a namespace's nsid table is needed: it has a veth in another
 * namespace that the root's own table does not prove to be the root's
 * (a root veth whose peer, by the root's nsid table, is this namespace at
 * this ifindex, pointing back). resolvePeers makes the same proof.
 */
function needsIds(raw: RawNs, root: RawNs | undefined): boolean {
  if (raw.name === ROOT_NS) return false;
  const rootByIndex = root ? new Map(root.links.map((l) => [l.ifindex, l])) : undefined;
  return raw.links.some((l) => {
    if (l.linkinfo?.info_kind !== 'veth' || l.link_netnsid === undefined || l.link_index === undefined) return false;
    const cand = rootByIndex?.get(l.link_index);
    const back = cand?.link_netnsid === undefined ? undefined : root!.nsids.get(cand.link_netnsid);
    return !(cand && cand.link_index === l.ifindex && back === raw.name);
  });
}

/**
 * Reads the namespaces in one fan-out (one process per namespace, plus one
 * per namespace whose sysctls are asked for, all started by one spawn), then
 * a second fan-out only for the rare extras: `tc` where a link has netem,
 * `bridge vlan` where a bridge filters VLANs.
 */
async function readNamespaces(runner: Runner, names: readonly string[], sysctlsOf: (ns: string) => boolean, concurrency?: number): Promise<RawNs[]> {
  const jobs: { ns: string; kind: 'batch' | 'sysctl'; job: FanJob }[] = [];
  for (const ns of names) {
    jobs.push({ ns, kind: 'batch', job: batchJob(ns) });
    if (sysctlsOf(ns)) jobs.push({ ns, kind: 'sysctl', job: sysctlJob(ns) });
  }
  const results = await fanOut(
    runner,
    jobs.map((j) => j.job),
    { concurrency },
  );
  const raws = new Map<string, RawNs | Gone>();
  const sys = new Map<string, Record<string, string> | Gone>();
  jobs.forEach((j, i) => {
    const r = checked(j.ns, j.job.argv, results[i]);
    if (j.kind === 'batch') raws.set(j.ns, parseBatch(j.ns, r));
    else sys.set(j.ns, r === GONE ? GONE : parseSysctlOutput(r.stdout));
  });

  const root = raws.get(ROOT_NS);
  const extras: { raw: RawNs; kind: 'tc' | 'vlan' | 'ids'; argv: string[] }[] = [];
  for (const raw of raws.values()) {
    if (raw === GONE) continue;
    const s = sys.get(raw.name);
    if (s === GONE) {
      raws.set(raw.name, GONE);
      continue;
    }
    if (s) raw.sysctls = s;
    if (needsIds(raw, root === GONE ? undefined : root)) extras.push({ raw, kind: 'ids', argv: ['ip', '-j', ...nsArgs(raw.name), 'netns', 'list-id'] });
    if (raw.links.some((l) => l.qdisc === 'netem')) extras.push({ raw, kind: 'tc', argv: ['tc', '-j', ...nsArgs(raw.name), 'qdisc', 'show'] });
    if (raw.links.some((l) => l.linkinfo?.info_kind === 'bridge' && (l.linkinfo.info_data?.vlan_filtering ?? 0) !== 0)) {
      extras.push({ raw, kind: 'vlan', argv: ['bridge', '-j', ...nsArgs(raw.name), 'vlan', 'show'] });
    }
  }
  const more = await fanOut(
    runner,
    extras.map((e) => ({ argv: e.argv })),
    { concurrency },
  );
  extras.forEach((e, i) => {
    const q = checked(e.raw.name, e.argv, more[i]);
    if (q === GONE) raws.set(e.raw.name, GONE);
    else if (e.kind === 'ids') e.raw.nsids = new Map(parseIpJson(NetnsIdList, q.stdout, `ip -j netns list-id in ${label(e.raw.name)}`).map((x) => [x.nsid, x.name]));
    else if (e.kind === 'tc') e.raw.qdiscs = parseIpJson(TcQdiscList, q.stdout, `tc -j qdisc show in ${label(e.raw.name)}`);
    else e.raw.vlans = parseIpJson(BridgeVlanList, q.stdout, `bridge -j vlan show in ${label(e.raw.name)}`);
  });
  return [...raws.values()].filter((r): r is RawNs => r !== GONE);
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

  const sys = opts.sysctls;
  const sysctlsOf = Array.isArray(sys) ? (ns: string) => sys.includes(ns) : () => sys === true;
  const results = await readNamespaces(runner, wanted, sysctlsOf, opts.concurrency);
  const raws = new Map<string, RawNs>();
  for (const r of results) raws.set(r.name, r);

  const state: KState = { namespaces: {} };
  for (const raw of raws.values()) state.namespaces[raw.name] = toNamespace(raw);
  await resolvePeers(runner, raws, state, opts.concurrency ?? 8, opts.peerNames ?? true);
  return state;
}
