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
import { closeSync, openSync, readSync } from 'node:fs';
import type * as z from 'zod';
import {
  ALWAYS_READ_KEYS,
  LOOPBACK_V6_KEY,
  IFACE_DEFAULT_SYSCTLS,
  IFACE_SYSCTLS,
  NEW_NS_CONF_KEYS,
  SYSCTL_READ_KEYS,
  ifaceSysctlKey,
  SYSCTL_ALLOWLIST,
  type IfaceSysctlFamily,
} from '../../shared/model/common';
import { deepFreeze } from '../../shared/util/freeze';
import { LOOPBACK_OWN, ROOT_NS, type KIface, type KNamespace, type KState } from '../../shared/plan/kstate';
import {
  BATCH_SCHEMA_ID,
  BridgeVlanList,
  IpJsonError,
  IpLink,
  IpLinkList,
  IpNeighList,
  IpRouteList,
  IpRuleList,
  type IpNeigh,
  type IpRule,
  type IpRoute,
  NetnsIdList,
  NetnsList,
  TcQdiscList,
  arrayElements,
  checkIpJson,
  parseIpJson,
  splitJsonDocuments,
} from './ip-json';
import {
  hasLoopbackOwn,
  linkToIface,
  netemByDev,
  handMadeQdisc,
  parseSysctlOutput,
  portVlans,
  holdsPorts,
  lostRoutes,
  permanentNeighs,
  policyRules,
  staticRoutes,
  settledV6,
  tableRoutes,
} from './live-parse';
import { isValidNetnsName, listNetns, NETNS_DIR } from './netns';
import { fanOut, type FanJob, type RunResult, type Runner } from './runner';
import { needsIds, resolvePeers, tableOf, type RawNs } from './live-peers';
import {
  cacheToFill,
  readJobs,
  storePrimed,
  type JobResult,
  type ReadJobsOptions,
  type StableRead,
} from './live-reader';
import { missingProgram } from './missing-tool';

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
  /**
   * Read each named namespace's own settings and per-interface settings
   * (ALWAYS_READ_KEYS) where its sysctls are not read: nsread reads them
   * beside its read, the fan-out with one `nsenter --net=… sh -c 'sysctl …'`
   * more per namespace.
   */
  ownSysctls?: boolean;
  /** Namespaces read at the same time (default: the fan-out's). */
  concurrency?: number;
  /** What a new namespace gets for each of NEW_NS_CONF_KEYS (default: newNamespaceConf(); tests give their own). */
  hostDefaults?: Readonly<Record<string, string | undefined>>;
  /**
   * Read a namespace that was not requested just to learn a veth peer's
   * name (default true). When false, such a peer is given by namespace only
   * (`peer.name` undefined): the engine's scoped reads use this so that reading
   * the root of a 1000-host star does not cost 1000 more processes.
   */
  peerNames?: boolean;
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
    (/(Cannot open network namespace|setting the network namespace) "[^"]*"(: No such file or directory| failed: Invalid argument)/.test(
      r.stderr,
    ) ||
      // nsenter's words (ownSysctlJob): the file is gone, or no namespace is mounted on it.
      /^nsenter: (cannot open \/run\/netns\/[^:]*: No such file or directory|reassociate to namespace 'ns\/net' failed: Invalid argument)$/m.test(
        r.stderr,
      ))
  );
}

const GONE = Symbol('gone');
type Gone = typeof GONE;

/** A result checked: GONE when the namespace vanished, else throws on failure. */
function checked(ns: string, argv: readonly string[], r: RunResult): RunResult | Gone {
  if (r.exitCode === 0) return r;
  if (isNamespaceGone(r)) return GONE;
  const said = r.stderr.trim() || r.stdout.trim();
  const missing = missingProgram(said);
  throw new LiveReadError(
    `reading ${label(ns)}: ${missing ? `${missing}; ` : ''}\`${argv.join(' ')}\` failed (exit ${r.exitCode}): ${said}`,
  );
}

async function run(runner: Runner, ns: string, argv: string[], input?: string): Promise<RunResult | Gone> {
  return checked(ns, argv, await runner(argv, input === undefined ? undefined : { input }));
}

/**
 * The one `ip -j -d -batch` of a namespace: addresses+links, routes of both
 * families, IPv4 policy rules (a batch line cannot carry -6), permanent
 * neighbour entries, and, in the root only, the nsid table. Why not an nsid table
 * everywhere: iproute2 names nsids by opening every /run/netns entry, so
 * each call costs O(namespaces) (measured: it doubled a 200-namespace read);
 * a namespace whose veth peers the root's table cannot prove asks for it in
 * a second fan-out (see needsIds). The root's table is `netns list` (each
 * /run/netns entry with the id the root knows it by), not `netns list-id`:
 * the kernel's nsid dump behind list-id was measured to stop after one
 * message buffer (134 of 400 ids on 6.18), and each namespace left unproven
 * then cost a lookup of its own (17 s of a 1000-host plan).
 */
export const BATCH = 'address show\nroute show table all\nrule show\nneigh show nud permanent nud noarp\n';
/**
 * The root's batch asks only for what its state is made of (toNamespace):
 * its links and addresses, its routes of protocol boot (what `ip route add`
 * gives) and static (staticRoutes keeps no other), and the nsid table. Why:
 * every bridge port on the host adds three IPv6 routes of the kernel's own
 * and neighbour entries of its own, which the root's state never looks at;
 * at 200 ports they were a third of the root's output and of ip's time
 * (a route filter by protocol is the kernel's, one family or both: `table
 * all` keeps both, where `table main` would mean IPv4 only).
 */
export const ROOT_BATCH =
  'address show\nroute show table all proto boot\nroute show table all proto static\nnetns list\n';
const batchJob = (ns: string): FanJob => ({
  argv: ['ip', '-j', '-d', ...nsArgs(ns), '-batch', '-'],
  input: ns === ROOT_NS ? ROOT_BATCH : BATCH,
});

/**
 * The allowlisted sysctls of a namespace and each interface's own settings
 * (SYSCTL_READ_KEYS; its patterns expanded by the shell in /proc/sys), in one
 * process: `sysctl -e` skips keys this kernel lacks and prints "key = value",
 * as the native reader does. The script is fixed text (no name goes into
 * it). `ip netns exec` is used rather than reading /proc/sys from here
 * because /proc/sys/net always shows the namespace of the reading process.
 */
const sysctlScript = (keys: readonly string[]) =>
  `cd /proc/sys && exec sysctl -e ${keys.map((k) => (k.includes('*') ? k.replace(/[.]/g, '/') : k)).join(' ')}`;
export const SYSCTL_SCRIPT = sysctlScript(SYSCTL_READ_KEYS);
const sysctlJob = (ns: string): FanJob => {
  const sysctl = ['sh', '-c', SYSCTL_SCRIPT];
  return { argv: ns === ROOT_NS ? sysctl : ['ip', 'netns', 'exec', ns, ...sysctl] };
};

/**
 * A namespace's own settings and the per-interface ones judged by its
 * `default` (ALWAYS_READ_KEYS), where its sysctls are not all read. nsread
 * reads them beside its read; without it, one process: nsenter enters the
 * network namespace only (setns), without the mount namespace that `ip netns
 * exec` makes, about half its cost. The script is fixed text, as
 * SYSCTL_SCRIPT.
 */
export const OWN_SYSCTL_SCRIPT = sysctlScript(ALWAYS_READ_KEYS);
const ownSysctlJob = (ns: string): FanJob => ({
  argv: ['nsenter', `--net=${NETNS_DIR}/${ns}`, 'sh', '-c', OWN_SYSCTL_SCRIPT],
});

/** A namespace's batch output and what it parsed to (never changed after; see parseBatch). */
interface Parsed {
  stdout: string;
  links: IpLink[];
  routes: IpRoute[];
  rules: IpRule[];
  neighs: IpNeigh[];
  nsids: Map<number, string | undefined>;
  /** A long link table's elements by their text (see linksByElement), for the next parse of this namespace. */
  linkTexts?: ReadonlyMap<string, IpLink>;
}
const parsedMemo = new Map<string, Parsed>();

/**
 * Parses a namespace's batch output; GONE when it vanished. The same text
 * parses to the same result, so the last parse of each namespace is kept
 * and reused when its output is unchanged (the native reader hands back the
 * cached output of an unchanged namespace): a 200-host lab's root alone is
 * ~750 kB of JSON. The parsed objects are only read, never changed (the
 * tests freeze them: NETPLUMB_FREEZE_READS).
 */
function parseBatch(ns: string, r: JobResult | Gone): RawNs | Gone {
  if (r === GONE) {
    parsedMemo.delete(ns);
    nsMemo.delete(ns);
    baseMemo.delete(ns);
    return GONE;
  }
  const p = parsedOf(ns, r.stdout, r.checked === true);
  return { name: ns, ...rawParts(p), sysctls: {} };
}
/** Namespaces whose last parse is kept (a bound on memory; more are parsed again). */
const MEMO_MAX = 4096;

/** The parse of a namespace's batch output, from parsedMemo when it is the same text. */
function parsedOf(ns: string, stdout: string, checked = false): Parsed {
  let p = parsedMemo.get(ns);
  if (p?.stdout !== stdout) {
    p = { stdout, ...parseDocs(ns, stdout, checked, p?.linkTexts) };
    if (process.env.NETPLUMB_FREEZE_READS)
      for (const list of [p.links, p.routes, p.rules, p.neighs]) deepFreeze(list);
    if (parsedMemo.size >= MEMO_MAX) parsedMemo.clear();
    parsedMemo.set(ns, p);
  }
  return p;
}

/**
 * The check the native reader runs on a batch output before it caches it,
 * or on its first use of an entry cached unchecked (live-reader.ts): the
 * parse itself, whose result is kept in parsedMemo.
 */
const batchCheck: NonNullable<ReadJobsOptions['check']> = {
  id: BATCH_SCHEMA_ID,
  run: (ns, stdout) => void parsedOf(ns, stdout),
};

/**
 * `checked`: the output passed these schemas before (a cache entry recording
 * BATCH_SCHEMA_ID), so it is used as JSON.parse gives it, which is what the
 * schemas would give back (they only check; see ip-json.ts). For a 200-host
 * lab that is most of a new process's read: every unchanged namespace.
 * Why it may be trusted: the entry is in root's own cache (read-cache.ts:
 * root's, 0700, checked before use) and records a check this code made
 * under the same schemas; whoever could change it could already change what
 * root believes the kernel holds, checked or not.
 */
export function parseDocs(
  ns: string,
  stdout: string,
  checked: boolean,
  before?: ReadonlyMap<string, IpLink>,
): Omit<Parsed, 'stdout'> {
  const what = `ip -j -d -batch in ${label(ns)}`;
  const nl = stdout.indexOf('\n');
  const byElement = nl >= LINKS_BY_ELEMENT ? linksByElement(stdout.slice(0, nl), before, checked) : undefined;
  const docs = byElement
    ? [byElement.links, ...splitJsonDocuments(stdout.slice(nl + 1), what)]
    : splitJsonDocuments(stdout, what);
  const check = <T>(schema: z.ZodType<T>, doc: unknown, what: string): T =>
    checked ? (doc as T) : checkIpJson(schema, doc, what);
  // Once the documents are counted; a table parsed by element was checked so (linksByElement).
  const linksOf = () =>
    byElement?.links ?? check(IpLinkList, docs[0], `ip -j -d address show in ${label(ns)}`);
  const linkTexts = byElement?.texts;
  if (ns === ROOT_NS) {
    // `netns list` prints nothing at all when /run/netns does not exist (no named namespace).
    if (docs.length !== 4 && docs.length !== 3)
      throw new IpJsonError(
        `${what} printed ${docs.length} JSON documents, expected 4 (address, route proto boot, route proto static, netns list)`,
      );
    const named = docs.length === 4 ? check(NetnsList, docs[3], `ip -j netns list in ${label(ns)}`) : [];
    return {
      links: linksOf(),
      routes: [1, 2].flatMap((i) =>
        check(
          IpRouteList,
          docs[i],
          `ip -j -d route show table all proto ${i === 1 ? 'boot' : 'static'} in ${label(ns)}`,
        ),
      ),
      rules: [],
      neighs: [],
      nsids: nsidsOf(named),
      ...(linkTexts ? { linkTexts } : {}),
    };
  }
  if (docs.length !== 4)
    throw new IpJsonError(
      `${what} printed ${docs.length} JSON documents, expected 4 (address, route, rule, neigh)`,
    );
  const links = linksOf();
  const routes = check(IpRouteList, docs[1], `ip -j -d route show table all in ${label(ns)}`);
  const rules = check(IpRuleList, docs[2], `ip -j -d rule show in ${label(ns)}`);
  const neighs = check(IpNeighList, docs[3], `ip -j -d neigh show nud permanent nud noarp in ${label(ns)}`);
  return { links, routes, rules, neighs, nsids: new Map(), ...(linkTexts ? { linkTexts } : {}) };
}

/** A link table line at least this long is parsed element by element (the root's, with a port per host). */
const LINKS_BY_ELEMENT = 32 * 1024;

/**
 * The link table `line` (the batch's first document, compact on one line)
 * parsed element by element: an element whose text the namespace's last
 * parse had (`before`) is that parse's object (checked then, frozen, never
 * changed), any other is parsed and checked now (unless the whole output
 * is `checked`). Undefined when the line is not a plain array of objects or
 * an element fails the check: the caller then parses the line whole, and
 * says what is wrong as it always did. Why: the root's table of a 200-host
 * lab is ~300 kB, and one apply changes one or two of its links.
 */
function linksByElement(
  line: string,
  before: ReadonlyMap<string, IpLink> | undefined,
  checked: boolean,
): { links: IpLink[]; texts: Map<string, IpLink> } | undefined {
  const elements = arrayElements(line);
  if (!elements) return undefined;
  const texts = new Map<string, IpLink>();
  const links: IpLink[] = [];
  for (const text of elements) {
    let link = before?.get(text);
    if (link === undefined) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return undefined;
      }
      if (!checked && !IpLink.safeParse(raw).success) return undefined;
      link = raw as IpLink;
    }
    texts.set(text, link);
    links.push(link);
  }
  return { links, texts };
}

/** The nsid table of the root's `netns list`: an entry without an id names nothing. */
const nsidsOf = (named: readonly { name: string; id?: number }[]): Map<number, string | undefined> =>
  new Map(named.flatMap((n) => (n.id === undefined ? [] : [[n.id, n.name] as const])));

/**
 * The read an apply's `ip` batches may be followed by (executor.ts
 * primeBatch): the live reader's own batch, when there is a read cache to
 * fill; undefined otherwise (then nothing is read after the writes).
 */
export const primeBatchFor = (runner: Runner): string | undefined =>
  cacheToFill(runner) ? BATCH : undefined;

/**
 * Caches the stable reads made right after an apply's writes (see
 * primeBatchFor; live-reader.ts storePrimed), checked as any read is, so
 * that the next read neither checks nor stores them again.
 */
export const storePrimedReads = (reads: ReadonlyMap<string, StableRead>): void =>
  storePrimed(BATCH, reads, batchCheck);

/**
 * Whether an apply leaves its cache filling (primeReads) to run after it
 * has answered (fillLater): only the resident engine asks for that
 * (cli/engine-server.ts), which sends the command's exit code first and
 * starts the next command only once the filling is done (cacheFilled). A
 * command alone, the app's helper and the tests wait for it inside the apply.
 */
let deferFill = 0;
const fills = new Set<Promise<void>>();
/** A resident engine began (true) or ended (false): while one serves, an apply answers before its cache filling ends. */
export function deferCacheFill(on: boolean): void {
  deferFill = Math.max(0, deferFill + (on ? 1 : -1));
}
/** Waits for `fill`, or, where deferCacheFill is on, keeps it for cacheFilled and returns at once. */
export function fillLater(fill: Promise<void>): Promise<void> {
  if (deferFill === 0) return fill;
  const kept = fill.catch(() => undefined).finally(() => fills.delete(kept));
  fills.add(kept);
  return Promise.resolve();
}
/** Once every cache filling left by fillLater has ended. */
export async function cacheFilled(): Promise<void> {
  while (fills.size) await Promise.all([...fills]);
}

/**
 * Fills the live reader's cache (live-reader.ts) for namespaces an apply
 * has just written, so that the next plan or status finds them unchanged
 * instead of reading each in full: the same nsread read as any other, so
 * only reads nsread saw stable are kept, and a later read still proves each
 * entry by the namespace's fingerprint. Each is checked before it is stored
 * (batchCheck), as a full read is: the next read then finds it checked and
 * parsed (parsedMemo) instead of checking and storing it again, which for a
 * 200-port root is ~400 kB of JSON. The root too, when the apply wrote
 * there (its bridges and veth ends): nsread-run.c primes named namespaces
 * only, so the root is read here. Without nsread there is no cache and
 * nothing is read; a failure is ignored (a missing entry is a full read later).
 */
export async function primeReads(runner: Runner, namespaces: readonly string[]): Promise<void> {
  if (namespaces.length === 0) return;
  await readJobs(
    runner,
    namespaces.map((ns) => ({ ns, kind: 'batch', job: batchJob(ns) })),
    { prime: true, check: batchCheck },
  ).catch(() => undefined);
}

/**
 * Reads the namespaces in one fan-out (one process per namespace, plus one
 * per namespace whose sysctls are asked for, all started by one spawn), then
 * a second fan-out only for the rare extras: `tc` where a link has netem,
 * `bridge vlan` where a bridge filters VLANs.
 */
async function readNamespaces(
  runner: Runner,
  names: readonly string[],
  sysctlsOf: (ns: string) => boolean,
  concurrency?: number,
  own = false,
): Promise<RawNs[]> {
  const jobs: { ns: string; kind: 'batch' | 'sysctl' | 'own'; job: FanJob }[] = [];
  for (const ns of names) {
    jobs.push({ ns, kind: 'batch', job: batchJob(ns) });
    if (sysctlsOf(ns)) jobs.push({ ns, kind: 'sysctl', job: sysctlJob(ns) });
    else if (own && ns !== ROOT_NS) jobs.push({ ns, kind: 'own', job: ownSysctlJob(ns) });
  }
  const results = await readJobs(runner, jobs, { concurrency, check: batchCheck });
  const raws = new Map<string, RawNs | Gone>();
  const sys = new Map<string, Record<string, string> | Gone>();
  jobs.forEach((j, i) => {
    const r = checked(j.ns, j.job.argv, results[i]);
    if (j.kind === 'batch') raws.set(j.ns, parseBatch(j.ns, r));
    else sys.set(j.ns, r === GONE ? GONE : sysctlsRead(j.ns, r.stdout));
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
    if (needsIds(raw, root === GONE ? undefined : root))
      extras.push({ raw, kind: 'ids', argv: ['ip', '-j', ...nsArgs(raw.name), 'netns', 'list-id'] });
    if (raw.links.some((l) => l.qdisc === 'netem'))
      extras.push({ raw, kind: 'tc', argv: ['tc', '-j', ...nsArgs(raw.name), 'qdisc', 'show'] });
    if (
      raw.links.some(
        (l) => l.linkinfo?.info_kind === 'bridge' && (l.linkinfo.info_data?.vlan_filtering ?? 0) !== 0,
      )
    ) {
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
    else if (e.kind === 'ids')
      e.raw.nsids = new Map(
        parseIpJson(NetnsIdList, q.stdout, `ip -j netns list-id in ${label(e.raw.name)}`).map((x) => [
          x.nsid,
          x.name,
        ]),
      );
    else if (e.kind === 'tc')
      e.raw.qdiscs = parseIpJson(TcQdiscList, q.stdout, `tc -j qdisc show in ${label(e.raw.name)}`);
    else e.raw.vlans = parseIpJson(BridgeVlanList, q.stdout, `bridge -j vlan show in ${label(e.raw.name)}`);
  });
  return [...raws.values()].filter((r): r is RawNs => r !== GONE);
}

const ALLOWED = new Set<string>(SYSCTL_ALLOWLIST);
/** The allowlisted sysctls of what was read (the per-interface ones go to the interfaces). */
function allowlisted(read: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(read)) if (ALLOWED.has(k)) out[k] = v;
  return out;
}

/**
 * Per-interface sysctls that differ from the namespace's `all`
 * (IFACE_SYSCTLS), or from its `default` where that is still the host's
 * (IFACE_DEFAULT_SYSCTLS; `host`: the host's `default` of each). None read:
 * none found.
 */
function ifaceSysctls(
  ifaces: Record<string, KIface>,
  read: Record<string, string>,
  host: Readonly<Record<string, string | undefined>>,
): void {
  const judge = (fam: IfaceSysctlFamily, leaf: string, want: string | undefined) => {
    if (want === undefined) return;
    for (const i of Object.values(ifaces)) {
      if (i.kind === 'loopback') continue;
      const key = ifaceSysctlKey(fam, i.name, leaf);
      const have = read[key];
      if (have !== undefined && have !== want) (i.sysctls ??= {})[key] = { have, want };
    }
  };
  for (const [fam, leaves] of Object.entries(IFACE_SYSCTLS) as [IfaceSysctlFamily, readonly string[]][])
    for (const leaf of leaves) judge(fam, leaf, read[ifaceSysctlKey(fam, 'all', leaf)]);
  // A new interface takes the `default` a new namespace gets (not the namespace's own, which
  // may have been changed by hand too: `default.arp_ignore=8` and `eth0.arp_ignore=8` together).
  for (const leaf of IFACE_DEFAULT_SYSCTLS)
    judge('ipv4', leaf, host[ifaceSysctlKey('ipv4', 'default', leaf)]);
}

/** The namespace's `all` and `default` of NEW_NS_CONF_KEYS that differ from what a new namespace gets. */
function confDrift(
  read: Record<string, string>,
  host: Readonly<Record<string, string | undefined>>,
): Record<string, { have: string; want: string }> {
  const out: Record<string, { have: string; want: string }> = {};
  for (const key of NEW_NS_CONF_KEYS) {
    const have = read[key];
    const want = host[key];
    if (have !== undefined && want !== undefined && have !== want) out[key] = { have, want };
  }
  return out;
}

/**
 * The host's /proc/sys and /sys files newNamespaceConf reads, each kept
 * open once opened, and read again from its start each time (a sysctl
 * file's read gives its value now). Why: every namespace's /proc/sys/net
 * entries hang under one shared directory, so each open of a host sysctl
 * walks all of them (proc_sys_compare): ~0.9 ms a file with 1000
 * namespaces, ~20 files, every plan, status and apply. A file that could
 * not be opened is tried again next time.
 */
const keptFds = new Map<string, number>();
const keptBuf = Buffer.alloc(256);
const readText = (path: string): string | undefined => {
  let fd = keptFds.get(path);
  try {
    if (fd === undefined) keptFds.set(path, (fd = openSync(path, 'r')));
    return keptBuf.toString('utf8', 0, readSync(fd, keptBuf, 0, keptBuf.length, 0)).trim();
  } catch {
    if (fd !== undefined) {
      keptFds.delete(path);
      try {
        closeSync(fd);
      } catch {
        // already gone
      }
    }
    return undefined;
  }
};

/**
 * What a new namespace gets for each of NEW_NS_CONF_KEYS (`all` and
 * `default`), by key. net.core.devconf_inherit_init_net says where it comes
 * from (Documentation/admin-guide/sysctl/net.rst): 0, the kernel's default
 * and Debian's, copies IPv4 from the host and resets IPv6 to the ipv6
 * module's defaults (disable_ipv6 is its parameter); 1 copies both from the
 * host; 2 resets both (IPv4's defaults are 0); 3 copies from the namespace
 * that makes it, the host's for `ip netns add`. The host's values are read
 * from /proc/sys, which shows the namespace of the reading process (the
 * CLI, the app's server and the helper run in the host's). Undefined where
 * unreadable (nothing is judged).
 */
export function newNamespaceConf(): Record<string, string | undefined> {
  const inherit = readText('/proc/sys/net/core/devconf_inherit_init_net') ?? '0';
  const out: Record<string, string | undefined> = {};
  for (const key of NEW_NS_CONF_KEYS) {
    const host = readText(`/proc/sys/${key.replaceAll('.', '/')}`);
    const v6 = key.startsWith('net.ipv6.');
    const copies = v6 ? inherit === '1' || inherit === '3' : inherit !== '2';
    out[key] = copies ? host : v6 ? (readText('/sys/module/ipv6/parameters/disable_ipv6') ?? '0') : '0';
  }
  return out;
}

/**
 * Each namespace's last sysctl output with what parseSysctlOutput made of
 * it (frozen: shared by the reads that find the same text): most reads of a
 * lab find every namespace's sysctls as they were, and namespaceOf then
 * knows them unchanged by identity.
 */
const sysMemo = new Map<string, { text: string; sysctls: Readonly<Record<string, string>> }>();
function sysctlsRead(ns: string, text: string): Record<string, string> {
  const m = sysMemo.get(ns);
  if (m?.text === text) return m.sysctls as Record<string, string>;
  const sysctls = Object.freeze(parseSysctlOutput(text));
  if (sysMemo.size >= MEMO_MAX) sysMemo.clear();
  sysMemo.set(ns, { text, sysctls });
  return sysctls;
}

/**
 * toNamespace's last result for each named namespace, with what it was made
 * from: its base (baseMemo's, the same object while the parse is the same),
 * the sysctls read and the host's defaults. An unchanged namespace is the
 * most common read (a 200-host lab: 200 of 201), and toNamespace took ~50 µs
 * each.
 */
const nsMemo = new Map<
  string,
  {
    base: KNamespace;
    hostKey: string;
    sysctls: Readonly<Record<string, string>>;
    sysKey: string;
    ns: KNamespace;
  }
>();
/**
 * Each named namespace's base (what baseOf makes of its links, routes,
 * rules and neighbours, before any sysctl), with the parse it was made
 * from (parsedMemo's links). An apply makes these for the namespaces it
 * read in its writes while its last read runs (warmNamespaces), so the
 * first plan or status after it finds them made: at 1000 hosts, while the
 * kernel still floods their start-up multicast, that was ~350 ms of it.
 */
const baseMemo = new Map<string, { links: RawNs['links']; ns: KNamespace }>();

/** baseOf(raw), from baseMemo when made from the same parse. */
function baseFor(raw: RawNs): KNamespace {
  let b = baseMemo.get(raw.name);
  if (b?.links !== raw.links) {
    b = { links: raw.links, ns: baseOf(raw) };
    if (process.env.NETPLUMB_FREEZE_READS) deepFreeze(b.ns);
    if (baseMemo.size >= MEMO_MAX) baseMemo.clear();
    baseMemo.set(raw.name, b);
  }
  return b.ns;
}

/** How many named namespaces namespaceOf has made anew (not from nsMemo) since the last readLive began building. */
let madeAnew = 0;
/** Of the named namespaces the last readLive handed out, how many it made anew (the rest came from nsMemo). */
export const lastNamespacesMade = (): number => madeAnew;

/**
 * toNamespace(raw, host), from nsMemo when made from the same parse, sysctls
 * and host defaults. A namespace read with its qdiscs or VLANs (parsed anew
 * each read) is made anew, and so is the root (one, of its own shape).
 * What is handed out is a copy down to each interface: resolvePeers sets
 * `peer` on the interfaces of the read it resolves. Nothing deeper is ever
 * changed by a caller (the tests freeze it: NETPLUMB_FREEZE_READS).
 */
function namespaceOf(
  raw: RawNs,
  host: Readonly<Record<string, string | undefined>>,
  hostKey: string,
): KNamespace {
  if (raw.qdiscs.length || raw.vlans.length) {
    if (raw.name !== ROOT_NS) madeAnew++;
    return toNamespace(raw, host);
  }
  if (raw.name === ROOT_NS) return rootOf(raw, host);
  const base = baseFor(raw);
  let m = nsMemo.get(raw.name);
  // The same sysctls object (sysctlsRead: the same text read) needs no compare by content.
  const sysKey = m?.sysctls === raw.sysctls ? m.sysKey : JSON.stringify(raw.sysctls);
  if (m?.base !== base || m.hostKey !== hostKey || m.sysKey !== sysKey) {
    madeAnew++;
    m = { base, hostKey, sysctls: raw.sysctls, sysKey, ns: withSysctls(base, raw, host) };
    if (process.env.NETPLUMB_FREEZE_READS) deepFreeze(m.ns);
    if (nsMemo.size >= MEMO_MAX) nsMemo.clear();
    nsMemo.set(raw.name, m);
  }
  const ifaces: Record<string, KIface> = {};
  for (const [name, i] of Object.entries(m.ns.ifaces)) ifaces[name] = { ...i };
  return { ...m.ns, ifaces };
}

const isEmpty = (o: object) => {
  for (const _ in o) return false;
  return true;
};
/**
 * The root's last toNamespace, with the parse and sysctls it was made from
 * (the same objects while its output and sysctl text are the same: parsedOf,
 * sysctlsRead): a plan or status that finds the root unchanged makes it no
 * more (a link table of 1000 bridge ports: ~15 ms). Its host defaults play
 * no part (toNamespace's root). Handed out as namespaceOf's are: a copy down
 * to each interface.
 */
let rootMemo:
  { links: RawNs['links']; routes: RawNs['routes']; sysctls: RawNs['sysctls']; ns: KNamespace } | undefined;
function rootOf(raw: RawNs, host: Readonly<Record<string, string | undefined>>): KNamespace {
  let m = rootMemo;
  // Sysctls not asked for are a new empty object each read.
  const sameSys = m?.sysctls === raw.sysctls || (m && isEmpty(m.sysctls) && isEmpty(raw.sysctls));
  if (m?.links !== raw.links || m.routes !== raw.routes || !sameSys) {
    m = { links: raw.links, routes: raw.routes, sysctls: raw.sysctls, ns: toNamespace(raw, host) };
    if (process.env.NETPLUMB_FREEZE_READS) deepFreeze(m.ns);
    rootMemo = m;
  }
  const ifaces: Record<string, KIface> = {};
  for (const [name, i] of Object.entries(m.ns.ifaces)) ifaces[name] = { ...i };
  return { ...m.ns, ifaces };
}

/**
 * Makes the bases (baseMemo) of the named namespaces whose reads an apply
 * has just stored (storePrimedReads keeps their parse): the first read after
 * the apply then only adds their sysctls. Never fails (a namespace it cannot
 * make is made by that read, which says why).
 */
export function warmNamespaces(names: Iterable<string>): void {
  for (const ns of names) {
    const p = parsedMemo.get(ns);
    if (!p || ns === ROOT_NS) continue;
    try {
      baseFor({ name: ns, ...rawParts(p), sysctls: {} });
    } catch {
      // made (or reported) by the next read
    }
  }
}

/**
 * Makes what the next read will make of each namespace an apply read in its
 * writes (namespaceOf: its base with its sysctls), from the sysctls nsread
 * read right after those writes (StableRead.sysctls: the --always keys, as a
 * read of them prints them): the first plan or status after the apply, when
 * it finds a namespace's output and sysctls the same, then makes nothing.
 * Why: at 1000 hosts, while the kernel floods the new hosts' start-up
 * multicast, making them took 50-75 ms of that first plan. The apply calls
 * this where it makes their bases (warmNamespaces): before its lab's bridges
 * come up when they come up last, else while it waits for its last read.
 * Never fails (a namespace not made here is made by that read).
 */
export function warmOwnSysctls(reads: ReadonlyMap<string, StableRead>): void {
  let host: Record<string, string | undefined> | undefined;
  let hostKey = '';
  for (const [ns, r] of reads) {
    const p = parsedMemo.get(ns);
    if (ns === ROOT_NS || !r.sysctls || p?.stdout !== r.stdout) continue;
    try {
      if (!host) {
        // What readLive uses when not told (prepareLab's reads): the same text, so the same key.
        host = newNamespaceConf();
        hostKey = JSON.stringify(host);
      }
      namespaceOf({ name: ns, ...rawParts(p), sysctls: sysctlsRead(ns, r.sysctls) }, host, hostKey);
    } catch {
      // made (or reported) by the next read
    }
  }
}

/** The parts of a RawNs that its batch's parse gives. */
function rawParts(p: Parsed): Omit<RawNs, 'name' | 'sysctls'> {
  return {
    links: p.links,
    routes: p.routes,
    rules: p.rules,
    neighs: p.neighs,
    nsids: p.nsids,
    vlans: [],
    qdiscs: [],
  };
}

function toNamespace(raw: RawNs, host: Readonly<Record<string, string | undefined>>): KNamespace {
  // The root's routes, rules and neighbours are the host's: netplumb never plans them.
  if (raw.name === ROOT_NS) {
    const ns: KNamespace = {
      name: raw.name,
      sysctls: allowlisted(raw.sysctls),
      ifaces: ifacesOf(raw),
      routes: staticRoutes(raw.routes),
    };
    return withMark(ns, raw);
  }
  return withSysctls(baseOf(raw), raw, host);
}

/** A read's interfaces, each from its link (with its VLANs, netem and hand-made root qdisc). */
function ifacesOf(raw: RawNs): Record<string, KIface> {
  const vlans = portVlans(raw.vlans);
  const netem = netemByDev(raw.qdiscs, `tc -j qdisc show in ${label(raw.name)}`);
  const filtering = new Set(
    raw.links
      .filter((l) => l.linkinfo?.info_kind === 'bridge' && (l.linkinfo.info_data?.vlan_filtering ?? 0) !== 0)
      .map((l) => l.ifname),
  );
  const ifaces: Record<string, KIface> = {};
  for (const link of raw.links) {
    const iface = linkToIface(link);
    // Only ports of a VLAN-filtering bridge carry VLANs netplumb manages (not the bridge's own entry).
    const v = vlans.get(link.ifname);
    if (v && iface.master !== undefined && filtering.has(iface.master)) iface.vlans = v;
    const n = netem.get(link.ifname);
    if (n) iface.netem = n;
    const q = handMadeQdisc(link.qdisc, link.linkinfo?.info_kind);
    if (q) iface.rootQdisc = q;
    ifaces[link.ifname] = iface;
  }
  holdsPorts(ifaces);
  return ifaces;
}

/**
 * A named namespace as its links, routes, rules and neighbours make it,
 * before its sysctls (withSysctls adds them). Nothing here looks at a
 * sysctl, nor at what withSysctls adds to an interface.
 */
function baseOf(raw: RawNs): KNamespace {
  const ifaces = ifacesOf(raw);
  const ns: KNamespace = { name: raw.name, sysctls: {}, ifaces, routes: staticRoutes(raw.routes, ifaces) };
  const lost = lostRoutes(raw.routes, ifaces);
  if (lost.length) ns.lostRoutes = lost;
  const { rules, lost: lostRules } = policyRules(raw.rules);
  if (rules.length) ns.rules = rules;
  if (lostRules.length) ns.lostRules = lostRules;
  const neighs = permanentNeighs(raw.neighs);
  if (neighs.length) ns.neighs = neighs;
  const tables = tableRoutes(raw.routes, ifaces, settledV6(raw.links));
  if (tables.hand.length) ns.tableRoutes = tables.hand;
  if (tables.lost.length) ns.lostLocal = tables.lost;
  return withMark(ns, raw);
}

/**
 * The base with the sysctls read: the namespace's allowlisted ones, each
 * interface's own (and its loopback's lost ::1), the drift of the
 * namespace's own settings. The base is not changed.
 */
function withSysctls(
  base: KNamespace,
  raw: RawNs,
  host: Readonly<Record<string, string | undefined>>,
): KNamespace {
  const ifaces: Record<string, KIface> = {};
  for (const [name, i] of Object.entries(base.ifaces)) ifaces[name] = { ...i };
  ifaceSysctls(ifaces, raw.sysctls, host);
  lostOwn6(ifaces, raw);
  const { name, routes, sysctls: _before, ifaces: _bare, ...rest } = base;
  const ns: KNamespace = { name, sysctls: allowlisted(raw.sysctls), ifaces, routes };
  const conf = confDrift(raw.sysctls, host);
  if (Object.keys(conf).length) ns.confDrift = conf;
  return { ...ns, ...rest };
}

/**
 * Marks an up loopback with IPv6 on but without its own ::1 (deleted by
 * hand: kstate.ts lostOwn6). Judged only where LOOPBACK_V6_KEY was read: off
 * (1), or a kernel without IPv6 (no such key), the loopback has no ::1.
 */
function lostOwn6(ifaces: Record<string, KIface>, raw: RawNs): void {
  const lo = ifaces.lo;
  if (lo?.kind !== 'loopback' || !lo.up || raw.sysctls[LOOPBACK_V6_KEY] !== '0') return;
  const link = raw.links.find((l) => l.ifname === 'lo');
  if (link && !hasLoopbackOwn(link, LOOPBACK_OWN.lostOwn6)) lo.lostOwn6 = true;
}

/** A namespace's mark is the alias of its lo. */
function withMark(ns: KNamespace, raw: RawNs): KNamespace {
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
    if (n !== ROOT_NS && !isValidNetnsName(n))
      throw new LiveReadError(`"${n}" is not a valid namespace name`);
  }
  const wanted = named.filter((n) => n !== ROOT_NS);
  if (opts.includeRoot || named.includes(ROOT_NS)) wanted.unshift(ROOT_NS);

  const sys = opts.sysctls;
  const sysctlsOf = Array.isArray(sys) ? (ns: string) => sys.includes(ns) : () => sys === true;
  const results = await readNamespaces(runner, wanted, sysctlsOf, opts.concurrency, opts.ownSysctls);
  const raws = new Map<string, RawNs>();
  for (const r of results) raws.set(r.name, r);

  const state: KState = { namespaces: {} };
  const host = opts.hostDefaults ?? newNamespaceConf();
  const hostKey = JSON.stringify(host);
  madeAnew = 0;
  for (const raw of raws.values()) state.namespaces[raw.name] = namespaceOf(raw, host, hostKey);
  // A namespace outside the read is looked up once, for its link table (+ the nsid table).
  const lookup = (ns: string) =>
    run(runner, ns, ['ip', '-j', ...nsArgs(ns), '-batch', '-'], 'link show\nnetns list-id\n').then((r) => {
      if (r === GONE) return undefined;
      const docs = splitJsonDocuments(r.stdout, `ip -j -batch in ${label(ns)}`);
      const links = checkIpJson(IpLinkList, docs[0], `ip -j link show in ${label(ns)}`);
      const ids = checkIpJson(NetnsIdList, docs[1] ?? [], `ip -j netns list-id in ${label(ns)}`);
      return tableOf({ links, nsids: new Map(ids.map((i) => [i.nsid, i.name])) });
    });
  await resolvePeers(raws, state, opts.peerNames ?? true, lookup, opts.concurrency);
  return state;
}
