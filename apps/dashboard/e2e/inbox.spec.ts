import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '@hookgate/store';
import type { Page } from '@playwright/test';
import { newMarker, pylonDelivery, send } from './support/send';
import { APP_DIR, startDashboard, stopDashboard, type DashboardServer } from './support/server';
import { deliveryRows, dropExpectedErrors, expect, test } from './support/test';

// A dashboard whose config is in inbox mode, with no `hookgate worker` beside it: the worker the
// server starts itself runs every queued delivery. The fixture's listener logs each run, waits
// for the test's release file when the payload asks (`e2e_gate`), and always fails a
// MessageNewEvent; two attempts, 300 ms backoff.
const INBOX_CONFIG = path.join(APP_DIR, 'e2e/fixtures/inbox-config/hookgate.config.ts');
const SECRET = 'e2e-inbox-secret-0123456789';

test.describe.configure({ mode: 'serial' });

let server: DashboardServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-e2e-inbox-'));
  server = await startDashboard('inbox', { HOOKGATE_CONFIG: INBOX_CONFIG, HOOKGATE_DATA_DIR: dataDir, E2E_INBOX_SECRET: SECRET, E2E_INBOX_DIR: dataDir });
});

test.afterAll(async () => {
  await stopDashboard(server);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends a delivery whose every attempt waits for {@link release}. */
function deliverGated(event: 'IssueNewEvent' | 'MessageNewEvent' = 'IssueNewEvent', marker = newMarker()) {
  return send(server.url, 'inbox-desk', pylonDelivery(marker, { event, secret: SECRET, extra: { e2e_gate: true } }));
}

function runs(): string {
  const file = path.join(dataDir, 'runs.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Waits until the worker runs attempt `attempt` of the delivery (its listener is waiting for the release). */
async function started(deliveryId: string, attempt: number): Promise<void> {
  await expect.poll(runs, { message: `attempt ${attempt} of ${deliveryId} started`, timeout: 15_000 }).toContain(`start ${deliveryId} ${attempt}`);
}

/** Lets attempt `attempt` of the delivery finish. */
function release(deliveryId: string, attempt: number): void {
  writeFileSync(path.join(dataDir, `release-${deliveryId}-${attempt}`), '');
}

/** Marks the document, so a test can tell that later updates came without a reload. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __hookgateSameDocument?: boolean }).__hookgateSameDocument = true;
  });
}

async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __hookgateSameDocument?: boolean }).__hookgateSameDocument === true);
}

test('the dashboard runs its own worker in inbox mode; the list shows a queued row turn handled live; the page says the sender got 202', async ({ page }) => {
  expect(server.output()).toMatch(/Inbox mode: worker \S+ runs queued deliveries from the sqlite inbox/);
  const marker = newMarker();
  const sent = await deliverGated('IssueNewEvent', marker);
  expect([sent.status, sent.kind]).toEqual([202, 'queued']);

  // Once connected, the page re-reads its rows once (a change between its render and the stream
  // would be missed otherwise); the test releases the listener after that read, so only the
  // stream's `change` event can bring the handled row.
  const caughtUp = page.waitForResponse((response) => response.url().includes(`/deliveries?q=${marker}&_rsc=`));
  await page.goto(`${server.url}/deliveries?q=${marker}`);
  await expect(page.locator('[data-live-mode="stream"]')).toBeVisible();
  await caughtUp;
  await markDocument(page);
  const status = deliveryRows(page).locator('[data-status]');
  await expect(status).toHaveText('Queued');
  // No `hookgate worker` runs: the server's own worker took it.
  await started(sent.deliveryId, 1);
  release(sent.deliveryId, 1);
  // The worker records the attempt: a `change` event re-renders the row.
  await expect(status).toHaveText('Handled');
  expect(await sameDocument(page)).toBe(true);

  // What the sender was answered (202 queued), apart from what the worker did afterwards.
  await page.goto(`${server.url}/deliveries/${sent.deliveryId}`);
  await expect(page.getByTestId('answered')).toContainText('HTTP 202 queued');
  await expect(page.getByTestId('outcome')).toContainText('Handled after 1 attempt');
  await expect(page.getByRole('region', { name: 'Attempts' }).locator('[data-attempt="1"]')).toContainText('succeeded');
});

test('without the event stream, polling still turns a queued row handled', async ({ page, consoleErrors }) => {
  await page.route('**/api/deliveries/events', (route) => route.abort());
  const marker = newMarker();
  const sent = await deliverGated('IssueNewEvent', marker);
  await page.goto(`${server.url}/deliveries?q=${marker}`);
  await expect(page.locator('[data-live-mode="polling"]')).toBeVisible();
  await markDocument(page);
  const status = deliveryRows(page).locator('[data-status]');
  await expect(status).toHaveText('Queued');
  await started(sent.deliveryId, 1);
  release(sent.deliveryId, 1);
  await expect(status).toHaveText('Handled');
  expect(await sameDocument(page)).toBe(true);
  await dropExpectedErrors(consoleErrors, (line) => line.includes('/api/deliveries/events') || line.includes('ERR_FAILED'));
});

test('the delivery page follows worker retries to a dead letter live, then closes its stream', async ({ page }) => {
  // Every EventSource the page opens, to check at the end that none is left open.
  await page.addInitScript(() => {
    const sources: EventSource[] = [];
    (window as unknown as { __hookgateSources: EventSource[] }).__hookgateSources = sources;
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        sources.push(this);
      }
    };
  });
  const sent = await deliverGated('MessageNewEvent');
  expect(sent.kind).toBe('queued');
  await page.goto(`${server.url}/deliveries/${sent.deliveryId}`);
  await markDocument(page);
  const badge = page.locator('.page-header [data-status]');
  const attempts = page.getByRole('region', { name: 'Attempts' });
  await expect(badge).toHaveText('Queued');
  await expect(page.locator('.page-header [data-live-mode="stream"]')).toBeVisible();
  await expect(attempts).toContainText('Queued: no attempt yet');

  // Attempt 1 fails: retrying, with the failed attempt in the timeline.
  await started(sent.deliveryId, 1);
  release(sent.deliveryId, 1);
  await expect(badge).toHaveText('Retrying');
  await expect(attempts.locator('[data-attempt="1"]')).toContainText(/failed.*e2e listener refuses MessageNewEvent \(attempt 1\)/);
  await expect(page.getByTestId('outcome')).toContainText('Retrying after 1 attempt');
  // Attempt 2 (the last) fails: dead.
  await started(sent.deliveryId, 2);
  release(sent.deliveryId, 2);
  await expect(badge).toHaveText('Dead');
  await expect(attempts.locator('[data-attempt]')).toHaveCount(2);
  await expect(attempts.locator('[data-attempt="1"]')).toContainText('failed');
  await expect(attempts.locator('[data-attempt="2"]')).toContainText(/failed.*e2e listener refuses MessageNewEvent \(attempt 2\)/);
  await expect(page.getByTestId('answered')).toContainText('HTTP 202 queued');
  await expect(page.getByTestId('outcome')).toContainText('Dead after 2 attempts');
  expect(await sameDocument(page)).toBe(true);

  // Final: no indicator, and the stream is closed.
  await expect(page.locator('.page-header [data-live-mode]')).toHaveCount(0);
  const states = () => page.evaluate(() => (window as unknown as { __hookgateSources: EventSource[] }).__hookgateSources.map((source) => source.readyState));
  expect((await states()).length).toBeGreaterThan(0);
  await expect.poll(async () => (await states()).every((state) => state === 2 /* CLOSED */)).toBe(true);
});

test('the overview counts a new delivery and then its completion live', async ({ page }) => {
  // Not an empty store (whose overview has no totals yet), whatever ran before.
  const first = await deliverGated();
  release(first.deliveryId, 1);
  await expect.poll(runs).toContain(`end ${first.deliveryId} 1`);
  await page.goto(`${server.url}/`);
  const total = page.getByTestId('total-deliveries');
  const handled = page.getByTestId('total-handled');
  const [totalBefore, handledBefore] = [Number(await total.textContent()), Number(await handled.textContent())];
  await expect(page.locator('[data-live-mode="stream"]')).toBeVisible();
  await markDocument(page);
  const sent = await deliverGated();
  await expect(total).toHaveText(String(totalBefore + 1));
  await expect(handled).toHaveText(String(handledBefore));
  await started(sent.deliveryId, 1);
  release(sent.deliveryId, 1);
  await expect(handled).toHaveText(String(handledBefore + 1));
  expect(await sameDocument(page)).toBe(true);
});

test('SIGTERM: the server waits for the running listener to finish and be recorded before it exits', async () => {
  const sent = await deliverGated();
  await started(sent.deliveryId, 1);
  const stopping = stopDashboard(server);
  // `next start` alone exits within a few hundred ms of SIGTERM; the worker's drain holds it.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(server.child.exitCode, 'still draining while the listener runs').toBeNull();
  release(sent.deliveryId, 1);
  await stopping;
  await server.closed;
  expect(server.child.signalCode, 'exited by itself, not killed after the 5 s grace').toBeNull();
  expect(runs()).toContain(`end ${sent.deliveryId} 1`);
  expect(server.output()).toMatch(/worker \S+ stopped: every running job finished and was recorded/);
  const store = await openStore(`sqlite:${path.join(dataDir, 'hookgate.db')}`);
  try {
    expect((await store.get(sent.deliveryId))?.status).toBe('handled');
    expect((await store.inbox!.attempts(sent.deliveryId)).map((attempt) => [attempt.attempt, attempt.error])).toEqual([[1, null]]);
  } finally {
    await store.close();
  }
});
