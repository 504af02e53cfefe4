import { newMarker, pylonDelivery, send } from './support/send';
import { dropExpectedErrors, expect, test } from './support/test';

test('server-sent events announce a new delivery; the list learns of it through the stream', async ({ page, baseURL }) => {
  // The stream itself: an event with the new delivery's id arrives after it is recorded.
  const controller = new AbortController();
  const response = await fetch(`${baseURL}/api/deliveries/events`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  const sent = await send(baseURL!, 'pylon', pylonDelivery(newMarker()));
  let text = '';
  const decoder = new TextDecoder();
  while (!text.includes(sent.deliveryId)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  controller.abort();
  expect(text).toContain('retry: 2000');
  expect(text).toMatch(new RegExp(`event: delivery\\ndata: \\{"receivedAt":"[^"]+","id":"${sent.deliveryId}"\\}`));

  // The page: connected to the stream, a filtered view counts the new row.
  const marker = newMarker();
  await page.goto(`/deliveries?q=${marker}`);
  await expect(page.locator('[data-live-mode="stream"]')).toBeVisible();
  await send(baseURL!, 'pylon', pylonDelivery(marker));
  await expect(page.getByTestId('new-deliveries')).toHaveText(/1 new delivery/);
});

test('when the stream is unavailable the list falls back to polling', async ({ page, baseURL, consoleErrors }) => {
  await page.route('**/api/deliveries/events', (route) => route.abort());
  const marker = newMarker();
  await page.goto(`/deliveries?q=${marker}`);
  await expect(page.locator('[data-live-mode="polling"]')).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Live (polling)');
  await send(baseURL!, 'pylon', pylonDelivery(marker));
  await expect(page.getByTestId('new-deliveries')).toHaveText(/1 new delivery/);
  await dropExpectedErrors(consoleErrors, (line) => line.includes('/api/deliveries/events') || line.includes('ERR_FAILED'));
});
