/**
 * The non-root lane's suite (scripts/nonroot-lane/run.sh runs it as an
 * ordinary user in the netplumb group, in that user's own clone): the CLI lab,
 * the browser-mode story and the refusals, all through the installed helper.
 * Not part of the main e2e run (its testDir is e2e/specs): run as root these
 * stories would prove nothing about a normal user.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  outputDir: '../../test-results/nonroot',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 20_000 },
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.NETPLUMB_CHROMIUM ?? '/usr/bin/chromium',
      // --no-sandbox: Chromium's sandbox needs user namespaces, often unavailable in CI containers.
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
});
