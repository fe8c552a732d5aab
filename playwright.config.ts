/**
 * End-to-end stories (e2e/specs) in two projects:
 *  - "browser": Debian's Chromium against browser mode (startServer on a free
 *    port, started by the fixture in e2e/fixtures/test.ts);
 *  - "electron": the same stories in the desktop app through _electron.launch,
 *    skipped with the reason where the Electron binary is not installed.
 * Kernel stories create real namespaces: one worker, no retries that would
 * mask a leak; every lab is removed by the fixture, even on failure.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  },
  projects: [
    {
      name: 'browser',
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: {
          executablePath: process.env.NETPLUMB_CHROMIUM ?? '/usr/bin/chromium',
          // --no-sandbox: Chromium refuses its sandbox as root (the tests run as
          // root to create namespaces); the rest keep it off this closed network.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
    { name: 'electron', use: {} },
  ],
});
