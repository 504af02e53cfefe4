import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright cannot download its own browsers here (scripts/ensure-chromium.sh
// installs it on a fresh machine).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  // Builds the app once (skipped when .next is fresh) and starts two `next start` servers.
  globalSetup: './e2e/global-setup.ts',
  outputDir: './test-results/artifacts',
  // One worker: two servers, Chromium and the build share 2 cores, and tests read one shared store.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // 60 s: axe scans and full-page screenshots of the chart pages take 20–35 s when the shared
  // 2-core machine runs other builds at the same time.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: './test-results/report' }]] : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1366, height: 900 },
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
