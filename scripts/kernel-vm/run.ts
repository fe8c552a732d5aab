/**
 * `npm run test:kernel-vm [-- <vitest args>]`: runs the kernel tests that need a full
 * distribution kernel (netem, VLAN filtering, 802.1Q) inside a qemu VM that boots
 * Debian's kernel with the host root mounted read-only, and exits with their status.
 *
 *   npm run test:kernel-vm                          all *.kernel.test.ts files
 *   npm run test:kernel-vm -- electron/kernel/vm-lane/netem.kernel.test.ts
 *   npm run test:kernel-vm -- --cmd ip -d link      any command instead of vitest
 *
 * Environment: NETPLUMB_VM_TIMEOUT (seconds, default 900), NETPLUMB_VM_MEMORY (MB,
 * default 2048), NETPLUMB_VM_CPUS (default 2). See scripts/kernel-vm/README.md.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSummary, parseMarker, verdict, type Counts } from './console';
import { ensureDeps } from './deps';
import { ensureInitramfs } from './initramfs';
import { jobScript } from './job';
import { runVm } from './qemu';

const here = dirname(fileURLToPath(import.meta.url));
const projectDir = resolve(here, '..', '..');
const cacheDir = join(projectDir, '.cache', 'kernel-vm');
const log = (s: string) => process.stdout.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function fail(problem: string, code: number): never {
  log(`kernel-vm: ${problem}`);
  log(`${formatSummary({ passed: 0, failed: 1, skipped: 0 })}`);
  process.exit(code);
}

function numberEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) fail(`${name}=${v} is not a positive number`, 2);
  return n;
}

/** Job scripts left by wrappers that were killed (their pid is gone); running ones are kept. */
function removeStaleJobs() {
  for (const f of readdirSync(cacheDir)) {
    const pid = Number(/^job-(\d+)\.sh$/.exec(f)?.[1]);
    if (!pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(cacheDir, f), { force: true });
    }
  }
}

async function main() {
  const args = process.argv.slice(2);
  const custom = args[0] === '--cmd';
  // Reporters given on the command line replace the config's, counts reporter included: keep it.
  const countsReporter = args.some((a) => a === '--reporter' || a.startsWith('--reporter='))
    ? ['--reporter', './scripts/kernel-vm/counts-reporter.ts']
    : [];
  const command = custom
    ? args.slice(1)
    : [
        'node',
        'node_modules/vitest/vitest.mjs',
        'run',
        '--config',
        'vitest.kernel.config.ts',
        ...args,
        ...countsReporter,
      ];
  if (command.length === 0) fail('--cmd needs a command', 2);
  const timeoutMs = numberEnv('NETPLUMB_VM_TIMEOUT', 900) * 1000;

  const t0 = Date.now();
  let deps;
  try {
    deps = await ensureDeps(log);
  } catch (e) {
    fail((e as Error).message, 2);
  }
  const img = ensureInitramfs({
    kernelVersion: deps.kernelVersion,
    modulesDir: deps.modulesDir,
    busybox: deps.busybox,
    scriptsDir: here,
    cacheDir,
  });
  log(
    `kernel-vm: kernel ${deps.kernelVersion}, initramfs ${img.built ? 'built' : 'cached'} (${img.modules.join(' ')})`,
  );

  mkdirSync(cacheDir, { recursive: true });
  removeStaleJobs();
  const job = join(cacheDir, `job-${process.pid}.sh`);
  const forceColor: Record<string, string> =
    process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' };
  writeFileSync(job, jobScript({ projectDir, command, env: forceColor }), { mode: 0o755 });

  let exit: number | undefined;
  let counts: Counts | undefined;
  let bootedAt: number | undefined;
  const tBoot = Date.now();
  let res;
  try {
    res = await runVm(
      {
        qemu: deps.qemu,
        kernel: deps.kernel,
        initramfs: img.path,
        job,
        memoryMb: numberEnv('NETPLUMB_VM_MEMORY', 2048),
        cpus: numberEnv('NETPLUMB_VM_CPUS', 2),
      },
      timeoutMs,
      (line) => {
        const m = parseMarker(line);
        if (m.exit !== undefined) exit = m.exit;
        if (m.counts) counts = m.counts;
        if (bootedAt === undefined && line.includes('netplumb-vm: booted')) bootedAt = Date.now();
        log(line);
      },
    );
  } finally {
    rmSync(job, { force: true });
  }
  const tEnd = Date.now();
  const v = verdict({ exit, counts, timedOut: res.timedOut, expectCounts: !custom });
  log(
    `kernel-vm: setup ${secs(tBoot - t0)}, boot ${bootedAt ? secs(bootedAt - tBoot) : '?'}, job ${bootedAt ? secs(tEnd - bootedAt) : '?'}, total ${secs(tEnd - t0)}`,
  );
  if (v.problem) log(`kernel-vm: ${v.problem}`);
  log(formatSummary(v.counts));
  process.exit(v.code);
}

main().catch((e: unknown) => fail(`internal error: ${(e as Error).stack ?? String(e)}`, 1));
