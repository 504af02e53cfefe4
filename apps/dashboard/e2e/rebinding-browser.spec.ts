import { serverUrl } from './support/env';
import { newMarker, pylonDelivery, send } from './support/send';
import { dropExpectedErrors, expect, test } from './support/test';

// Audit F1 in a real browser: Chromium resolves attacker.example to 127.0.0.1, as it would after
// DNS rebinding, and a page of http://attacker.example:<port> tries to read and replay
// deliveries of the `open` server (no token). Before the fix it got them all.

const ATTACKER = 'attacker.example';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${ATTACKER} 127.0.0.1`],
  },
});

test('the rebound page reads nothing and replays nothing', async ({ page, consoleErrors }) => {
  const base = serverUrl('openUrl');
  const port = new URL(base).port;
  const delivery = await send(base, 'pylon', pylonDelivery(newMarker()));

  const response = await page.goto(`http://${ATTACKER}:${port}/deliveries`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'This name does not reach the dashboard' })).toBeVisible();
  await expect(page.locator('body')).toContainText(`Refused Host "${ATTACKER}:${port}"`);
  // What the attacker's script would do next, from the rebound origin.
  const attempt = await page.evaluate(async (id) => {
    const list = await fetch('/api/deliveries?limit=100');
    const detail = await fetch(`/api/deliveries/${id}`);
    const replay = await fetch(`/api/deliveries/${id}/replay`, { method: 'POST' });
    return { origin: location.origin, list: list.status, detail: detail.status, replay: replay.status, body: await replay.json() };
  }, delivery.deliveryId);
  expect(attempt).toEqual({
    origin: `http://${ATTACKER}:${port}`,
    list: 403,
    detail: 403,
    replay: 403,
    body: expect.objectContaining({ error: 'host_not_allowed' }),
  });
  await dropExpectedErrors(consoleErrors, (line) => line.includes('status of 403'));

  // The same browser through localhost sees the dashboard.
  const own = await page.goto(`http://localhost:${port}/deliveries`);
  expect(own?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Deliveries', exact: true })).toBeVisible();
});
