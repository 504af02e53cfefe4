import { createHmac } from 'node:crypto';
import { fixtures as pylonFixtures, signPylon } from '@hookgate/provider-pylon';
import { E2E_SECRETS } from './support/env';
import { newMarker, send } from './support/send';
import { expect, test } from './support/test';

const header = (headers: Record<string, string>, name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? '';

test('the verification debugger explains clock skew, then a body a proxy re-formatted, without revealing a secret or digest', async ({ page, baseURL }) => {
  const marker = newMarker();
  const payload = { ...pylonFixtures.valid.IssueNewEvent, e2e_marker: marker };
  // 1. Signed correctly, but 1000 s before it arrives: the tolerance is 300 s.
  const late = signPylon({ payload, secret: E2E_SECRETS.pylon[0], timestamp: Math.floor(Date.now() / 1000) - 1000 });
  const stale = await send(baseURL!, 'pylon', late);
  expect([stale.status, stale.reason]).toEqual([401, 'timestamp_too_old']);

  await page.goto(`/deliveries/${stale.deliveryId}`);
  const debug = page.getByRole('region', { name: 'Why verification failed' });
  const findings = debug.getByTestId('diagnosis');
  // Without the (redacted) signature: the clock, in seconds against the tolerance.
  await expect(findings.locator('[data-code="signature_not_recorded"]')).toContainText('X-Pylon-Signature value was not recorded');
  await expect(findings.locator('[data-code="clock_skew"]')).toContainText(/timestamp is 100\d s older than the time it was received; the tolerance is 300 s/);
  // With the signature the sender sent: the signature itself is right, only the clock is off.
  await debug.getByLabel('X-Pylon-Signature as the sender sent it').fill(header(late.headers, 'x-pylon-signature'));
  // By keyboard: the button keeps the focus while the check runs and after (it is never disabled away).
  await debug.getByRole('button', { name: 'Check signature' }).focus();
  await page.keyboard.press('Enter');
  await expect(findings.locator('[data-code="clock_skew"]')).toContainText('The signature itself is correct (configured secret #0)');
  await expect(debug.getByRole('button', { name: 'Check signature' })).toBeFocused();
  await expect(findings.locator('[data-code="signature_not_recorded"]')).toHaveCount(0);

  // 2. Signed over compact JSON, delivered pretty-printed (a proxy rewrote the body).
  const compact = signPylon({ payload: { ...payload, issue_title: 'rewritten' }, secret: E2E_SECRETS.pylon[0] });
  const pretty = JSON.stringify(JSON.parse(compact.body), null, 2);
  const rewritten = await send(baseURL!, 'pylon', { headers: compact.headers, body: pretty });
  expect(rewritten.reason).toBe('signature_mismatch');
  await page.goto(`/deliveries/${rewritten.deliveryId}`);
  await debug.getByLabel('X-Pylon-Signature as the sender sent it').fill(header(compact.headers, 'x-pylon-signature'));
  await debug.getByRole('button', { name: 'Check signature' }).click();
  await expect(findings.locator('[data-code="reserialized_body"]')).toContainText('re-serialised as compact JSON');

  // Nothing on the page or in the API answer gives away a secret or the expected digest of the body as received.
  const expected = createHmac('sha256', E2E_SECRETS.pylon[0])
    .update(`${header(compact.headers, 'x-pylon-timestamp')}.${pretty}`)
    .digest('hex');
  const answer = await page.request.post(`/api/deliveries/${rewritten.deliveryId}/diagnosis`, {
    data: { signature: header(compact.headers, 'x-pylon-signature') },
  });
  expect(answer.status()).toBe(200);
  const shown = `${await page.content()}${await answer.text()}`;
  for (const secret of [...E2E_SECRETS.pylon, expected.slice(0, 8)]) expect(shown).not.toContain(secret);
});

test('the verification debugger finds a retired secret the user lists; the API refuses cross-site posts', async ({ page, baseURL }) => {
  const marker = newMarker();
  const retired = 'e2e-pylon-secret-retired';
  const signed = signPylon({ payload: { ...pylonFixtures.valid.IssueNewEvent, e2e_marker: marker }, secret: retired });
  const result = await send(baseURL!, 'pylon', signed);
  expect(result.reason).toBe('signature_mismatch');

  await page.goto(`/deliveries/${result.deliveryId}`);
  const debug = page.getByRole('region', { name: 'Why verification failed' });
  await debug.getByLabel('X-Pylon-Signature as the sender sent it').fill(header(signed.headers, 'x-pylon-signature'));
  await debug.getByRole('button', { name: 'Check signature' }).click();
  await expect(debug.locator('[data-code="no_match"]')).toContainText('None of the 2 configured secrets');
  await debug.getByLabel(/Retired secrets/).fill(`another-old-one\n${retired}`);
  await debug.getByRole('button', { name: 'Check signature' }).click();
  await expect(debug.locator('[data-code="retired_secret"]')).toContainText('matches retired secret #1');
  await expect(debug.getByTestId('diagnosis')).not.toContainText(retired);

  const crossSite = await fetch(`${baseURL}/api/deliveries/${result.deliveryId}/diagnosis`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    body: JSON.stringify({ retiredSecrets: [retired] }),
  });
  expect(crossSite.status).toBe(403);
});
