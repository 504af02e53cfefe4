import { newMarker, pylonDelivery, send } from './support/send';
import { expect, test } from './support/test';

test('replay: every delivery matching the filter after a confirmation with the count, then one delivery; attempts recorded with who asked', async ({
  page,
  baseURL,
}) => {
  const marker = newMarker();
  const first = await send(baseURL!, 'pylon', pylonDelivery(marker, { event: 'IssueNewEvent' }));
  const second = await send(baseURL!, 'pylon', pylonDelivery(marker, { event: 'MessageNewEvent' }));
  const rejected = await send(baseURL!, 'pylon', pylonDelivery(marker, { secret: 'not-the-secret' }));
  expect([first.kind, second.kind, rejected.kind]).toEqual(['handled', 'handled', 'rejected_signature']);

  await page.goto(`/deliveries?q=${marker}`);
  const matching = page.getByTestId('replay-matching');
  await matching.getByRole('button', { name: 'Replay matching…' }).click();
  // The rejected one is not replayable: the count says 2.
  await expect(matching).toContainText('Replay 2 deliveries matching these filters?');
  await matching.getByRole('button', { name: 'Replay 2 deliveries' }).click();
  await expect(matching.getByTestId('replay-result')).toHaveText('Replayed 2 deliveries.');

  await page.goto(`/deliveries/${first.deliveryId}`);
  const attempts = page.getByRole('region', { name: 'Attempts' });
  await expect(attempts.locator('[data-attempt="2"]')).toContainText(/succeeded.*replay asked by dashboard \(loopback 127\.0\.0\.1\)/);
  await attempts.getByRole('button', { name: 'Replay…' }).click();
  await attempts.getByRole('button', { name: 'Replay now' }).click();
  await expect(attempts.getByTestId('replay-result')).toHaveText('Replayed as attempt #3: handled.');
  await expect(attempts.locator('[data-attempt="3"]')).toContainText('replay asked by dashboard');

  // A rejected delivery has no replay button and the API refuses it; cross-site posts are refused;
  // a batch larger than the count confirmed is refused.
  await page.goto(`/deliveries/${rejected.deliveryId}`);
  await expect(page.getByRole('button', { name: 'Replay…' })).toHaveCount(0);
  expect((await page.request.post(`/api/deliveries/${rejected.deliveryId}/replay`)).status()).toBe(409);
  const crossSite = await fetch(`${baseURL}/api/deliveries/${first.deliveryId}/replay`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
  });
  expect(crossSite.status).toBe(403);
  const tooMany = await page.request.post('/api/deliveries/replay', { data: { query: `q=${marker}`, expected: 1 } });
  expect(tooMany.status()).toBe(409);
  expect((await tooMany.json()).error).toBe('count_changed');
});

test('replay controls move the keyboard focus with each step (WCAG 2.4.3)', async ({ page, baseURL }) => {
  const delivery = await send(baseURL!, 'pylon', pylonDelivery(newMarker()));
  await page.goto(`/deliveries/${delivery.deliveryId}`);
  const attempts = page.getByRole('region', { name: 'Attempts' });
  const start = attempts.getByRole('button', { name: 'Replay…' });
  await start.focus();
  await page.keyboard.press('Enter');
  await expect(attempts.getByRole('button', { name: 'Replay now' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(attempts.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(start).toBeFocused();
  await page.keyboard.press('Enter');
  await attempts.getByRole('button', { name: 'Replay now' }).press('Enter');
  await expect(attempts.getByTestId('replay-result')).toHaveText('Replayed as attempt #2: handled.');
  await expect(start).toBeFocused();
});
