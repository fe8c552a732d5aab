/**
 * npm run bench [-- --sizes 50,200[,1000]] [-- --no-cli]
 *
 * Star topologies of N hosts on one bridge. For each N, in the same run:
 *   - a tutorial-style shell script doing the same with one `ip` command per
 *     step (veth created, then moved into its namespace), and its teardown
 *   - the kernel floor: the same star by the cheapest iproute2 means, nothing
 *     read or checked, step by step (kernelFloor), to show how the kernel's
 *     own work grows from 200 to 1000 hosts; where /run/netns is not a tmpfs (this
 *     machine's /run is the root's ext4), its namespace step also on a private
 *     tmpfs (namespacesOnTmpfs), to tell the filesystem's share from the kernel's
 *   - netplumb (the engine, in process): apply, plan when in sync, status (the
 *     app's overlay refresh), the live link table with counters (the live
 *     overlay), add one host, destroy
 *   - add one host through the whole `netplumb apply` command (a fresh node; the command run
 *     as a program, as a shell runs it), each command alone and through a resident engine
 *     (`netplumb engine start`)
 *   (each add-one figure is the median of ADDS (7) hosts added one after another; apply and
 *   the plan right after it the medians of ROUNDS (3) fresh labs, destroyed in between)
 *   - the native reader (nsread) against the fan-out of one `ip` per
 *     namespace, same lab, same run: plan, status and the bare read
 *   - Mininet (`mn --switch lxbr --controller none`) when installed (Debian: mininet, and
 *     bridge-utils for lxbr's brctl)
 * Prints each figure and its ratio to the script. At 1000 hosts (optional)
 * apply and plan are also given as a multiple of the 200-host figures of the
 * same run. Targets (issue 13, 200 hosts): apply <= 0.12x the script's up,
 * plan <= 0.04x, add one host <= 0.01x in process and <= 0.02x as a command
 * (through the resident engine: a command alone loads the engine and reads cold),
 * destroy <= 1.5x the script's down, overlay refresh <= 0.5 s; 1000 hosts:
 * apply and plan <= 5x their 200-host figures. Ends with the cold start of
 * the command (bench/cli-startup.ts). Needs root. Every kernel name carries a
 * unique prefix; all is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cleanupPrefix } from '../electron/kernel/test-support/lab-fixture';
import { loadEngine } from './engine-bundle';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '50,200').split(',').map(Number);
const withCli = !process.argv.includes('--no-cli');
const root = join(import.meta.dirname, '..');
// The engine as built for users (engine-bundle.ts), not as tsx runs the sources.
const { engine, nsread: nsreadBin } = await loadEngine(root);
const {
  applyDocument,
  destroyLab,
  planDocument,
  statusDocument,
  labIfaces,
  listNetns,
  readLive,
  lastNamespacesMade,
  lastPrimeStats,
  lastReaderStats,
  readerFor,
  useNsread,
  execaRunner,
} = engine;
const runDir = mkdtempSync(join(tmpdir(), 'netplumb-bench-'));

/** N hosts on one bridge, or spread evenly over `bridges` bridges (host i on bridge i mod bridges). */
function star(prefix: string, n: number, bridges = 1) {
  const br = (i: number) => (bridges === 1 ? 'br' : `br${i % bridges}`);
  const nodes: object[] = Array.from({ length: bridges }, (_, b) => ({
    id: br(b),
    name: `${prefix}${br(b)}`,
    kind: 'bridge',
  }));
  const links: object[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `h${i}`, name: `${prefix}h${i}`, kind: 'namespace' });
    links.push({
      id: `l${i}`,
      a: { node: `h${i}`, ifname: 'eth0', addresses: [`10.${(i >> 8) & 255}.${i & 255}.1/8`] },
      b: { node: br(i), ifname: `${prefix}p${i}` },
    });
  }
  return { version: 1, name: `${prefix}-star`, nodes, links };
}

/** /proc/stat's first line: CPU time of all CPUs, by kind (user nice system idle iowait irq softirq …), in USER_HZ (100). */
function cpuTimes(): number[] {
  return readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
}

/**
 * CPU seconds the kernel has spent handling packets (softirq time, all CPUs).
 * Hosts coming up send IPv6 duplicate address detection and router
 * solicitations to multicast groups no one has joined, and a bridge floods
 * those to every port: the work grows with hosts × ports.
 */
const softirqSeconds = (): number => cpuTimes()[6] / 100;
/** CPU time not idle (idle and iowait are not busy). */
const busy = (v: number[]) => v.reduce((a, b) => a + b, 0) - v[3] - v[4];

/**
 * Waits until `part` of the CPU time stays under `share` of all of it over
 * `everyMs`, at most 30 s; how long it waited (ms).
 */
async function untilBelow(part: (v: number[]) => number, share: number, everyMs: number): Promise<number> {
  const t0 = performance.now();
  const all = (v: number[]) => v.reduce((a, b) => a + b, 0);
  let v0 = cpuTimes();
  for (;;) {
    await new Promise((r) => setTimeout(r, everyMs));
    const v = cpuTimes();
    const below = (part(v) - part(v0)) / Math.max(1, all(v) - all(v0)) < share;
    v0 = v;
    if (below || performance.now() - t0 > 30_000) return performance.now() - t0;
  }
}

/**
 * The machine is idle (under 5% busy over a quarter second): the kernel
 * tears deleted namespaces down after `netns delete` returns, and that work
 * would otherwise run inside the next timed step.
 */
const untilIdle = () => untilBelow(busy, 0.05, 250);
/** The kernel handles packets at under 1% of the CPUs (over half a second): the lab's own start-up multicast is over. */
const untilQuiet = () => untilBelow((v) => v[6], 0.01, 500);

/**
 * CPU ticks each of the kernel's own threads (kthreadd's children: kworkers,
 * ksoftirqd) has used so far, from /proc/PID/stat, by PID and start time (a
 * PID used again is another thread). Why beside softirq time: much of the
 * lab's start-up flood runs inside workers (addrconf's duplicate address
 * detection ending, MLD reports), each packet copied to every port within
 * the worker that sent it. The two overlap: a tick that finds a thread
 * handling packets counts in both. On a kernel that schedules by autogroup
 * (sched_autogroup_enabled), each busy kernel thread is a scheduling entity
 * of its own, while this whole session (node, nsread, every ip) is one: a
 * few busy threads leave it a small share of the CPUs.
 */
function kernelThreadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After "PID (COMM) ": state, ppid, … utime and stime are fields 14 and 15, starttime 22.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (pid === '2' || f[1] === '2') ticks.set(`${pid}@${f[19]}`, Number(f[11]) + Number(f[12]));
    } catch {
      // ended meanwhile
    }
  }
  return ticks;
}
/**
 * CPU seconds the kernel's threads used between two kernelThreadTicks: each
 * thread's growth (a thread started since, all of its time). A worker that
 * ended in between took its time with it: undercounted, never negative (a
 * difference of sums was, once workers ended: "-1.96 CPU s").
 */
function kernelThreadSeconds(before: Map<string, number>, after: Map<string, number>): number {
  let ticks = 0;
  for (const [id, t] of after) ticks += t - (before.get(id) ?? 0);
  return ticks / 100;
}
/** The kernel's work while `fn` ran: packet handling (softirq, wherever it ran) and its threads (their packet handling included), CPU seconds each. */
interface KernelMeanwhile {
  softirq: number;
  workers: number;
}
const meanwhile = (k: KernelMeanwhile) =>
  `kernel meanwhile: packet handling ${k.softirq.toFixed(2)} CPU s, its threads ${k.workers.toFixed(2)} CPU s`;

/** Like time(), with the kernel's packet handling and threads' seconds spent meanwhile. */
async function timeSoftirq<T>(fn: () => Promise<T>): Promise<[number, T, KernelMeanwhile]> {
  const s = softirqSeconds();
  const w = kernelThreadTicks();
  const [ms, v] = await time(fn);
  return [ms, v, { softirq: softirqSeconds() - s, workers: kernelThreadSeconds(w, kernelThreadTicks()) }];
}
/** Whether this kernel schedules by autogroup (one entity per session); undefined when it cannot tell. */
function autogroup(): boolean | undefined {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return undefined;
  }
}

function scriptUp(prefix: string, n: number): string {
  const lines = ['set -e', `ip link add ${prefix}br type bridge`, `ip link set ${prefix}br up`];
  for (let i = 0; i < n; i++) {
    const ns = `${prefix}h${i}`;
    lines.push(
      `ip netns add ${ns}`,
      `ip link add ${prefix}v${i} type veth peer name ${prefix}p${i}`,
      `ip link set ${prefix}v${i} netns ${ns}`,
      `ip -n ${ns} link set ${prefix}v${i} name eth0`,
      `ip link set ${prefix}p${i} master ${prefix}br`,
      `ip link set ${prefix}p${i} up`,
      `ip -n ${ns} addr add 10.${(i >> 8) & 255}.${i & 255}.1/8 dev eth0`,
      `ip -n ${ns} link set eth0 up`,
      `ip -n ${ns} link set lo up`,
    );
  }
  return lines.join('\n') + '\n';
}
function scriptDown(prefix: string, n: number): string {
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`ip netns del ${prefix}h${i}`);
  lines.push(`ip link del ${prefix}br`);
  return lines.join('\n') + '\n';
}

/** The steps of kernelFloor, in order. */
const FLOOR_STEPS = ['namespaces', 'veth pairs', 'ports', 'hosts', 'bridge up'] as const;
type FloorStep = (typeof FLOOR_STEPS)[number];
/** Processes the floor runs at once where it may (netplumb's own rule: one per CPU, at most 4). */
const FLOOR_PROCS = Math.min(availableParallelism(), 4);

/**
 * The kernel's own work for the same star, by the cheapest iproute2 means
 * and nothing else (no reads, marks, sysctls or checks), each step timed:
 * the namespaces by `ip -batch` (split over FLOOR_PROCS processes, as
 * netplumb's executor splits them), the bridge and every veth pair (each
 * host's end made in its namespace) in one root batch, the ports joined to
 * the bridge and brought up in another, each host's address and links up
 * from one `ip -batch` entered into its namespace by nsenter (setns only:
 * `ip -n` would also copy the mount table, which grows with every namespace),
 * FLOOR_PROCS at a time, the bridge up last, as netplumb brings it. Why: the
 * 1000-host targets ask netplumb's apply to take at most 5x its 200-host
 * time, which assumes the kernel's work grows with the lab; these steps show
 * how it grows on this kernel, in the same run. Undone after (not timed).
 */
async function kernelFloor(prefix: string, n: number): Promise<Record<FloorStep, number>> {
  const dir = mkdtempSync(join(runDir, 'floor-'));
  const write = (name: string, lines: string[]) => {
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
    return join(dir, name);
  };
  const hosts = Array.from({ length: n }, (_, i) => `${prefix}h${i}`);
  const nsFiles = Array.from({ length: Math.min(FLOOR_PROCS, n) }, (_, k) =>
    write(
      `ns${k}`,
      hosts.filter((_, i) => i % FLOOR_PROCS === k).map((h) => `netns add ${h}`),
    ),
  );
  const veths = write('veths', [
    `link add name ${prefix}br type bridge`,
    ...hosts.map((h, i) => `link add name eth0 netns ${h} type veth peer name ${prefix}p${i}`),
  ]);
  const ports = write(
    'ports',
    hosts.flatMap((_, i) => [
      `link set dev ${prefix}p${i} master ${prefix}br`,
      `link set dev ${prefix}p${i} up`,
    ]),
  );
  hosts.forEach((h, i) =>
    write(h, [
      `address add 10.${(i >> 8) & 255}.${i & 255}.1/8 dev eth0`,
      'link set dev eth0 up',
      'link set dev lo up',
    ]),
  );
  const ip = async (...args: string[]) => {
    const r = await execa('ip', args, { reject: false });
    if (r.exitCode !== 0) throw new Error(`kernel floor: ip ${args.join(' ')} failed: ${r.stderr}`);
  };
  const took: Partial<Record<FloorStep, number>> = {};
  const step = async (name: FloorStep, fn: () => Promise<unknown>) => {
    took[name] = (await time(fn))[0];
  };
  try {
    await step('namespaces', () => Promise.all(nsFiles.map((f) => ip('-batch', f))));
    await step('veth pairs', () => ip('-batch', veths));
    await step('ports', () => ip('-batch', ports));
    // One spawn from here: xargs starts each nsenter itself (node would add its own cost per process).
    await step('hosts', async () => {
      const r = await execa(
        'xargs',
        [
          '-P',
          String(FLOOR_PROCS),
          '-I{}',
          'nsenter',
          '--net=/run/netns/{}',
          'ip',
          '-batch',
          join(dir, '{}'),
        ],
        { input: hosts.join('\n') + '\n', reject: false },
      );
      if (r.exitCode !== 0) throw new Error(`kernel floor: a host's batch failed: ${r.stderr}`);
    });
    await step('bridge up', () => ip('link', 'set', 'dev', `${prefix}br`, 'up'));
  } finally {
    // In two batches (the bridge, then every namespace with its veth pair), then whatever is left one by one.
    await execa('ip', ['link', 'delete', 'dev', `${prefix}br`], { reject: false });
    await execa(
      'ip',
      [
        '-force',
        '-batch',
        write(
          'down',
          hosts.map((h) => `netns delete ${h}`),
        ),
      ],
      {
        reject: false,
      },
    );
    await cleanupPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
  return took as Record<FloorStep, number>;
}
const floorTotal = (f: Record<FloorStep, number>) => FLOOR_STEPS.reduce((a, k) => a + f[k], 0);

/** The filesystem under /run/netns, where `ip netns add` makes each namespace's mount point (a file). */
async function netnsFs(): Promise<string> {
  const r = await execa('findmnt', ['-n', '-o', 'FSTYPE', '-T', '/run/netns'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : 'unknown';
}

/**
 * The floor's namespace step once more, in a private mount namespace with a
 * tmpfs on /run/netns (as Debian mounts /run): timed inside it, undone inside
 * it; what it makes is seen by no other process and goes with it. Why: here
 * /run is the root's ext4, and ext4 without a journal hands out no inode
 * freed in the last minute or more (ialloc.c recently_deleted), walking past
 * each one for every new file: after the bench's own teardowns, a batch of
 * 1000 namespaces walks thousands (perf: a third of its time), a cost that
 * grows with the lab and the bench's churn, not netplumb's work.
 */
async function namespacesOnTmpfs(prefix: string, n: number): Promise<number | undefined> {
  const dir = mkdtempSync(join(runDir, 'tmpfs-'));
  const hosts = Array.from({ length: n }, (_, i) => `${prefix}t${i}`);
  const files = Array.from({ length: Math.min(FLOOR_PROCS, n) }, (_, k) => {
    const f = join(dir, `ns${k}`);
    writeFileSync(
      f,
      hosts
        .filter((_, i) => i % FLOOR_PROCS === k)
        .map((h) => `netns add ${h}\n`)
        .join(''),
    );
    return f;
  });
  writeFileSync(join(dir, 'down'), hosts.map((h) => `netns delete ${h}\n`).join(''));
  const script = [
    'mount -t tmpfs -o mode=755 netplumb-bench /run/netns || exit 9',
    's=$(date +%s%N)',
    ...files.map((f) => `ip -batch ${f} &`),
    'wait',
    'e=$(date +%s%N)',
    `[ "$(ls /run/netns | wc -l)" -eq ${n} ] || exit 8`,
    `ip -force -batch ${join(dir, 'down')} >/dev/null 2>&1`,
    'echo $(( (e - s) / 1000 ))',
  ].join('\n');
  try {
    const r = await execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      reject: false,
    });
    const us = Number(r.stdout.trim().split('\n').pop());
    return r.exitCode === 0 && Number.isFinite(us) ? us / 1000 : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (x: number, base: number) => `${(x / base).toFixed(3)}x`;
/** The middle value (of an odd count; the upper middle of an even one). */
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** Samples as printed beside a median: `3: 120, 131, 190 ms`. */
const samples = (xs: readonly number[]) => `${xs.length}: ${xs.map((x) => x.toFixed(0)).join(', ')} ms`;
/** How many hosts are added one after another for each add-one figure (an odd count: a sample of this shared machine swings by a third). */
const ADDS = 7;
/**
 * How many times, at each size, a fresh lab is applied and planned right
 * after (destroyed in between, each on an idle machine): the figures are the
 * medians (an odd count). Why: the 1000-host targets compare two single
 * samples, and one of them swung from 188 to 403 ms between two runs of this
 * bench on the same code; the rest of the figures use the last lab.
 */
const ROUNDS = 3;

async function runScript(text: string) {
  const f = join(runDir, 'script.sh');
  writeFileSync(f, text);
  const r = await execa('bash', [f], { reject: false });
  if (r.exitCode !== 0) throw new Error(`script failed: ${r.stderr}`);
}

async function leftovers(prefix: string): Promise<string[]> {
  const ns = (await listNetns()).filter((x) => x.startsWith(prefix));
  const links = JSON.parse((await execa('ip', ['-j', 'link', 'show'])).stdout)
    .map((l: { ifname: string }) => l.ifname)
    .filter((x: string) => x.startsWith(prefix));
  return [...ns, ...links];
}

/** Plan, status and the bare read of the lab's namespaces, through nsread (warm cache) and through the fan-out. */
async function readerVsFanOut(doc: ReturnType<typeof star>) {
  const names = doc.nodes
    .filter((x) => (x as { kind: string }).kind === 'namespace')
    .map((x) => (x as { name: string }).name);
  const read = () => readLive(execaRunner, { namespaces: names, includeRoot: true, peerNames: false });
  const out: Record<'nsread' | 'fan-out', { plan: number; status: number; read: number }> = {
    nsread: { plan: 0, status: 0, read: 0 },
    'fan-out': { plan: 0, status: 0, read: 0 },
  };
  for (const mode of ['fan-out', 'nsread'] as const) {
    useNsread(mode === 'nsread' ? (nsreadBin ?? false) : false);
    await read(); // warms the cache (nsread) / the page cache (fan-out) alike
    out[mode].read = (await time(read))[0];
    out[mode].plan = (await time(() => planDocument(doc, { runDir })))[0];
    out[mode].status = (await time(() => statusDocument(doc, { runDir })))[0];
  }
  useNsread(nsreadBin ?? false);
  return out;
}

/** Host-wide sysctls `mn` raises at start (mininet/util.py fixLimits); the bench puts them back after it. */
const MININET_SYSCTLS = [
  'fs.file-max',
  'net.core.wmem_max',
  'net.core.rmem_max',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.core.netdev_max_backlog',
  'net.ipv4.neigh.default.gc_thresh1',
  'net.ipv4.neigh.default.gc_thresh2',
  'net.ipv4.neigh.default.gc_thresh3',
  'net.ipv4.route.max_size',
  'kernel.pty.max',
];
const sysctlPath = (k: string) => `/proc/sys/${k.replace(/\./g, '/')}`;

/** Mininet's time to build, start and stop `n` hosts on one Linux bridge; or why there is none (not installed, or mn failed). */
async function mininet(n: number): Promise<number | string> {
  const which = await execa('sh', ['-c', 'command -v mn'], { reject: false });
  if (which.exitCode !== 0) return 'skipped: `mn` is not installed here (Debian package mininet)';
  const saved = MININET_SYSCTLS.flatMap((k) => {
    try {
      return [[k, readFileSync(sysctlPath(k), 'utf8').trim()] as const];
    } catch {
      return [];
    }
  });
  try {
    const [ms, r] = await time(() =>
      execa('mn', ['--switch', 'lxbr', '--controller', 'none', '--topo', `single,${n}`, '--test', 'none'], {
        reject: false,
      }),
    );
    // Why not throw: a Mininet that cannot run here (bridge-utils missing, say) must not lose netplumb's figures.
    if (r.exitCode !== 0)
      return `mn failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`;
    return ms;
  } finally {
    await execa('mn', ['-c'], { reject: false });
    for (const [k, v] of saved) {
      try {
        if (readFileSync(sysctlPath(k), 'utf8').trim() !== v) writeFileSync(sysctlPath(k), v);
      } catch {
        // A key this kernel does not let us write back: left as mn set it.
      }
    }
  }
}

/** Apply and plan of `n` hosts spread over `bridges` bridges, then destroyed (a diagnostic line at 1000 hosts). */
async function splitStar(n: number, bridges: number) {
  const prefix = 'b' + randomBytes(2).toString('hex');
  const doc = star(prefix, n, bridges);
  try {
    await untilIdle();
    const [apply, a, kernel] = await timeSoftirq(() => applyDocument(doc, { runDir }));
    if (!a.result?.ok) throw new Error(`apply failed: ${a.result?.error ?? JSON.stringify(a.problems)}`);
    const [plan, p] = await time(() => planDocument(doc, { runDir }));
    if (p.changes.length) throw new Error(`plan after apply is not empty (${p.changes.length} changes)`);
    await destroyLab(doc.name, { runDir });
    return { apply, plan, kernel };
  } finally {
    await cleanupPrefix(prefix);
  }
}

if (process.getuid?.() !== 0) {
  console.error('npm run bench needs root (it creates network namespaces).');
  process.exit(1);
}
/**
 * The `netplumb` command run as a program, as a user's shell runs it (its `#!` line; this node
 * first on the PATH).
 */
const netplumb = (args: string[], env: Record<string, string> = {}) =>
  execa(join(root, 'bin', 'netplumb.js'), args, {
    reject: false,
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...env },
  });
/**
 * `netplumb apply FILE` as a user runs it (a fresh node process, the bundle in dist/); milliseconds.
 * `engineDir`: through the resident engine listening there (`netplumb engine start`); else alone.
 */
async function cliApply(doc: object, engineDir?: string): Promise<number> {
  const f = join(runDir, 'cli.json');
  writeFileSync(f, JSON.stringify(doc));
  const env: Record<string, string> = engineDir
    ? { NETPLUMB_ENGINE_DIR: engineDir }
    : { NETPLUMB_ENGINE: 'off' };
  const [ms, r] = await time(() => netplumb(['apply', f], env));
  if (r.exitCode !== 0) throw new Error(`netplumb apply failed: ${r.stderr || r.stdout}`);
  return ms;
}

const line = (name: string, ms: number, rest: string) =>
  console.log(`  ${name.padEnd(30)} ${fmt(ms).padStart(9)}   ${rest}`);
const target = (name: string, value: number, max: number) => {
  const met = value <= max;
  if (!met) failedTargets++;
  return `${name} ${value.toFixed(3)} <= ${max}: ${met ? 'met' : 'MISSED'}`;
};

console.log(
  `netplumb engine benchmark — star topologies, sizes ${sizes.join(', ')} (ratios are netplumb / shell script, same run)`,
);
console.log(
  'engine in process: these sources bundled as dist/ is (esbuild, bench/engine-bundle.ts), not run through tsx',
);
const nsreadPath = readerFor(execaRunner);
console.log(
  nsreadPath
    ? `native reader: ${nsreadPath} (figures below use it; "reader vs fan-out" compares)\n`
    : 'native reader: not available (no dist/nsread built by cc, or not root): reads use one ip per namespace\n',
);
const fsOfNetns = await netnsFs();
let failedTargets = 0;
const at200: {
  nsTmpfs?: number;
  apply?: number;
  plan?: number;
  status?: number;
  planQuiet?: number;
  floor?: Record<FloorStep, number>;
} = {};
try {
  for (const n of sizes) {
    const prefix = 'b' + randomBytes(2).toString('hex');
    try {
      // Each side starts on an idle machine (see untilIdle).
      const waits = [await untilIdle()];
      const [sUp] = await time(() => runScript(scriptUp(prefix, n)));
      const [sDown] = await time(() => runScript(scriptDown(prefix, n)));
      await cleanupPrefix(prefix);
      waits.push(await untilIdle());
      const floors: Record<FloorStep, number>[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        floors.push(await kernelFloor(prefix, n));
        await untilIdle();
      }
      const floor = floors.find((f) => floorTotal(f) === median(floors.map(floorTotal)))!;
      const tmpfsNs: number[] = [];
      if (fsOfNetns !== 'tmpfs')
        for (let r = 0; r < ROUNDS; r++) {
          const ms = await namespacesOnTmpfs(prefix, n);
          if (ms !== undefined) tmpfsNs.push(ms);
        }
      const nsTmpfs = tmpfsNs.length ? median(tmpfsNs) : undefined;

      const doc = star(prefix, n);
      const rounds: { apply: number; plan: number; applyK: KernelMeanwhile; planK: KernelMeanwhile }[] = [];
      let primed: ReturnType<typeof lastPrimeStats> | undefined;
      for (let r = 0; r < ROUNDS; r++) {
        if (r > 0) {
          await destroyLab(doc.name, { runDir });
          await untilIdle();
        }
        const [applyMs, a, applyK] = await timeSoftirq(() => applyDocument(doc, { runDir }));
        if (!a.result?.ok) throw new Error(`apply failed: ${a.result?.error ?? JSON.stringify(a.problems)}`);
        primed = lastPrimeStats();
        const [planMs, p, planK] = await timeSoftirq(() => planDocument(doc, { runDir }));
        if (p.changes.length) throw new Error(`plan after apply is not empty (${p.changes.length} changes)`);
        rounds.push({ apply: applyMs, plan: planMs, applyK, planK });
      }
      // Each figure the median of its rounds, with what the kernel did meanwhile in that round.
      const mid = <K extends 'apply' | 'plan'>(k: K) =>
        rounds.find((x) => x[k] === median(rounds.map((y) => y[k])))!;
      const { apply, applyK: applySoftirq } = mid('apply');
      const { plan, planK: planSoftirq } = mid('plan');
      const roundsOf = (k: 'apply' | 'plan') => `median of ${samples(rounds.map((x) => x[k]))}`;
      const planHits = lastReaderStats().hits;
      const planMade = lastNamespacesMade();
      const [plan2] = await time(() => planDocument(doc, { runDir }));
      const [status, st] = await time(() => statusDocument(doc, { runDir }));
      if (!st.inSync) throw new Error('status after apply is not in sync');
      const stats = lastReaderStats();
      const vs = nsreadPath ? await readerVsFanOut(doc) : undefined;
      const [overlay, ov] = await time(() => labIfaces(doc.name, { runDir, stats: true }));
      if (ov.ifaces.length !== 2 * n)
        throw new Error(`the live table has ${ov.ifaces.length} link ends, expected ${2 * n}`);
      // One host more, ADDS times over (a new host each time): a single sample on a shared machine
      // swings more than a change of the engine does, so the figure is their median.
      let hosts = n;
      const addSamples: number[] = [];
      let steps = 0;
      for (let k = 0; k < ADDS; k++) {
        const bigger = star(prefix, ++hosts);
        const [ms, b] = await time(() => applyDocument(bigger, { runDir }));
        if (!b.result?.ok) throw new Error(`add-one-host failed: ${b.result?.error}`);
        addSamples.push(ms);
        steps = b.result.steps;
      }
      const addOne = median(addSamples);
      const cliSamples: number[] = [];
      const engineSamples: number[] = [];
      if (withCli) {
        // The command keeps its own record (root's run directory): sync it first, then time more hosts.
        await cliApply(star(prefix, hosts));
        for (let k = 0; k < ADDS; k++) cliSamples.push(await cliApply(star(prefix, ++hosts)));
        // The same command through a resident engine (`netplumb engine start`), after one command
        // that loads it; the engine is stopped right after.
        const engineDir = mkdtempSync(join(tmpdir(), 'netplumb-bench-engine-'));
        chmodSync(engineDir, 0o700);
        const engine = (...a: string[]) => netplumb(['engine', ...a], { NETPLUMB_ENGINE_DIR: engineDir });
        try {
          const up = await engine('start');
          if (up.exitCode !== 0) throw new Error(`netplumb engine start failed: ${up.stderr}`);
          await cliApply(star(prefix, ++hosts), engineDir);
          for (let k = 0; k < ADDS; k++) engineSamples.push(await cliApply(star(prefix, ++hosts), engineDir));
          const served = JSON.parse((await engine('status', '--json')).stdout).served;
          if (served !== ADDS + 1)
            throw new Error(`the resident engine ran ${served} commands, not ${ADDS + 1}`);
        } finally {
          await engine('stop');
          rmSync(engineDir, { recursive: true, force: true });
        }
        const sync = await applyDocument(star(prefix, hosts), { runDir });
        if (!sync.result?.ok) throw new Error(`re-sync failed: ${sync.result?.error}`);
      }
      const addCli = cliSamples.length ? median(cliSamples) : undefined;
      const addEngine = engineSamples.length ? median(engineSamples) : undefined;
      let last = star(prefix, hosts);
      // The same plan once the kernel is done with the hosts' start-up multicast (see softirqSeconds).
      const quietAfter = await untilQuiet();
      const [planQuiet, pq, quietSoftirq] = await timeSoftirq(() => planDocument(last, { runDir }));
      if (pq.changes.length)
        throw new Error(`plan of the quiet lab is not empty (${pq.changes.length} changes)`);
      // One more host once the lab has settled (information, not a target). For a few seconds after
      // a big apply the kernel is still starting the new hosts' IPv6 (DAD, MLD reports, router
      // solicitations), and nsread's fingerprints of 200 namespaces take 25-50 ms instead of ~20.
      const settledDoc = star(prefix, last.nodes.length);
      const [addSettled, bs] = await time(() => applyDocument(settledDoc, { runDir }));
      if (!bs.result?.ok) throw new Error(`add-one-host on the settled lab failed: ${bs.result?.error}`);
      last = settledDoc;
      const [destroy] = await time(() => destroyLab(doc.name, { runDir }));
      if (withCli) await netplumb(['destroy', doc.name]);
      const left = await leftovers(prefix);
      await untilIdle();
      const mn = await mininet(n);

      console.log(`N = ${n}`);
      console.log(
        `  shell script (one ip per step): up ${fmt(sUp)}, down ${fmt(sDown)}   (each side began on an idle machine: waited ${waits.map(fmt).join(' and ')})`,
      );
      line(
        'kernel floor (same star)',
        floorTotal(floor),
        `${ratio(floorTotal(floor), sUp)}   (the cheapest iproute2 means, nothing read or checked; median of ${samples(floors.map(floorTotal))}; ${FLOOR_STEPS.map((k) => `${k} ${floor[k].toFixed(0)}`).join(', ')} ms; netplumb's apply below is ${(apply / floorTotal(floor)).toFixed(2)}x of it)`,
      );
      if (fsOfNetns !== 'tmpfs')
        console.log(
          `  (/run/netns is on ${fsOfNetns} here, not tmpfs as Debian mounts /run: ${nsTmpfs === undefined ? 'the namespace step on a private tmpfs could not be measured (unshare or mount refused)' : `the namespace step on a private tmpfs took ${fmt(nsTmpfs)} (median of ${samples(tmpfsNs)}) against ${fmt(floor.namespaces)} on it`})`,
        );
      line(
        'netplumb apply',
        apply,
        `${ratio(apply, sUp)} of the script's up   (${roundsOf('apply')}; ${meanwhile(applySoftirq)})`,
      );
      line(
        'netplumb plan (in sync)',
        plan,
        `${ratio(plan, sUp)}   (right after apply; ${roundsOf('plan')}; ${meanwhile(planSoftirq)})`,
      );
      if (primed?.used)
        console.log(
          `  (apply cached ${primed.inWrites ?? 0} reads made in its writes and ${(primed.stored ?? 0) - (primed.inWrites ?? 0)} by a pass after them; the plan found ${planHits} of ${n} namespaces unchanged and made ${planMade} of them anew)`,
        );
      line(
        'netplumb plan again',
        plan2,
        `${ratio(plan2, sUp)}   (a namespace changed since its cached read is read in full; the end of IPv6 DAD is not a change)`,
      );
      line('netplumb status (overlay)', status, ratio(status, sUp));
      console.log(
        `  (status read: ${stats.used ? `nsread, ${stats.hits} unchanged namespaces from the cache, ${stats.reads} read in full` : `fan-out (${stats.fallback})`})`,
      );
      if (vs) {
        for (const k of ['read', 'plan', 'status'] as const)
          line(
            `${k}: nsread / fan-out`,
            vs.nsread[k],
            `vs ${fmt(vs['fan-out'][k])} = ${(vs.nsread[k] / vs['fan-out'][k]).toFixed(2)}x the fan-out; ${ratio(vs.nsread[k], sUp)} vs ${ratio(vs['fan-out'][k], sUp)} of up`,
          );
      }
      line('live link table + counters', overlay, ratio(overlay, sUp));
      line(
        'netplumb plan, kernel quiet',
        planQuiet,
        `${ratio(planQuiet, sUp)}   (after ${fmt(quietAfter)} of waiting for the hosts' start-up multicast to end; ${meanwhile(quietSoftirq)})`,
      );
      line(
        'netplumb add one host',
        addOne,
        `${ratio(addOne, sUp)}   (${steps} steps; median of ${samples(addSamples)})`,
      );
      line(
        'add one host, lab settled',
        addSettled,
        `${ratio(addSettled, sUp)}   (after the quiet plan, once the kernel has started the hosts' IPv6; information, not a target)`,
      );
      if (addCli !== undefined)
        line(
          'add one host, whole command',
          addCli,
          `${ratio(addCli, sUp)}   (each command alone, loading the engine; median of ${samples(cliSamples)})`,
        );
      if (addEngine !== undefined)
        line(
          '  the same, resident engine',
          addEngine,
          `${ratio(addEngine, sUp)}   (netplumb engine start; median of ${samples(engineSamples)})`,
        );
      line(
        'netplumb destroy',
        destroy,
        `${ratio(destroy, sDown)} of the script's down (${last.nodes.length - 1} hosts)`,
      );
      console.log(`  left behind after destroy:  ${left.length ? left.join(' ') : 'nothing'}`);
      console.log(
        `  mininet (lxbr, no controller): ${typeof mn === 'string' ? mn : `${fmt(mn)} to build, start and stop ${n} hosts (mn --test none); netplumb's apply is ${ratio(apply, mn)} of it`}`,
      );
      if (n === 200) {
        at200.apply = apply;
        at200.plan = plan;
        at200.status = status;
        at200.planQuiet = planQuiet;
        at200.floor = floor;
        at200.nsTmpfs = nsTmpfs;
        const t = [
          target('apply/up', apply / sUp, 0.12),
          target('plan/up', plan / sUp, 0.04),
          target('plan again/up', plan2 / sUp, 0.04),
          target('add-one/up', addOne / sUp, 0.01),
          ...(addEngine !== undefined
            ? [target('add-one command (resident engine)/up', addEngine / sUp, 0.02)]
            : []),
          target('destroy/down', destroy / sDown, 1.5),
          target('status s', status / 1000, 0.5),
          target('live table s', overlay / 1000, 0.5),
        ];
        console.log(`  targets: ${t.join('; ')}`);
      }
      if (n === 1000 && at200.apply !== undefined && at200.plan !== undefined && at200.status !== undefined) {
        console.log(
          `  targets: ${target('apply/apply@200', apply / at200.apply, 5)}; ${target('plan/plan@200', plan / at200.plan, 5)}; status/status@200 ${(status / at200.status).toFixed(2)}`,
        );
        const f200 = at200.floor;
        if (f200)
          console.log(
            `  (the kernel floor of the same star: ${(floorTotal(floor) / floorTotal(f200)).toFixed(2)}x its 200-host time; by step: ${FLOOR_STEPS.map((k) => `${k} ${(floor[k] / f200[k]).toFixed(1)}x`).join(', ')}; netplumb's apply ${(apply / at200.apply).toFixed(2)}x)`,
          );
        if (f200 && nsTmpfs !== undefined && at200.nsTmpfs !== undefined) {
          // The floor as it would be with Debian's /run: its namespace step taken from the private tmpfs.
          const onTmpfs = (f: Record<FloorStep, number>, ns: number) => floorTotal(f) - f.namespaces + ns;
          console.log(
            `  (with /run/netns on tmpfs the namespace step grows ${(nsTmpfs / at200.nsTmpfs).toFixed(1)}x, against ${(floor.namespaces / f200.namespaces).toFixed(1)}x on ${fsOfNetns}; the floor with it ${(onTmpfs(floor, nsTmpfs) / onTmpfs(f200, at200.nsTmpfs)).toFixed(2)}x its 200-host time)`,
          );
        }
        if (at200.planQuiet !== undefined)
          console.log(
            `  (plan with the kernel quiet: ${(planQuiet / at200.planQuiet).toFixed(2)}x its 200-host figure; right after apply the kernel is still copying every host's start-up multicast to every port, which grows with hosts x ports)`,
          );
        if (autogroup())
          console.log(
            `  (this kernel schedules by autogroup: this session — node, nsread, every ip — is one scheduling entity, each busy kernel thread of the flood another; the plan right after apply ran ${fmt(plan)}, the kernel's threads ${planSoftirq.workers.toFixed(2)} CPU s meanwhile)`,
          );
        console.log(`  the same ${n} hosts on five bridges (one flooding domain of ${n / 5} ports each):`);
        const split = await splitStar(n, 5);
        line(
          '  apply',
          split.apply,
          `${(split.apply / at200.apply).toFixed(2)}x apply@200   (${meanwhile(split.kernel)})`,
        );
        line('  plan (in sync)', split.plan, `${(split.plan / at200.plan).toFixed(2)}x plan@200`);
      }
      if (left.length) failedTargets++;
      console.log('');
    } finally {
      await cleanupPrefix(prefix);
    }
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
if (withCli) {
  console.log('cold start of the command (bench/cli-startup.ts):');
  const r = await execa(
    process.execPath,
    [
      join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(root, 'bench', 'cli-startup.ts'),
      '--runs',
      '7',
    ],
    { reject: false },
  );
  console.log((r.stdout + r.stderr).trim().replace(/^/gm, '  '));
  if (r.exitCode !== 0) failedTargets++;
}
process.exitCode = failedTargets ? 1 : 0;
