import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sampleKit } from '@hookgate/cli';
import { eventNames } from '@hookgate/config';
import { registry } from '../lib/registry';
import { E2E_SECRETS, serverUrl } from './support/env';
import { expect, test } from './support/test';

// The registry (hookgate.config.ts) is the only list of providers: whatever it holds, the real
// Next server must serve, record, list and offer each of them, with no dashboard change.

/** The `open` server's secret for a provider: the variable global setup set, else its generated secrets.json entry. */
function openSecret(entry: (typeof registry.providers)[number]): string {
  const fromEnv = (E2E_SECRETS as Readonly<Record<string, readonly string[]>>)[entry.id]?.[0];
  if (fromEnv) return fromEnv;
  const file = JSON.parse(readFileSync(path.join(serverUrl('openDataDir'), 'secrets.json'), 'utf8')) as Record<string, string[]>;
  return file[entry.secret.key]![0]!;
}

test('every registered provider: a signed delivery to /api/webhooks/<id> is handled and listed under its id', async ({ page, request, baseURL }) => {
  test.setTimeout(30_000 * registry.providers.length);
  expect(registry.providers.length).toBeGreaterThanOrEqual(2);
  for (const entry of registry.providers) {
    const kit = sampleKit(entry);
    const variant = kit.variants[0]!;
    const body = kit.uniqueBody(variant);
    const signed = kit.sign(body, openSecret(entry), Date.now(), variant);
    const response = await request.post(`${baseURL}/api/webhooks/${entry.id}`, { headers: signed.headers, data: signed.body });
    // 200, with Hookgate's JSON or the provider's own reply (Slack's url_verification challenge).
    expect([entry.id, response.status()]).toEqual([entry.id, 200]);

    // Found by the sample's unique marker, through the same search the page uses.
    const marker = (JSON.parse(body) as { sample_id: string }).sample_id;
    const listed = await (await request.get(`${baseURL}/api/deliveries?provider=${encodeURIComponent(entry.id)}&q=${marker}`)).json();
    expect(listed.items, entry.id).toHaveLength(1);
    expect(listed.items[0], entry.id).toMatchObject({ provider: entry.id, status: 'handled', variant });

    await page.goto(`/deliveries?provider=${encodeURIComponent(entry.id)}&q=${marker}`);
    const row = page.locator(`tr[data-delivery-id="${listed.items[0].id}"]`);
    await expect(row).toContainText(entry.id);
    await expect(row.locator('[data-status]')).toHaveText('Handled');
  }
});

test("the filters offer every registered provider and suggest the selected provider's events", async ({ page }) => {
  test.setTimeout(30_000 * registry.providers.length);
  await page.goto('/deliveries');
  const providerSelect = page.getByRole('search').getByLabel('Provider', { exact: true });
  const offered = await providerSelect.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  expect(offered).toEqual(['', ...registry.providers.map((entry) => entry.id)]);

  for (const entry of registry.providers) {
    await page.goto(`/deliveries?provider=${encodeURIComponent(entry.id)}`);
    const suggested = await page
      .getByRole('search')
      .locator('datalist option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(suggested, entry.id).toEqual(eventNames(entry));
  }
});

test('the overview charts a series per registered provider', async ({ page, request, baseURL }) => {
  // At least one delivery so the charts (not the empty state) render.
  const entry = registry.providers[0]!;
  const kit = sampleKit(entry);
  const signed = kit.sign(kit.uniqueBody(kit.variants[0]!), openSecret(entry), Date.now(), kit.variants[0]);
  await request.post(`${baseURL}/api/webhooks/${entry.id}`, { headers: signed.headers, data: signed.body });
  await page.goto('/');
  const main = page.getByRole('main');
  for (const { id } of registry.providers) await expect(main.getByText(id, { exact: true }).first()).toBeVisible();
});

test('an id the registry does not hold is answered 404 unknown_provider', async ({ request, baseURL }) => {
  const response = await request.post(`${baseURL}/api/webhooks/not-a-registered-provider`, { data: '{}' });
  expect(response.status()).toBe(404);
  expect(await response.json()).toMatchObject({ ok: false, kind: 'unknown_provider' });
});

test('a provider filter naming an id the registry does not hold says so, and the select shows that id', async ({ page }) => {
  await page.goto('/deliveries?provider=removed-provider');
  await expect(page.getByRole('status').filter({ hasText: 'removed-provider' })).toContainText('is not a provider in this gateway’s configuration');
  const providerSelect = page.getByRole('search').getByLabel('Provider', { exact: true });
  await expect(providerSelect).toHaveValue('removed-provider');
  await expect(providerSelect.locator('option:checked')).toHaveText('removed-provider (not configured)');
  // A registered id gets no such notice.
  await page.goto(`/deliveries?provider=${encodeURIComponent(registry.providers[0]!.id)}`);
  await expect(page.getByText('is not a provider in this gateway’s configuration')).toHaveCount(0);
});
