import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signPylon, fixtures as pylonFixtures } from '@hookgate/provider-pylon';
import { registry } from '../lib/registry';
import { E2E_TOKEN, serverUrl } from './support/env';
import { expect, MISSING_DELIVERY_ID, saveScreenshot, test } from './support/test';

// The `token` server: HOOKGATE_DASHBOARD_TOKEN set, no secret variables. Serial: the first test
// sees its store still empty.
test.describe.configure({ mode: 'serial' });
test.use({ baseURL: async ({}, use) => use(serverUrl('tokenUrl')) });

test('the JSON API refuses requests without the token and accepts Bearer', async ({ request, baseURL }) => {
  const anonymous = await request.get(`${baseURL}/api/deliveries`);
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()['www-authenticate']).toContain('Bearer');
  const wrong = await request.get(`${baseURL}/api/deliveries`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
  expect(wrong.status()).toBe(401);
  const right = await request.get(`${baseURL}/api/deliveries`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } });
  expect(right.status()).toBe(200);
  expect(await right.json()).toEqual({ items: [], nextCursor: null });
  expect((await request.get(`${baseURL}/api/deliveries/${MISSING_DELIVERY_ID}`)).status()).toBe(401);
});

test('pages redirect to sign-in until the token is entered', async ({ page, context }) => {
  await page.goto('/deliveries?provider=pylon');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await expect(page.getByRole('heading', { name: 'Sign in to Hookgate' })).toBeVisible();
  await saveScreenshot(page, 'sign-in');

  await page.getByLabel('Dashboard token').fill('a-wrong-token-of-some-length');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'token' })).toHaveText('That token is not correct.');

  await page.getByLabel('Dashboard token').fill(E2E_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/deliveries\?provider=pylon$/);
  await expect(page.getByRole('heading', { name: 'Deliveries', exact: true })).toBeVisible();

  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: 'hookgate_session', httpOnly: true, sameSite: 'Strict' });
  expect(cookie!.value).not.toContain(E2E_TOKEN);
  // The browser's own fetch (what live updates use) carries the SameSite=Strict cookie.
  expect(await page.evaluate(async () => (await fetch('/api/deliveries')).status)).toBe(200);

  // Empty store: the overview tells the user what to run.
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'No deliveries yet' })).toBeVisible();
  await expect(page.getByText('pnpm demo')).toBeVisible();
  await saveScreenshot(page, 'overview-empty');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed-out=1/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('webhooks stay open and verify with the generated secrets file', async ({ request, baseURL }) => {
  const file = path.join(serverUrl('tokenDataDir'), 'secrets.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  // One generated secret per registered provider, under its secrets.json key.
  expect(Object.keys(secrets).sort()).toEqual(registry.providers.map((entry) => entry.secret.key).sort());
  expect(secrets.pylon![0]).toMatch(/^[0-9a-f]{64}$/);

  const signed = signPylon({ payload: pylonFixtures.valid.IssueNewEvent, secret: secrets.pylon![0]! });
  const response = await request.post(`${baseURL}/api/webhooks/pylon`, { headers: signed.headers, data: signed.body });
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, kind: 'handled' });

  const log = readFileSync(fileURLToPath(new URL('../test-results/server-token.log', import.meta.url)), 'utf8');
  expect(log).toContain(file);
  expect(log).not.toContain(secrets.pylon![0]!);
});
