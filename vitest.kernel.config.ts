/**
 * The kernel-capability test lane (`npm run test:kernel-vm`): only the tests that
 * exercise kernel features our lean CI kernel lacks (`*.kernel.test.ts`), run inside
 * a VM with Debian's kernel. The same files also run on the host with the main
 * config, where they skip with the reason. Kept lean for TCG: one worker, one
 * process for all files, no typecheck, caches under /tmp (the VM's root is read-only).
 */
import { defineConfig } from 'vitest/config';

const inVm = process.env.NETPLUMB_KERNEL_VM === '1';

export default defineConfig({
  cacheDir: inVm ? '/tmp/netplumb-vite-cache' : undefined,
  test: {
    include: ['electron/**/*.kernel.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Reads handed out from the live reader's memo are frozen: a caller that changes one fails (live-read.ts namespaceOf).
    env: { NETPLUMB_FREEZE_READS: '1' },
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    typecheck: { enabled: false },
    reporters: ['default', './scripts/kernel-vm/counts-reporter.ts'],
  },
});
