/**
 * Test fixture for real-kernel tests: uniquely named scratch namespaces (and
 * root-namespace interfaces) that are always removed, even when a test fails.
 * Only what this fixture created is ever deleted, and only after checking it
 * still exists.
 *
 *   const lab = new ScratchLab();
 *   try { const [a, b] = await lab.netns(2); await lab.ip('-n', a, ...); }
 *   finally { await lab.cleanup(); }
 *
 * or `await withScratchLab(async (lab) => { ... })`.
 */
import { randomBytes } from 'node:crypto';
import { IFNAME_MAX_BYTES } from '../../../shared/model/common';
import { execaRunner, type RunResult, type Runner } from '../runner';

/** True when the tests run as root (kernel tests need it). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The reason kernel tests give when they are skipped for lack of root. */
export const NOT_ROOT_REASON = 'needs root to create network namespaces';

/**
 * A unique kernel name: prefix + random hex, at most 15 bytes so it is also a
 * valid interface name (default: "np" + 8 hex digits).
 */
export function uniqueName(prefix = 'np', hexDigits = 8): string {
  const name =
    prefix +
    randomBytes(Math.ceil(hexDigits / 2))
      .toString('hex')
      .slice(0, hexDigits);
  if (Buffer.byteLength(name) > IFNAME_MAX_BYTES)
    throw new Error(`"${name}" is longer than ${IFNAME_MAX_BYTES} bytes`);
  return name;
}

/** Runs argv and throws (with stderr) unless it exits 0; for test set-up steps. */
export async function must(argv: string[], runner: Runner = execaRunner, input?: string): Promise<RunResult> {
  const r = await runner(argv, input === undefined ? undefined : { input });
  if (r.exitCode !== 0)
    throw new Error(`\`${argv.join(' ')}\` failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return r;
}

/** A set of scratch objects owned by one test. */
export class ScratchLab {
  /** Namespaces this lab created, in creation order. */
  readonly namespaces: string[] = [];
  /** Interfaces this lab created in the root namespace. */
  readonly rootIfaces: string[] = [];

  constructor(private readonly runner: Runner = execaRunner) {}

  /** Creates `count` namespaces with unique names and returns their names. */
  async netns(count = 1, prefix = 'np'): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = uniqueName(prefix);
      // Recorded before creating: if `ip netns add` half-succeeds, cleanup still looks for it.
      this.namespaces.push(name);
      await must(['ip', 'netns', 'add', name], this.runner);
      out.push(name);
    }
    return out;
  }

  /** A unique name for an interface the test will create in the root namespace (removed in cleanup). */
  rootIface(prefix = 'np'): string {
    const name = uniqueName(prefix);
    this.rootIfaces.push(name);
    return name;
  }

  /** `ip ARGS...`, throwing on failure. */
  ip(...args: string[]): Promise<RunResult> {
    return must(['ip', ...args], this.runner);
  }

  /** Runs `ip -n NS -batch -` with the given lines, throwing on failure. */
  batch(ns: string, lines: string[]): Promise<RunResult> {
    return must(['ip', '-n', ns, '-batch', '-'], this.runner, lines.join('\n') + '\n');
  }

  /**
   * Deletes every namespace and root interface this lab created that still
   * exists. Tries all of them, then throws if any could not be removed.
   */
  async cleanup(): Promise<void> {
    const errors: string[] = [];
    for (const name of this.rootIfaces.splice(0)) {
      const shown = await this.runner(['ip', 'link', 'show', 'dev', name]);
      if (shown.exitCode !== 0) continue; // already gone (e.g. its veth peer's namespace was deleted)
      const r = await this.runner(['ip', 'link', 'del', 'dev', name]);
      if (r.exitCode !== 0) errors.push(`interface ${name}: ${r.stderr.trim()}`);
    }
    const existing = new Set(
      (await this.runner(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]),
    );
    for (const name of this.namespaces.splice(0)) {
      if (!existing.has(name)) continue;
      const r = await this.runner(['ip', 'netns', 'del', name]);
      if (r.exitCode !== 0) errors.push(`namespace ${name}: ${r.stderr.trim()}`);
    }
    if (errors.length) throw new Error(`scratch cleanup left objects behind: ${errors.join('; ')}`);
  }
}

/** Runs fn with a fresh ScratchLab and always cleans it up. */
export async function withScratchLab<T>(
  fn: (lab: ScratchLab) => Promise<T>,
  runner: Runner = execaRunner,
): Promise<T> {
  const lab = new ScratchLab(runner);
  try {
    return await fn(lab);
  } finally {
    await lab.cleanup();
  }
}
