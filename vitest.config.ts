import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
    ],
    // Kernel integration tests create namespaces: keep files in one process at a
    // time per worker and give them room; they clean up in finally blocks.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Reads handed out from the live reader's memo are frozen: a caller that changes one fails (live-read.ts namespaceOf).
    env: { NETPLUMB_FREEZE_READS: '1' },
    // The CLI tests run bin/netplumb.js, which runs dist/: build it from these sources first.
    globalSetup: ['scripts/vitest-build.ts'],
  },
});
