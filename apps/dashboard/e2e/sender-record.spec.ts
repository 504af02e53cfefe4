import { request as httpRequest } from 'node:http';
import type { Delivery } from '@hookgate/core';
import { serverUrl } from './support/env';
import { newMarker, pylonDelivery, pylonRawDelivery, send } from './support/send';
import { expect, test } from './support/test';

// What a delivery's record and detail page say must be what happened: the headers the sender
// sent (not those `next start` or our own stamps added), and no "not verified" on a delivery
// whose signature verified.

test.describe.configure({ timeout: 60_000 });

test.beforeAll(async () => {
  // Next.js runs instrumentation (which installs the sender stamp) on its first request; make
  // sure that has happened before the deliveries below.
  await fetch(`${serverUrl('openUrl')}/api/deliveries?limit=1`);
});

/** POSTs with node:http, which adds no header of its own when Host, Connection and Content-Length are given. */
function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Sends a signed Pylon delivery with exactly `extra` plus the headers every HTTP/1.1 client
 * sends, all given explicitly so node:http adds none of its own, and returns what was recorded
 * next to what went on the wire (lower-case names; the signature header as the store keeps it).
 */
async function deliverExactly(extra: Record<string, string>) {
  const base = serverUrl('openUrl');
  const signed = pylonDelivery(newMarker());
  const wire: Record<string, string> = {
    Host: new URL(base).host,
    Connection: 'close',
    'Content-Length': String(Buffer.byteLength(signed.body)),
    'User-Agent': 'pylon-webhooks/1.0',
    ...signed.headers,
    ...extra,
  };
  const answer = await post(`${base}/api/webhooks/pylon`, wire, signed.body);
  expect(answer.status, answer.body).toBe(200);
  const { deliveryId } = JSON.parse(answer.body) as { deliveryId: string };
  const recorded = (await (await fetch(`${base}/api/deliveries/${deliveryId}`)).json()) as Delivery;
  const expected = Object.fromEntries(
    Object.entries(wire).map(([name, value]) => [name.toLowerCase(), recorded.headers[name.toLowerCase()] === '[redacted]' ? '[redacted]' : value]),
  );
  return { deliveryId, recorded: recorded.headers, expected };
}

test("the record holds exactly the sender's headers: no x-forwarded-* from next start, no peer-address stamp", async ({ page }) => {
  const { deliveryId, recorded, expected } = await deliverExactly({});
  expect(recorded).toEqual(expected);
  expect(recorded['x-pylon-signature']).toBe('[redacted]');
  expect(Object.keys(recorded).filter((name) => name.startsWith('x-forwarded-') || name.startsWith('x-hookgate-'))).toEqual([]);

  // The detail page lists the same names, nothing more.
  await page.goto(`/deliveries/${deliveryId}`);
  const names = await page.getByTestId('headers').locator('tbody tr td:first-child').allTextContents();
  expect(names).toEqual(Object.keys(expected).sort());
});

test('x-forwarded-* a sender (or a proxy in front) really sent are kept; a sent peer-address header is not', async () => {
  const { recorded, expected } = await deliverExactly({ 'X-Forwarded-For': '198.51.100.7', 'X-Hookgate-Peer-Address': '203.0.113.66' });
  delete expected['x-hookgate-peer-address'];
  expect(recorded).toEqual(expected);
  expect(recorded['x-forwarded-for']).toBe('198.51.100.7');
});

test('a verified 202 unknown event says why it has no dedupe key, and that it verified', async ({ page, baseURL }) => {
  const unknown = await send(baseURL!, 'pylon', pylonRawDelivery(`{"event_type":"issue_reaction","issue_id":"${newMarker()}"}`));
  expect([unknown.status, unknown.kind]).toEqual([202, 'unknown_event']);
  await page.goto(`/deliveries/${unknown.deliveryId}`);
  await expect(page.getByTestId('verification')).toContainText('Verified with secret #0');
  await expect(page.getByTestId('dedupe-key')).toHaveText('none: no event was recognised, so there was nothing to deduplicate');
  await expect(page.locator('main')).not.toContainText('not verified');
  await expect(page.getByRole('region', { name: 'Duplicates' })).toContainText('No dedupe key (no event was recognised');

  const rejected = await send(baseURL!, 'pylon', pylonDelivery(newMarker(), { secret: 'forged' }));
  await page.goto(`/deliveries/${rejected.deliveryId}`);
  await expect(page.getByTestId('dedupe-key')).toHaveText('none: the signature did not verify, so nothing was deduplicated');

  // A handled delivery shows the key that was computed, and its copy links back to it.
  const signed = pylonDelivery(newMarker());
  const handled = await send(baseURL!, 'pylon', signed);
  const copy = await send(baseURL!, 'pylon', signed);
  expect(copy.kind).toBe('duplicate');
  const { dedupeKey } = (await (await fetch(`${baseURL}/api/deliveries/${handled.deliveryId}`)).json()) as Delivery;
  expect(dedupeKey).toBeTruthy();
  await page.goto(`/deliveries/${handled.deliveryId}`);
  await expect(page.getByTestId('dedupe-key')).toHaveText(dedupeKey!);
  await expect(page.getByRole('region', { name: 'Duplicates' }).getByRole('link', { name: copy.deliveryId })).toBeVisible();
});
