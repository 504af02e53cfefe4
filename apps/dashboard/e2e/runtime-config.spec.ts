import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fixtures, signPylon } from '@hookgate/provider-pylon';
import { APP_DIR, exitCode, spawnDashboard, startDashboard, stopDashboard } from './support/server';
import { expect, test } from './support/test';

// An application's own hookgate.config.ts, loaded when the server starts (HOOKGATE_CONFIG, what
// `hookgate-dashboard --config` sets) instead of the repository's config compiled into the build.
const APP_CONFIG = path.join(APP_DIR, 'e2e/fixtures/app-config/hookgate.config.ts');

test('HOOKGATE_CONFIG: the server serves the providers of a config file read at start', async ({ page }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-e2e-config-'));
  const server = await startDashboard('app-config', {
    HOOKGATE_CONFIG: APP_CONFIG,
    HOOKGATE_DATA_DIR: dataDir,
    APP_SUPPORT_DESK_SECRET: 'app-config-secret-0123',
    // Inbox mode without the in-process worker (as when `hookgate worker` runs separately).
    HOOKGATE_WORKER: 'off',
  });
  try {
    expect(server.output()).toContain('Serving /api/webhooks/support-desk');
    expect(server.output()).toContain('Inbox mode, HOOKGATE_WORKER=off: no worker in this process');
    // The route id and secret variable come from the app's config; the repository's providers are gone.
    const signed = signPylon({ payload: fixtures.valid.IssueNewEvent, secret: 'app-config-secret-0123' });
    const handled = await fetch(`${server.url}/api/webhooks/support-desk`, { method: 'POST', headers: signed.headers, body: signed.body });
    // Inbox mode: answered 202 once queued; HOOKGATE_WORKER=off, so it stays queued.
    expect(handled.status).toBe(202);
    const { deliveryId } = (await handled.json()) as { deliveryId: string };
    const gone = await fetch(`${server.url}/api/webhooks/github`, { method: 'POST', body: '{}' });
    expect(gone.status).toBe(404);
    await page.goto(`${server.url}/deliveries`);
    await expect(page.getByLabel('Provider').locator('option')).toHaveText(['All providers', 'support-desk']);
    // Recorded under its route id (not the provider's own id, pylon), so the provider filter finds it.
    await page.getByLabel('Provider').selectOption('support-desk');
    await expect(page).toHaveURL(/provider=support-desk/);
    // The inbox statuses in the filter, the badge and the delivery page.
    await page.getByLabel('Status').selectOption('queued');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/provider=support-desk.*status=queued|status=queued.*provider=support-desk/);
    const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    await expect(row.locator('[data-status]')).toHaveText('Queued');
    await row.getByRole('link').click();
    await expect(page.getByRole('region', { name: 'Attempts' })).toContainText('Queued: no attempt yet');
    // The queued delivery's page follows it live (another process's worker may run it); leave it
    // before the server stops, so its stream does not break under it.
    await expect(page.locator('.page-header [data-live-mode="stream"]')).toBeVisible();
    await page.goto('about:blank');
  } finally {
    await stopDashboard(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('HOOKGATE_CONFIG naming a missing file stops the server at start, naming it', async () => {
  const server = await spawnDashboard('missing-config', { HOOKGATE_CONFIG: '/nonexistent/hookgate.config.ts' });
  expect(await exitCode(server, 60_000)).toBe(1);
  expect(server.output()).toContain('Hookgate config /nonexistent/hookgate.config.ts does not exist.');
});
