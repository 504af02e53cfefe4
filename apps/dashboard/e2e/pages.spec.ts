import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, MISSING_DELIVERY_ID, saveScreenshot, test } from './support/test';
import { newMarker, pylonDelivery, pylonRawDelivery, send, webhooksBDelivery } from './support/send';

/** axe (WCAG 2.1 A/AA rules) findings of impact serious or critical, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test.beforeAll(async () => {
  // A mix like `pnpm demo` sends, so every chart and table has something to draw.
  const base = process.env.HOOKGATE_E2E_OPEN_URL!;
  const marker = newMarker();
  await send(base, 'pylon', pylonDelivery(marker, { event: 'IssueStateChangedEvent' }));
  await send(base, 'pylon', pylonDelivery(marker, { secret: 'tampered' }));
  await send(base, 'pylon', pylonRawDelivery('{"event_type":"issue_reaction","issue_id":"i_1"}'));
  await send(base, 'webhooks-b', webhooksBDelivery(marker, 'SystemMaintenanceNotificationEvent'));
});

test('overview: totals, charts and reasons, accessible', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('total-deliveries')).not.toHaveText('0');
  await expect(
    page
      .getByRole('img', { name: /Deliveries per hour by status/ })
      .locator('.recharts-bar-rectangle')
      .first(),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Top rejection reasons' })).toContainText('signature_mismatch');
  await page.getByRole('link', { name: '1 hour' }).click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByRole('img', { name: /Deliveries per minute by status/ })).toBeVisible();
  await page.getByRole('link', { name: '24 hours' }).click();
  await expect(
    page
      .getByRole('img', { name: /Deliveries per hour by status/ })
      .locator('.recharts-bar-rectangle')
      .first(),
  ).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreenshot(page, 'overview');
});

test('deliveries list: accessible, keyboard reachable', async ({ page }) => {
  await page.goto('/deliveries');
  await expect(page.locator('tbody tr').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreenshot(page, 'deliveries');
  // The skip link is the first stop and lands on the main content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('delivery detail pages: accessible', async ({ page, baseURL }) => {
  const handled = await send(baseURL!, 'webhooks-b', webhooksBDelivery(newMarker(), 'UserStatusNotificationEvent'));
  await page.goto(`/deliveries/${handled.deliveryId}`);
  await expect(page.getByTestId('payload')).toContainText('userStatusNotificationEventType');
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreenshot(page, 'delivery-detail');

  const rejected = await send(baseURL!, 'pylon', pylonDelivery(newMarker(), { secret: 'forged' }));
  await page.goto(`/deliveries/${rejected.deliveryId}`);
  await expect(page.getByTestId('reason')).toHaveText('signature_mismatch');
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreenshot(page, 'delivery-rejected');
});

test('empty results and unknown pages say what to do', async ({ page }) => {
  await page.goto(`/deliveries?q=${newMarker()}&status=handler_error`);
  await expect(page.getByRole('heading', { name: 'No deliveries match these filters' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await saveScreenshot(page, 'deliveries-no-match');

  const response = await page.goto(`/deliveries/${MISSING_DELIVERY_ID}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
});
