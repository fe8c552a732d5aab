/**
 * Test support for the full-kernel lane (*.kernel.test.ts): namespaces of the test's
 * own with unique names, commands run inside them through the project's Runner,
 * ping between them, and cleanup that removes exactly what the test created.
 * Nothing here touches the root namespace: veth pairs are created inside a test
 * namespace with the peer placed straight into another.
 */
import { randomBytes } from 'node:crypto';
import { execaRunner, type RunResult, type Runner } from '../runner';

/** True when the tests run as root (namespaces need it). */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** True inside the lane's VM (set by scripts/kernel-vm/job.ts). */
export const inKernelVm = process.env.NETPLUMB_KERNEL_VM === '1';

/** A unique name of at most 15 bytes (a valid interface and namespace name). */
export function uniqueName(prefix = 'np'): string {
  const name = `${prefix}${randomBytes(4).toString('hex')}`;
  if (Buffer.byteLength(name) > 15) throw new Error(`${name} is longer than 15 bytes`);
  return name;
}

/** Runs argv, throwing with the command and stderr unless it exits 0. */
export async function must(
  argv: readonly string[],
  runner: Runner = execaRunner,
  input?: string,
): Promise<RunResult> {
  const r = await runner(argv, input === undefined ? undefined : { input });
  if (r.exitCode !== 0)
    throw new Error(
      `\`${argv.join(' ')}\` failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`,
    );
  return r;
}

let pingArgv: Promise<string[] | undefined> | undefined;
/** iputils ping when installed, else busybox's applet (same options and reply lines), else undefined. */
export function pingCommand(runner: Runner = execaRunner): Promise<string[] | undefined> {
  pingArgv ??= (async () => {
    if ((await runner(['ping', '-V'])).exitCode !== 127) return ['ping'];
    if ((await runner(['busybox', 'ping', '--help'])).exitCode !== 127) return ['busybox', 'ping'];
    return undefined;
  })();
  return pingArgv;
}

/** The skip reason when there is no ping to measure with (undefined when there is one). */
export async function noPingReason(): Promise<string | undefined> {
  return (await pingCommand()) ? undefined : 'needs ping (apt-get install iputils-ping, or busybox)';
}

/** Result of a ping: reply round-trip times in ms (one per reply) and packets sent/received. */
export interface PingResult {
  sent: number;
  received: number;
  rttMs: number[];
  exitCode: number;
  output: string;
}

/** Parses iputils or busybox ping output. */
export function parsePing(out: string, exitCode: number): PingResult {
  const rttMs = [...out.matchAll(/time=([\d.]+) ?ms/g)].map((m) => Number(m[1]));
  const stats = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(out);
  return { sent: Number(stats?.[1] ?? 0), received: Number(stats?.[2] ?? 0), rttMs, exitCode, output: out };
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Namespaces owned by one test. Always call cleanup() in finally/afterEach. */
export class Lab {
  readonly namespaces: string[] = [];
  constructor(readonly runner: Runner = execaRunner) {}

  /**
   * Creates `count` fresh namespaces and returns their names. One `ip -batch` for all:
   * under emulation every process start costs a noticeable fraction of a second.
   */
  async netns(count: number): Promise<string[]> {
    const out = Array.from({ length: count }, () => uniqueName());
    // Recorded first: a half-created namespace is still looked for in cleanup.
    this.namespaces.push(...out);
    await must(['ip', '-batch', '-'], this.runner, out.map((ns) => `netns add ${ns}`).join('\n') + '\n');
    return out;
  }

  /** Runs `ip -n NS -batch -` with the given lines (e.g. "link set eth0 up"), throwing on failure. */
  batch(ns: string, lines: readonly string[]): Promise<RunResult> {
    return must(['ip', '-n', ns, '-batch', '-'], this.runner, lines.join('\n') + '\n');
  }

  /** Runs `bridge -n NS -batch -` with the given lines (e.g. "vlan add dev p1 vid 10"), throwing on failure. */
  bridgeBatch(ns: string, lines: readonly string[]): Promise<RunResult> {
    return must(['bridge', '-n', ns, '-batch', '-'], this.runner, lines.join('\n') + '\n');
  }

  /** `ip -n NS ...`, throwing on failure. */
  ip(ns: string, ...args: string[]): Promise<RunResult> {
    return must(['ip', '-n', ns, ...args], this.runner);
  }

  /** Runs argv inside NS (`ip netns exec`), throwing on failure. */
  exec(ns: string, ...argv: string[]): Promise<RunResult> {
    return must(['ip', 'netns', 'exec', ns, ...argv], this.runner);
  }

  /** Runs argv inside NS without throwing. */
  try(ns: string, ...argv: string[]): Promise<RunResult> {
    return this.runner(['ip', 'netns', 'exec', ns, ...argv]);
  }

  /** A veth pair: `nameA` in nsA, `nameB` in nsB, both up; extra lines run in each namespace's batch. */
  async veth(
    nsA: string,
    nameA: string,
    nsB: string,
    nameB: string,
    more: { a?: string[]; b?: string[] } = {},
  ): Promise<void> {
    await this.batch(nsA, [
      `link add ${nameA} type veth peer name ${nameB} netns ${nsB}`,
      `link set ${nameA} up`,
      ...(more.a ?? []),
    ]);
    await this.batch(nsB, [`link set ${nameB} up`, ...(more.b ?? [])]);
  }

  /** Pings `addr` from inside `ns` (an address of another namespace of this lab). */
  async ping(
    ns: string,
    addr: string,
    opts: { count?: number; intervalS?: number; waitS?: number } = {},
  ): Promise<PingResult> {
    const count = opts.count ?? 3;
    const ping = await pingCommand(this.runner);
    if (!ping) throw new Error('no ping command (iputils-ping or busybox)');
    const argv = [
      ...ping,
      '-c',
      String(count),
      '-i',
      String(opts.intervalS ?? 0.2),
      '-W',
      String(opts.waitS ?? 2),
      addr,
    ];
    const r = await this.runner(['ip', 'netns', 'exec', ns, ...argv], { timeoutMs: 60_000 });
    return parsePing(`${r.stdout}\n${r.stderr}`, r.exitCode);
  }

  /** `tc -j qdisc show dev DEV` inside NS, parsed. */
  async qdiscs(
    ns: string,
    dev: string,
  ): Promise<{ kind: string; handle?: string; root?: boolean; options?: Record<string, unknown> }[]> {
    return JSON.parse(
      (await must(['tc', '-n', ns, '-j', 'qdisc', 'show', 'dev', dev], this.runner)).stdout || '[]',
    );
  }

  /** Deletes every namespace this lab created (their interfaces go with them), then checks they are gone. */
  async cleanup(): Promise<void> {
    const errors: string[] = [];
    const list = (await this.runner(['ip', 'netns', 'list'])).stdout;
    for (const ns of this.namespaces.splice(0).reverse()) {
      // Only namespaces this lab created, and only if they still exist.
      if (!new RegExp(`^${ns}( |$)`, 'm').test(list)) continue;
      const r = await this.runner(['ip', 'netns', 'del', ns]);
      if (r.exitCode !== 0) errors.push(`ip netns del ${ns}: ${r.stderr.trim()}`);
    }
    if (errors.length) throw new Error(`cleanup failed: ${errors.join('; ')}`);
  }
}
