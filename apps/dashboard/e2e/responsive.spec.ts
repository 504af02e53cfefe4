import type { Page } from '@playwright/test';
import { axeFindings, boxInsideWindow, sidewaysOverflow } from './support/layout';
import { E2E_TOKEN, serverUrl } from './support/env';
import { newMarker, pylonDelivery, pylonRawDelivery, send, webhooksBDelivery } from './support/send';
import { deliveryRows, expect, saveScreenshot, test } from './support/test';

// Phones (390 × 844, an iPhone 12–15 class screen) and dark mode: no sideways scrolling, the
// columns that matter on screen, thumb-sized targets, and axe clean in both colour schemes.

// axe on a long page takes a while on a busy machine; the checks themselves are not timed.
test.describe.configure({ timeout: 120_000 });

const marker = newMarker();
const sent: Record<'handled' | 'rejected' | 'unknown' | 'long', string> = { handled: '', rejected: '', unknown: '', long: '' };

test.beforeAll(async () => {
  const base = serverUrl('openUrl');
  sent.handled = (await send(base, 'pylon', pylonDelivery(marker, { event: 'IssueStateChangedEvent' }))).deliveryId;
  sent.rejected = (await send(base, 'pylon', pylonDelivery(marker, { secret: 'tampered' }))).deliveryId;
  sent.unknown = (await send(base, 'pylon', pylonRawDelivery(`{"event_type":"issue_reaction","issue_id":"${marker}"}`))).deliveryId;
  // The longest names there are: the event and its variant must wrap inside a card, not widen it.
  sent.long = (await send(base, 'webhooks-b', webhooksBDelivery(marker, 'SystemMaintenanceNotificationEvent'))).deliveryId;
});

/** Every target in `selector` is at least 44 px tall and lies inside the window. */
async function expectThumbSized(page: Page, selector: string, atLeast: number): Promise<void> {
  const targets = page.locator(selector);
  const count = await targets.count();
  expect(count, `${selector} matched`).toBeGreaterThanOrEqual(atLeast);
  for (let index = 0; index < count; index += 1) {
    const box = await boxInsideWindow(page, targets.nth(index));
    expect(box.height, `${selector} #${index} height`).toBeGreaterThanOrEqual(44);
  }
}

/** The page body's background is dark (relative luminance well under that of mid grey). */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [r, g, b] = (getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g) ?? []).map(Number);
    const channel = (value = 0) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  });
}

test.describe('phone, 390 × 844', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('deliveries: rows are cards with event and status on screen, no sideways scroll, thumb-sized filters and nav', async ({ page }) => {
    await page.goto(`/deliveries?q=${marker}`);
    await expect(deliveryRows(page)).toHaveCount(4);
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const row of await deliveryRows(page).all()) {
      const event = await boxInsideWindow(page, row.locator('.cell-event a'));
      const status = await boxInsideWindow(page, row.locator('[data-status]'));
      await expect(row.locator('[data-status]')).toBeVisible();
      // A card: the status sits on the event's line, at its right.
      expect(status.x).toBeGreaterThan(event.x);
      expect(status.y).toBeLessThan(event.y + event.height);
      await boxInsideWindow(page, row.locator('.cell-received'));
    }
    // The column headers stay in the table for assistive technology, but take no room.
    expect((await page.locator('table.cards-on-phone thead').boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
    await expectThumbSized(page, 'form[role="search"] input, form[role="search"] select, form[role="search"] .button', 7);
    await expectThumbSized(page, 'nav[aria-label="Main"] a', 2);
    await expectThumbSized(page, '.cell-event a', 4);
    expect(await axeFindings(page)).toEqual([]);
    await saveScreenshot(page, 'phone-deliveries');

    // Filters work with a tap: choose a status, the list narrows.
    await page.getByLabel('Status').selectOption('rejected_signature');
    await expect(page).toHaveURL(/status=rejected_signature/);
    await expect(deliveryRows(page)).toHaveCount(1);
    expect(await sidewaysOverflow(page)).toBe(0);
  });

  test('overview: totals, charts and range tabs fit', async ({ page }) => {
    await page.goto('/');
    await expect(
      page
        .getByRole('img', { name: /Deliveries per hour by status/ })
        .locator('.recharts-bar-rectangle')
        .first(),
    ).toBeVisible();
    expect(await sidewaysOverflow(page)).toBe(0);
    await expectThumbSized(page, 'nav[aria-label="Time range"] a', 4);
    await boxInsideWindow(page, page.getByTestId('total-deliveries'));
    expect(await axeFindings(page)).toEqual([]);
    await saveScreenshot(page, 'phone-overview');
  });

  test('delivery detail: summary, headers and bodies fit', async ({ page }) => {
    // rejected: the verification debugger's form; handled: the attempts card and its Replay button.
    for (const [name, id] of [
      ['long', sent.long],
      ['unknown', sent.unknown],
      ['rejected', sent.rejected],
      ['handled', sent.handled],
    ] as const) {
      await page.goto(`/deliveries/${id}`);
      await expect(page.getByTestId('headers')).toBeVisible();
      expect(await sidewaysOverflow(page), name).toBe(0);
      if (name === 'rejected') await boxInsideWindow(page, page.getByRole('button', { name: 'Check signature' }));
      if (name === 'handled') await boxInsideWindow(page, page.getByRole('button', { name: 'Replay…' }));
      await boxInsideWindow(page, page.getByRole('heading', { level: 1 }));
      expect(await axeFindings(page)).toEqual([]);
      await saveScreenshot(page, `phone-detail-${name}`);
    }
  });

  test('signed in: Sign out is whole and thumb-sized, the nav wraps under the brand', async ({ page }) => {
    const base = serverUrl('tokenUrl');
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Dashboard token').fill(E2E_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    const signOut = await boxInsideWindow(page, page.getByRole('button', { name: 'Sign out' }));
    expect(signOut.height).toBeGreaterThanOrEqual(44);
    const brand = await boxInsideWindow(page, page.getByRole('link', { name: 'Hookgate' }).first());
    const deliveries = await boxInsideWindow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deliveries' }));
    expect(deliveries.y).toBeGreaterThanOrEqual(brand.y + brand.height - 1);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await axeFindings(page)).toEqual([]);
    await saveScreenshot(page, 'phone-signed-in');
  });

  test('dark mode on a phone', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`/deliveries?q=${marker}`);
    await expect(deliveryRows(page)).toHaveCount(4);
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await axeFindings(page)).toEqual([]);
    await saveScreenshot(page, 'phone-deliveries-dark');
  });
});

test.describe('dark mode (prefers-color-scheme: dark)', () => {
  test.beforeEach(async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
  });

  test('overview: dark surfaces, chart axes and legend readable, axe clean', async ({ page }) => {
    await page.goto('/');
    const chart = page.getByRole('img', { name: /Deliveries per hour by status/ });
    await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    // Axis labels and legend text take the theme's colours, not Recharts' light defaults.
    const tick = await chart
      .locator('.recharts-cartesian-axis-tick-value')
      .first()
      .evaluate((node) => getComputedStyle(node).fill);
    const legend = await page
      .locator('.recharts-legend-item-text span')
      .first()
      .evaluate((node) => getComputedStyle(node).color);
    const text = await page.locator('body').evaluate((node) => getComputedStyle(node).color);
    expect(tick).not.toBe('rgb(82, 92, 107)');
    expect(legend).toBe(text);
    expect(await axeFindings(page)).toEqual([]);
    await saveScreenshot(page, 'dark-overview');
  });

  test('deliveries and details: badges and tables, axe clean', async ({ page }) => {
    await page.goto(`/deliveries?q=${marker}`);
    await expect(deliveryRows(page)).toHaveCount(4);
    const badge = page.locator('[data-status="handled"]').first();
    expect(await badge.evaluate((node) => getComputedStyle(node).backgroundColor)).not.toBe('rgb(220, 252, 231)');
    expect(await axeFindings(page)).toEqual([]);
    await saveScreenshot(page, 'dark-deliveries');
    for (const [name, id] of [
      ['handled', sent.handled],
      ['rejected', sent.rejected],
    ] as const) {
      await page.goto(`/deliveries/${id}`);
      await expect(page.getByTestId('headers')).toBeVisible();
      expect(await axeFindings(page)).toEqual([]);
      await saveScreenshot(page, `dark-detail-${name}`);
    }
  });
});
