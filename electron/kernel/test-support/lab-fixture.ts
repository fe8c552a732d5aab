/**
 * Support for engine integration tests on the real kernel: labs whose every
 * kernel name starts with a unique prefix, a snapshot of the host restricted
 * to that prefix (other tests run in parallel), a runner that fails at a
 * chosen plan step, and a cleanup that removes whatever carries the prefix.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '../../../shared/plan';
import { batchText } from '../../../shared/plan';
import { execaRunner, type Runner, type RunResult } from '../runner';
import { listNetns } from '../netns';

/** A short unique prefix: "q" + 5 hex digits (names stay <= 15 bytes with short suffixes). */
export function uniquePrefix(): string {
  return 'q' + randomBytes(3).toString('hex').slice(0, 5);
}

/** A private run directory for lab records/journals/locks. */
export function tempRunDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'netplumb-run-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function ipJson(args: string[]): Promise<Record<string, unknown>[]> {
  const r = await execaRunner(['ip', '-j', ...args]);
  return r.exitCode === 0 ? (JSON.parse(r.stdout || '[]') as Record<string, unknown>[]) : [];
}

/** What the host has under a prefix: namespaces, and root interfaces with the attributes netplumb could change. */
export async function hostSnapshot(prefix: string) {
  const netns = (await listNetns()).filter((n) => n.startsWith(prefix)).sort();
  const links = (await ipJson(['-d', 'address', 'show']))
    .filter((l) => String(l.ifname).startsWith(prefix))
    .map((l) => ({
      ifname: l.ifname,
      kind: (l.linkinfo as { info_kind?: string } | undefined)?.info_kind,
      ifalias: l.ifalias,
      master: l.master,
      mtu: l.mtu,
      address: l.address,
      up: (l.flags as string[]).includes('UP'),
      addrs: ((l.addr_info as { local: string; prefixlen: number; scope?: string }[]) ?? [])
        .filter((a) => a.scope !== 'link')
        .map((a) => `${a.local}/${a.prefixlen}`)
        .sort(),
    }))
    .sort((a, b) => String(a.ifname).localeCompare(String(b.ifname)));
  const inside: Record<string, unknown> = {};
  for (const ns of netns) {
    inside[ns] = {
      links: (await ipJson(['-n', ns, 'link', 'show'])).map((l) => [
        l.ifname,
        l.ifalias,
        l.mtu,
        (l.flags as string[]).includes('UP'),
      ]),
      addrs: (await ipJson(['-n', ns, 'address', 'show']))
        .flatMap((l) =>
          ((l.addr_info as { local: string; prefixlen: number }[]) ?? []).map(
            (a) => `${l.ifname} ${a.local}/${a.prefixlen}`,
          ),
        )
        .sort(),
      routes: (await ipJson(['-n', ns, 'route', 'show']))
        .map((r) => `${r.dst} ${r.gateway ?? ''} ${r.dev}`)
        .sort(),
    };
  }
  return { netns, links, inside };
}

/** Removes every namespace and root interface whose name starts with `prefix` (the test's own). */
export async function cleanupPrefix(prefix: string): Promise<void> {
  if (prefix.length < 4) throw new Error('refusing a short cleanup prefix');
  for (const ns of await listNetns())
    if (ns.startsWith(prefix)) await execaRunner(['ip', 'netns', 'delete', ns]);
  for (const l of await ipJson(['link', 'show'])) {
    const name = String(l.ifname);
    if (name.startsWith(prefix)) await execaRunner(['ip', 'link', 'delete', 'dev', name]);
  }
  // Namespace teardown is asynchronous: wait until their veth peers are gone too.
  for (let i = 0; i < 100; i++) {
    if (!(await ipJson(['link', 'show'])).some((l) => String(l.ifname).startsWith(prefix))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A runner that makes plan step `failAt` fail as the kernel would: the lines
 * of its batch before it really run, then the batch reports the failure at
 * that line. Everything else runs for real.
 */
export function failingRunner(
  changes: readonly Change[],
  failAt: number,
  inner: Runner = execaRunner,
  onFail?: () => void,
): Runner {
  const target = changes[failAt];
  const line = target.batch ? batchText([target.batch]).trimEnd() : undefined;
  let fired = false;
  const fail = () => {
    fired = true;
    onFail?.();
  };
  return async (argv, opts): Promise<RunResult> => {
    // A transient failure: only the first attempt fails (the rollback's repair pass may run the same line).
    if (fired) return inner(argv, opts);
    if (!line) {
      if (argv.join(' ') === target.argv.join(' ')) {
        fail();
        return { exitCode: 1, stdout: '', stderr: 'injected failure: Operation not permitted\n' };
      }
      return inner(argv, opts);
    }
    const sameNs =
      target.ns === ''
        ? !argv.includes('-n')
        : argv.includes('-n') && argv[argv.indexOf('-n') + 1] === target.ns;
    if (opts?.input && argv[0] === target.argv[0] && sameNs && !argv.includes('-force')) {
      const lines = opts.input.split('\n');
      const at = lines.indexOf(line);
      if (at >= 0) {
        if (at > 0) {
          const before = await inner(argv, { ...opts, input: lines.slice(0, at).join('\n') + '\n' });
          if (before.exitCode !== 0) return before;
        }
        fail();
        return {
          exitCode: 1,
          stdout: '',
          stderr: `RTNETLINK answers: injected failure\nCommand failed -:${at + 1}\n`,
        };
      }
    }
    return inner(argv, opts);
  };
}

/**
 * Registers beforeEach/afterEach hooks giving each test a unique name prefix
 * and a private run directory, removed after the test even when it fails.
 * Read `lab.p` and `lab.run` inside tests.
 */
export function useKernelLab(hooks: {
  beforeEach: (fn: () => void) => void;
  afterEach: (fn: () => Promise<void>) => void;
}) {
  const lab = { p: '', run: undefined as unknown as ReturnType<typeof tempRunDir> };
  hooks.beforeEach(() => {
    lab.p = uniquePrefix();
    lab.run = tempRunDir();
  });
  hooks.afterEach(async () => {
    await cleanupPrefix(lab.p);
    lab.run.remove();
  });
  return lab;
}

/**
 * A snapshot once the kernel has finished its own work on fresh links (IPv6
 * link-local addresses appear a moment after a link goes up): two equal
 * snapshots in a row.
 */
export async function settledSnapshot(prefix: string) {
  let last = JSON.stringify(await hostSnapshot(prefix));
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const snap = await hostSnapshot(prefix);
    const now = JSON.stringify(snap);
    if (now === last) return snap;
    last = now;
  }
  throw new Error('the host did not settle');
}

/**
 * A runner that stops before running the process that carries plan step
 * `at` (a batch or a single command): it creates `pausedFile`, waits until
 * `releaseFile` exists, then runs it. Everything else runs for real. Used to
 * hold a lab's lock in the middle of a real apply.
 */
export function pausingRunner(
  changes: readonly Change[],
  at: number,
  pausedFile: string,
  releaseFile: string,
  inner: Runner = execaRunner,
): Runner {
  const target = changes[at];
  const line = target.batch ? batchText([target.batch]).trimEnd() : undefined;
  let paused = false;
  return async (argv, opts): Promise<RunResult> => {
    const hit = line ? opts?.input?.split('\n').includes(line) : argv.join(' ') === target.argv.join(' ');
    if (hit && !paused) {
      paused = true;
      writeFileSync(pausedFile, String(process.pid));
      while (!existsSync(releaseFile)) await new Promise((r) => setTimeout(r, 20));
    }
    return inner(argv, opts);
  };
}
