/**
 * What this machine's kernel and tools can do, detected at run time without
 * touching the host's namespaces: every device and qdisc is tried inside a
 * private scratch namespace that is deleted afterwards. Lean kernels (like
 * our CI's) lack netem, bridge VLAN filtering, 802.1Q and more; apply uses
 * missingFor() to refuse such a topology before changing anything.
 */
import { randomBytes } from 'node:crypto';
import { linkKind } from '../../shared/kinds';
import {
  FEATURE_INFO,
  FEATURES,
  type Feature,
  type FeatureInfo,
  type FeatureProbe,
} from '../../shared/kinds/features';
import type { Topology } from '../../shared/model';
import { IpLinkList, parseIpJson } from './ip-json';
import {
  capabilitiesFile,
  capabilitiesKey,
  forgetCapabilities,
  loadCapabilities,
  storeCapabilities,
} from './capabilities-cache';
import { execaRunner, type RunResult, type Runner } from './runner';

/** Every feature netplumb offers or relies on (the names are shared with the kind descriptors' `needs`). */
export { FEATURES, type Feature };

/** Features that are tools found on PATH (nftables is both a tool and a kernel feature). */
const TOOL_FEATURES: readonly Feature[] = [
  'ipCommand',
  'bridgeCommand',
  'tcCommand',
  'nftables',
  'tcpdump',
  'ping',
  'sysctlCommand',
];
const KERNEL_FEATURES: readonly Feature[] = FEATURES.filter((f) => !TOOL_FEATURES.includes(f));

/** Plain-words names of the features, for messages. */
export const FEATURE_TITLES: Record<Feature, string> = Object.fromEntries(
  FEATURES.map((f) => [f, FEATURE_INFO[f].title]),
) as Record<Feature, string>;

/** Short names that start each detail sentence. */
const LABEL = Object.fromEntries(FEATURES.map((f) => [f, FEATURE_INFO[f].label])) as Record<Feature, string>;

export interface Capabilities {
  features: Record<Feature, boolean>;
  /** One plain-words sentence per feature: what was tried and what happened. */
  details: Record<Feature, string>;
  /** Versions of the iproute2 tools, e.g. { ip: "6.1.0" } (absent when a tool is missing). */
  versions: Partial<Record<'ip' | 'bridge' | 'tc', string>>;
}

const said = (tool: string, r: RunResult): string =>
  `${tool} said: ${(r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`).split('\n')[0]}`;

/** Why a probe failed, in plain words. */
function failure(f: Feature, tool: string, r: RunResult): string {
  const mod = (FEATURE_INFO[f] as FeatureInfo).module;
  if (/Unknown device type|Specified qdisc kind is unknown|Unknown qdisc/.test(r.stderr) && mod) {
    return `${LABEL[f]}: the kernel has no ${mod} module (${said(tool, r)})`;
  }
  if (f === 'bridgeVlanFiltering' && /Operation not supported/.test(r.stderr)) {
    return `${LABEL[f]}: the kernel's bridge was built without VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING) (${said(tool, r)})`;
  }
  return `${LABEL[f]}: the kernel refused it (${said(tool, r)})`;
}

/** Tools only looked for: found is enough (busybox's ping and sysctl, which the VM lane uses, refuse -V and --version). */
const PRESENCE_ONLY: readonly Feature[] = ['ping', 'sysctlCommand'];

async function tool(runner: Runner, f: Feature, argv: string[]): Promise<[boolean, string]> {
  const r = await runner(argv, { timeoutMs: 10_000 });
  const first = (r.stdout.trim() || r.stderr.trim()).split('\n')[0];
  if (r.exitCode === 127) return [false, `${LABEL[f]}: ${argv[0]} is not installed (not found on PATH)`];
  if (r.exitCode !== 0 && PRESENCE_ONLY.includes(f)) return [true, `${LABEL[f]}: ${argv[0]} is installed`];
  if (r.exitCode !== 0) return [false, `${LABEL[f]}: \`${argv.join(' ')}\` failed (${said(argv[0], r)})`];
  return [true, `${LABEL[f]}: ${argv[0]} is installed (${first})`];
}

/** Runs the detection (uncached). */
async function detect(runner: Runner): Promise<Capabilities> {
  // Filled in FEATURES order so printed results read in a stable order.
  const features = Object.fromEntries(FEATURES.map((f) => [f, false])) as Record<Feature, boolean>;
  const details = Object.fromEntries(FEATURES.map((f) => [f, `${LABEL[f]}: not tested`])) as Record<
    Feature,
    string
  >;
  const versions: Capabilities['versions'] = {};
  const set = (f: Feature, ok: boolean, detail: string) => {
    features[f] = ok;
    details[f] = detail;
  };
  const tools: [Feature, string[]][] = [
    ['ipCommand', ['ip', '-V']],
    ['bridgeCommand', ['bridge', '-V']],
    ['tcCommand', ['tc', '-V']],
    ['nftables', ['nft', '--version']],
    ['tcpdump', ['tcpdump', '--version']],
    ['ping', ['ping', '-V']],
    ['sysctlCommand', ['sysctl', '--version']],
  ];
  await Promise.all(tools.map(async ([f, argv]) => set(f, ...(await tool(runner, f, argv)))));
  for (const [f, key] of [
    ['ipCommand', 'ip'],
    ['bridgeCommand', 'bridge'],
    ['tcCommand', 'tc'],
  ] as const) {
    const v = features[f] ? /(?:iproute2-|utility, )v?(\d+\.\d+(?:\.\d+)?)/.exec(details[f])?.[1] : undefined;
    if (v) versions[key] = v;
  }

  const notTested = (why: string) => {
    for (const f of KERNEL_FEATURES) set(f, false, `${LABEL[f]}: not tested: ${why}`);
    if (features.nftables)
      set('nftables', false, `${LABEL.nftables}: nft is installed, but nf_tables was not tested: ${why}`);
  };
  if (!features.ipCommand) {
    notTested('the ip command is missing');
    return { features, details, versions };
  }
  // A private scratch namespace: every probe runs inside it, the host's namespaces are never touched.
  const ns = `npcap${randomBytes(4).toString('hex')}`;
  const add = await runner(['ip', 'netns', 'add', ns]);
  if (add.exitCode !== 0) {
    notTested(`could not create a scratch namespace (${said('ip', add)})`);
    return { features, details, versions };
  }
  try {
    await probeKernel(runner, ns, set, features);
  } finally {
    await runner(['ip', 'netns', 'del', ns]);
  }
  return { features, details, versions };
}

type Setter = (f: Feature, ok: boolean, detail: string) => void;

async function probeKernel(
  runner: Runner,
  ns: string,
  set: Setter,
  features: Record<Feature, boolean>,
): Promise<void> {
  const ip = (...args: string[]) => runner(['ip', '-n', ns, ...args], { timeoutMs: 10_000 });
  const probe = async (f: Feature, p: FeatureProbe) => {
    if (p.tool === 'tc' && !features.tcCommand)
      return set(f, false, `${LABEL[f]}: not tested: the tc command is missing`);
    const res = await runner([p.tool, '-n', ns, ...p.args], { timeoutMs: 10_000 });
    set(
      f,
      res.exitCode === 0,
      res.exitCode === 0
        ? `${LABEL[f]}: works (created ${p.what} in a scratch namespace)`
        : failure(f, p.tool, res),
    );
  };
  // Every probe comes from FEATURE_INFO (shared/kinds/features.ts); the veth pair
  // goes first because the probes marked onVeth sit on it.
  const probes = FEATURES.flatMap((f) => {
    const p = (FEATURE_INFO[f] as FeatureInfo).probe;
    return p && f !== 'veth' ? [[f, p] as const] : [];
  });
  await probe('veth', FEATURE_INFO.veth.probe);
  const independent: Promise<void>[] = probes.filter(([, p]) => !p.onVeth).map(([f, p]) => probe(f, p));
  for (const [f, p] of probes.filter(([, p]) => p.onVeth)) {
    if (features.veth) independent.push(probe(f, p));
    else set(f, false, `${LABEL[f]}: not tested: it needs a veth pair to sit on, and veth failed`);
  }
  if (features.nftables) {
    independent.push(
      runner(['ip', 'netns', 'exec', ns, 'nft', 'list', 'tables'], { timeoutMs: 10_000 }).then((r) =>
        set(
          'nftables',
          r.exitCode === 0,
          r.exitCode === 0
            ? `${LABEL.nftables}: nft is installed and nf_tables works in a namespace`
            : failure('nftables', 'nft', r),
        ),
      ),
    );
  }
  await Promise.all(independent);

  // Read the bridges back: creation alone does not prove the attribute took effect.
  if (features.bridgeStp || features.bridgeVlanFiltering) {
    const r = await ip('-j', '-d', 'link', 'show');
    const links =
      r.exitCode === 0 ? parseIpJson(IpLinkList, r.stdout, 'ip -j -d link show (capability check)') : [];
    const data = (name: string) => links.find((l) => l.ifname === name)?.linkinfo?.info_data;
    if (features.bridgeStp && (data('npbr1')?.stp_state ?? 0) === 0)
      set('bridgeStp', false, `${LABEL.bridgeStp}: a bridge created with STP on reads back with STP off`);
    if (features.bridgeVlanFiltering && (data('npbr2')?.vlan_filtering ?? 0) === 0) {
      set(
        'bridgeVlanFiltering',
        false,
        `${LABEL.bridgeVlanFiltering}: a bridge created with VLAN filtering reads back without it`,
      );
    }
  }
}

let cache = new WeakMap<object, Promise<Capabilities>>();

/**
 * Forgets this process's answers, so the next call detects again (or proves
 * the kept one by its key): the resident engine calls it before each command,
 * as a command run alone starts with nothing cached.
 */
export function forgetDetectedCapabilities(): void {
  cache = new WeakMap();
}

/** A cache key for callers whose runners are wrappers around the real kernel (one detection per process). */
export const REAL_KERNEL: object = Object.freeze({ kernel: 'real' });

/**
 * Detects the capabilities once per cache key and process (later calls
 * return the same result). The key defaults to the runner itself, so a fake
 * kernel in a test never sees the real kernel's answer; callers that wrap the
 * real runner (journals, failure injectors) can pass `{ key: REAL_KERNEL }`
 * to share one detection. Never throws for a missing feature; every feature
 * has a detail sentence saying why it is or is not available.
 */
export function detectCapabilities(runner: Runner, opts: { key?: object } = {}): Promise<Capabilities> {
  const key = opts.key ?? runner;
  let p = cache.get(key);
  if (!p) {
    p = key === REAL_KERNEL || runner === execaRunner ? detectKept(runner) : detect(runner);
    cache.set(key, p);
    p.catch(() => cache.delete(key)); // a crash is not cached: the next call tries again
  }
  return p;
}

/**
 * The real kernel's answer, kept between commands while its key proves it
 * still holds (same boot, same loaded modules, same tools: see
 * capabilities-cache.ts); otherwise detected and stored. The key is taken
 * again after detecting, because a probe may load a module.
 */
async function detectKept(runner: Runner): Promise<Capabilities> {
  const file = capabilitiesFile();
  const before = file && capabilitiesKey();
  const kept = file && before ? loadCapabilities<Capabilities>(file, before) : undefined;
  if (kept) return kept;
  const caps = await detect(runner);
  const after = file && capabilitiesKey();
  if (file && after) storeCapabilities(file, after, caps);
  return caps;
}

/** Forgets cached results for one runner or key, or for all (e.g. after `modprobe sch_netem`). */
export function clearCapabilitiesCache(key?: object): void {
  if (key) cache.delete(key);
  else cache = new WeakMap();
  if (!key || key === REAL_KERNEL || key === execaRunner) forgetCapabilities();
}

/**
 * The detail sentences of every feature this machine lacks, in FEATURES
 * order (for `app:info`'s `missing` and `netplumb --version`-style output).
 */
export function lackingFeatures(caps: Capabilities): string[] {
  return FEATURES.filter((f) => !caps.features[f]).map((f) => caps.details[f]);
}

function names(list: string[]): string {
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

/**
 * The features a topology needs that this machine lacks, as plain-words
 * sentences naming the nodes/links that need them ([] when all is there).
 * Apply refuses before any change when this is not empty.
 */
export function missingFor(topology: Topology, caps: Capabilities): string[] {
  const need = new Map<Feature, Set<string>>();
  const use = (f: Feature, who: string) => need.set(f, (need.get(f) ?? new Set()).add(who));
  use('ipCommand', 'the lab');
  for (const n of topology.nodes) {
    if (n.kind !== 'bridge') continue;
    const who = `bridge "${n.name}"`;
    use('bridge', who);
    if (n.stp) use('bridgeStp', who);
    if (n.vlanFiltering) {
      use('bridgeVlanFiltering', who);
      use('bridgeCommand', who);
    }
  }
  for (const l of topology.links) {
    const who = `link "${l.id}"`;
    // What a link kind needs comes from its descriptor (a veth pair, a VXLAN device…).
    for (const f of linkKind(l).needs) use(f, who);
    for (const end of [l.a, l.b]) {
      if (end.vlans) use('bridgeCommand', who);
      if (end.netem && Object.values(end.netem).some((v) => v !== undefined)) {
        use('netem', who);
        use('tcCommand', who);
      }
    }
  }
  const out: string[] = [];
  for (const f of FEATURES) {
    const users = need.get(f);
    if (!users || caps.features[f]) continue;
    const list = [...users];
    const verb = list.length > 1 ? 'need' : 'needs';
    const who = names(list);
    out.push(
      `${who.charAt(0).toUpperCase()}${who.slice(1)} ${verb} ${FEATURE_TITLES[f]}, which this machine lacks: ${caps.details[f]}`,
    );
  }
  return out;
}
