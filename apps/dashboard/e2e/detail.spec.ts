import { fixtures as pylonFixtures } from '@hookgate/provider-pylon';
import { expect, MISSING_DELIVERY_ID, test } from './support/test';
import { newMarker, pylonDelivery, pylonRawDelivery, send } from './support/send';

test('the detail page shows the parsed payload, the matching secret and a redacted signature', async ({ page, baseURL }) => {
  const marker = newMarker();
  // Signed with the older of the two configured secrets (rotation): secret #1.
  const signed = pylonDelivery(marker, { event: 'IssueAssignedEvent', secretIndex: 1 });
  const result = await send(baseURL!, 'pylon', signed);
  expect(result.kind).toBe('handled');

  await page.goto(`/deliveries?q=${marker}`);
  await page.getByRole('link', { name: 'IssueAssignedEvent' }).click();
  await expect(page).toHaveURL(new RegExp(`/deliveries/${result.deliveryId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('IssueAssignedEvent');
  await expect(page.getByTestId('verification')).toContainText('Verified with secret #1');

  // Parsed payload: the schema's normalised field sits beside the original one.
  const payload = page.getByTestId('payload');
  await expect(payload).toContainText(`"e2e_marker": "${marker}"`);
  await expect(payload).toContainText(`"assignee_id": "${pylonFixtures.valid.IssueAssignedEvent.issue_assignee_id}"`);

  const signatureRow = page.getByTestId('headers').getByRole('row').filter({ hasText: 'x-pylon-signature' });
  await expect(signatureRow).toContainText('[redacted]');
  const header = (name: string) => Object.entries(signed.headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
  expect(header('x-pylon-signature')).toMatch(/^[0-9a-f]{64}$/);
  const html = await page.content();
  expect(html).not.toContain(header('x-pylon-signature'));
  expect(html).toContain(header('x-pylon-timestamp'));

  const api = await page.request.get(`/api/deliveries/${result.deliveryId}`);
  expect(api.status()).toBe(200);
  const delivery = await api.json();
  expect(delivery).toMatchObject({ id: result.deliveryId, status: 'handled', secretIndex: 1, event: 'IssueAssignedEvent' });
  expect(delivery.headers['x-pylon-signature']).toBe('[redacted]');
});

test('a rejected delivery shows its reason in the list and on its page', async ({ page, baseURL }) => {
  const marker = newMarker();
  const rejected = await send(baseURL!, 'pylon', pylonDelivery(marker, { secret: 'a-forged-secret' }));
  expect([rejected.status, rejected.kind, rejected.reason]).toEqual([401, 'rejected_signature', 'signature_mismatch']);
  const invalid = await send(baseURL!, 'pylon', pylonRawDelivery(JSON.stringify({ event_type: 'issue_new', issue_id: marker })));
  expect([invalid.status, invalid.reason]).toEqual([400, 'schema_mismatch']);

  await page.goto(`/deliveries?q=${marker}`);
  const rejectedRow = page.locator(`tr[data-delivery-id="${rejected.deliveryId}"]`);
  await expect(rejectedRow.locator('[data-status]')).toHaveText('Rejected');
  await expect(rejectedRow).toContainText('signature_mismatch');
  await expect(page.locator(`tr[data-delivery-id="${invalid.deliveryId}"]`)).toContainText('schema_mismatch');

  await rejectedRow.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unverified delivery');
  await expect(page.getByTestId('verification')).toContainText('Rejected — signature_mismatch');
  await expect(page.getByTestId('reason')).toHaveText('signature_mismatch');
  await expect(page.getByTestId('payload')).toContainText('only parsed after the signature verifies');
});

test('a duplicate links to the first delivery, which lists it', async ({ page, baseURL }) => {
  const signed = pylonDelivery(newMarker(), { event: 'MessageNewEvent' });
  const first = await send(baseURL!, 'pylon', signed);
  const again = await send(baseURL!, 'pylon', signed);
  expect([first.kind, again.kind]).toEqual(['handled', 'duplicate']);

  await page.goto(`/deliveries/${again.deliveryId}`);
  await page.getByRole('link', { name: first.deliveryId }).click();
  await expect(page).toHaveURL(new RegExp(`/deliveries/${first.deliveryId}$`));
  await expect(page.getByRole('region', { name: 'Duplicates' }).getByRole('link', { name: again.deliveryId })).toBeVisible();
});

test('the JSON API filters, pages and validates', async ({ request, baseURL }) => {
  const marker = newMarker();
  for (let index = 0; index < 3; index++) await send(baseURL!, 'pylon', pylonDelivery(marker, { extra: { issue_number: index } }));
  await send(baseURL!, 'pylon', pylonDelivery(marker, { secret: 'wrong' }));

  const page1 = await (await request.get(`${baseURL}/api/deliveries?q=${marker}&status=handled&provider=pylon&limit=2`)).json();
  expect(page1.items).toHaveLength(2);
  expect(page1.items.every((item: { status: string }) => item.status === 'handled')).toBe(true);
  expect(page1.nextCursor).toEqual(expect.any(String));
  const page2 = await (await request.get(`${baseURL}/api/deliveries?q=${marker}&status=handled&provider=pylon&limit=2&cursor=${page1.nextCursor}`)).json();
  expect(page2).toMatchObject({ items: [expect.objectContaining({ status: 'handled' })], nextCursor: null });

  const both = await (await request.get(`${baseURL}/api/deliveries?q=${marker}&status=handled,rejected_signature`)).json();
  expect(both.items).toHaveLength(4);
  // fields=summary: the same items without headers, body and payload.
  const summaries = await (await request.get(`${baseURL}/api/deliveries?q=${marker}&status=handled,rejected_signature&fields=summary`)).json();
  const strip = ({ headers: _headers, body: _body, payload: _payload, ...rest }: Record<string, unknown>) => rest;
  expect(summaries).toEqual({ items: both.items.map(strip), nextCursor: both.nextCursor });
  expect(both.items[0]).toHaveProperty('body');
  expect(summaries.items[0]).not.toHaveProperty('body');
  const badFields = await request.get(`${baseURL}/api/deliveries?fields=bodies`);
  expect(badFields.status()).toBe(400);
  expect((await badFields.json()).issues).toEqual(['fields: must be all or summary']);

  const bad = await request.get(`${baseURL}/api/deliveries?status=lost&limit=0`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).issues).toHaveLength(2);
  expect((await bad.json()).issues).toContain('limit: must be from 1 to 500');
  // A cursor the store cannot read is refused, not answered with the newest page.
  const garbage = await request.get(`${baseURL}/api/deliveries?cursor=garbage`);
  expect(garbage.status()).toBe(400);
  expect((await garbage.json()).issues).toEqual([expect.stringMatching(/^cursor: is not a position in this list/)]);
  expect((await request.get(`${baseURL}/api/deliveries/${MISSING_DELIVERY_ID}`)).status()).toBe(404);
  expect((await request.get(`${baseURL}/api/deliveries/not-an-id`)).status()).toBe(404);
});

test('the loopback rule uses the socket address, not headers a client can forge', async ({ request, baseURL }) => {
  const forged = { 'x-hookgate-peer-address': '203.0.113.9', 'x-forwarded-for': '203.0.113.9' };
  // From loopback with forged "remote" headers: still served, so the server's own stamp won.
  expect((await request.get(`${baseURL}/api/deliveries?limit=1`, { headers: forged })).status()).toBe(200);

  const signed = pylonDelivery(newMarker());
  const result = await send(baseURL!, 'pylon', { ...signed, headers: { ...signed.headers, ...forged } });
  const delivery = await (await request.get(`${baseURL}/api/deliveries/${result.deliveryId}`)).json();
  // Only what the sender sent is recorded (issue 17), and never its forged copy of our own stamp.
  expect(delivery.headers['x-hookgate-peer-address']).toBeUndefined();
  expect(delivery.headers['x-forwarded-for']).toBe('203.0.113.9');

  const get = await request.get(`${baseURL}/api/webhooks/pylon`);
  expect([get.status(), get.headers().allow]).toEqual([405, 'POST']);
});

test('invisible formatting characters in a body are shown as escapes, not applied; each region has its own name', async ({ page, baseURL }) => {
  const marker = newMarker();
  // A right-to-left override would display "a\u202Eevil.exe" as "aexe.live" and reorder what follows.
  const result = await send(baseURL!, 'pylon', pylonDelivery(marker, { extra: { attachment: 'a\u202eevil.exe\u202c', note: 'zero\u200bwidth' } }));
  expect(result.kind).toBe('handled');
  await page.goto(`/deliveries/${result.deliveryId}`);
  const raw = page.getByRole('region', { name: 'raw body text', exact: true });
  for (const region of [raw, page.getByRole('region', { name: 'parsed payload text', exact: true })]) {
    await expect(region).toContainText('a\\u202eevil.exe\\u202c');
    await expect(region).toContainText('zero\\u200bwidth');
    expect(await region.textContent()).not.toMatch(/[\u202e\u202c\u200b]/);
  }
  // The card and the text inside it are two regions with two names (axe landmark-unique).
  await expect(page.getByRole('region', { name: 'Raw body', exact: true })).toHaveCount(1);
  await expect(raw).toHaveCount(1);
});

test('sender-chosen names and messages: invisible formatting characters shown as escapes, length bounded, in the list and on the detail page', async ({
  page,
  baseURL,
}) => {
  const marker = newMarker();
  // An unknown type that would read "issue_new" with its right-to-left override applied.
  const disguised = await send(baseURL!, 'pylon', pylonRawDelivery(JSON.stringify({ event_type: 'issue_\u202ewen', e2e_marker: marker })));
  expect(disguised.kind).toBe('unknown_event');
  const long = await send(baseURL!, 'pylon', pylonRawDelivery(JSON.stringify({ event_type: `x${'A'.repeat(20_000)}`, e2e_marker: marker })));
  expect(long.kind).toBe('unknown_event');

  await page.goto(`/deliveries?q=${marker}`);
  const row = page.locator(`tr[data-delivery-id="${disguised.deliveryId}"]`);
  await expect(row.locator('.reason-message')).toContainText('unknown event type "issue_\\u202ewen"');
  expect(await row.textContent()).not.toContain('\u202e');
  expect(await row.locator('.reason-message').getAttribute('title')).toBe('unknown event type "issue_\\u202ewen"');
  const longRow = page.locator(`tr[data-delivery-id="${long.deliveryId}"]`);
  expect((await longRow.locator('.reason-message').textContent())!.length).toBeLessThanOrEqual(300);

  await page.goto(`/deliveries/${disguised.deliveryId}`);
  await expect(page.getByTestId('message')).toContainText('issue_\\u202ewen');
  expect(await page.getByTestId('message').textContent()).not.toContain('\u202e');
  await page.goto(`/deliveries/${long.deliveryId}`);
  // Core keeps at most 1,000 characters of a message; the page shows what was kept.
  const message = (await page.getByTestId('message').textContent())!;
  expect(message.length).toBeLessThanOrEqual(1000);
  expect(message).toMatch(/^unknown event type "xA+…$/);
});
