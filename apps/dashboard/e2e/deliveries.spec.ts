import { deliveryRows, expect, test } from './support/test';
import { newMarker, pylonDelivery, send, webhooksBDelivery } from './support/send';

test('signed deliveries from both providers appear in the list', async ({ page, baseURL }) => {
  const marker = newMarker();
  const fromPylon = await send(baseURL!, 'pylon', pylonDelivery(marker, { event: 'IssueNewEvent' }));
  const fromB = await send(baseURL!, 'webhooks-b', webhooksBDelivery(marker, 'InventoryStockDepletedEvent'));
  expect([fromPylon.status, fromPylon.kind, fromB.status, fromB.kind]).toEqual([200, 'handled', 200, 'handled']);

  await page.goto(`/deliveries?q=${marker}`);
  await expect(deliveryRows(page)).toHaveCount(2);
  const pylonRow = page.locator(`tr[data-delivery-id="${fromPylon.deliveryId}"]`);
  await expect(pylonRow).toContainText('pylon');
  await expect(pylonRow).toContainText('IssueNewEvent');
  await expect(pylonRow.locator('[data-status]')).toHaveText('Handled');
  const bRow = page.locator(`tr[data-delivery-id="${fromB.deliveryId}"]`);
  await expect(bRow).toContainText('webhooks-b');
  await expect(bRow).toContainText('inventoryChangeEvent');
  await expect(bRow).toContainText('InventoryStockDepletedEvent');
});

test('filters and search narrow the list, and the URL keeps them', async ({ page, baseURL }) => {
  const marker = newMarker();
  const results = await Promise.all([
    send(baseURL!, 'pylon', pylonDelivery(marker, { event: 'IssueNewEvent' })),
    send(baseURL!, 'pylon', pylonDelivery(marker, { event: 'IssueAssignedEvent' })),
    send(baseURL!, 'pylon', pylonDelivery(marker, { event: 'MessageNewEvent', secret: 'not-the-secret' })),
    send(baseURL!, 'webhooks-b', webhooksBDelivery(marker, 'UserActionNotificationEvent')),
    send(baseURL!, 'webhooks-b', webhooksBDelivery(marker, 'SystemAlertNotificationEvent')),
  ]);
  expect(results.map((result) => result.status)).toEqual([200, 200, 401, 200, 200]);

  await page.goto('/deliveries');
  const filters = page.getByRole('search', { name: 'Filter deliveries' });
  await filters.getByLabel('Search', { exact: true }).fill(marker);
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`q=${marker}`));
  await expect(deliveryRows(page)).toHaveCount(5);

  await filters.getByLabel('Provider', { exact: true }).selectOption('webhooks-b');
  await expect(page).toHaveURL(/provider=webhooks-b/);
  await expect(deliveryRows(page)).toHaveCount(2);

  await filters.getByLabel('Provider', { exact: true }).selectOption('');
  await filters.getByLabel('Status', { exact: true }).selectOption('rejected_signature');
  await expect(page).toHaveURL(/status=rejected_signature/);
  await expect(deliveryRows(page)).toHaveCount(1);
  await expect(deliveryRows(page).first()).toContainText('signature_mismatch');

  await filters.getByLabel('Status', { exact: true }).selectOption('');
  await filters.getByLabel('Event', { exact: true }).fill('IssueAssignedEvent');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/event=IssueAssignedEvent/);
  await expect(deliveryRows(page)).toHaveCount(1);

  // The filter state lives in the URL: a reload (or a shared link) shows the same rows.
  await page.reload();
  await expect(deliveryRows(page)).toHaveCount(1);
  await expect(filters.getByLabel('Event', { exact: true })).toHaveValue('IssueAssignedEvent');

  await filters.getByLabel('Time', { exact: true }).selectOption('15m');
  await expect(page).toHaveURL(/range=15m/);
  await expect(deliveryRows(page)).toHaveCount(1);

  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page).toHaveURL(/\/deliveries$/);
});

test('keyset pagination reaches the last row', async ({ page, baseURL }) => {
  const marker = newMarker();
  const sent: string[] = [];
  // Sequential sends: distinct receive times, so the expected order is the send order reversed.
  for (let index = 0; index < 23; index++) {
    const result = await send(baseURL!, 'pylon', pylonDelivery(marker, { extra: { issue_number: 5000 + index } }));
    expect(result.status).toBe(200);
    sent.push(result.deliveryId);
  }

  await page.goto(`/deliveries?q=${marker}&limit=10`);
  const seen: string[] = [];
  for (const expected of [10, 10, 3]) {
    await expect(deliveryRows(page)).toHaveCount(expected);
    seen.push(...(await deliveryRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-delivery-id')!))));
    if (expected === 3) break;
    await page.getByRole('link', { name: 'Older →' }).click();
    await expect(page).toHaveURL(/cursor=/);
  }
  await expect(page.getByText('You have reached the oldest delivery.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Older →' })).toHaveCount(0);
  expect(seen).toEqual([...sent].reverse());

  await page.getByRole('link', { name: '← Newest' }).click();
  await expect(deliveryRows(page).first()).toHaveAttribute('data-delivery-id', sent.at(-1)!);
});

test('a new delivery appears without a reload', async ({ page, baseURL }) => {
  const marker = newMarker();
  // A filtered view counts new rows and loads them on click.
  await page.goto(`/deliveries?q=${marker}`);
  await expect(page.getByText('No deliveries match these filters')).toBeVisible();
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const first = await send(baseURL!, 'pylon', pylonDelivery(marker));
  const indicator = page.getByTestId('new-deliveries');
  await expect(indicator).toHaveText(/1 new delivery/);
  await indicator.click();
  await expect(page.locator(`tr[data-delivery-id="${first.deliveryId}"]`)).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  // The unfiltered first page appends new rows by itself.
  await page.goto('/deliveries');
  await expect(page.getByRole('status')).toContainText('Live');
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const second = await send(baseURL!, 'webhooks-b', webhooksBDelivery(marker, 'InventoryStockIncreaseEvent'));
  await expect(deliveryRows(page).first()).toHaveAttribute('data-delivery-id', second.deliveryId);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});

test('searching for a delivery’s own id offers that delivery at once, however far back it is', async ({ page, baseURL }) => {
  const sent = await send(baseURL!, 'pylon', pylonDelivery(newMarker(), { event: 'IssueNewEvent' }));
  await page.goto(`/deliveries?q=${sent.deliveryId}`);
  const notice = page.getByTestId('exact-delivery');
  await expect(notice).toContainText(`${sent.deliveryId} is the id of a delivery (pylon, IssueNewEvent)`);
  await notice.getByRole('link', { name: 'open it →' }).click();
  await expect(page).toHaveURL(new RegExp(`/deliveries/${sent.deliveryId}$`));
  // A UUID that is no delivery's id: no notice, the search runs as usual.
  await page.goto('/deliveries?q=00000000-0000-7000-8000-000000000000');
  await expect(page.getByTestId('exact-delivery')).toHaveCount(0);
});
