import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverUrl } from './env';

const screenshotDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results/screenshots');

/** A well-formed delivery id that no store holds, for "not found" checks. */
export const MISSING_DELIVERY_ID = '00000000-0000-7000-8000-000000000000';

/**
 * Playwright's `test` with the `open` server as `baseURL` and a check, after every test, that
 * the browser logged no console error and threw no page error.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  baseURL: async ({}, use) => use(serverUrl('openUrl')),
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // A test that opens the missing delivery on purpose gets the browser's own 404 line for it.
        if (message.text().includes('status of 404') && message.location().url.includes(MISSING_DELIVERY_ID)) return;
        errors.push(`console: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      await use(errors);
      expect(errors, 'no console errors in the browser').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Saves a full-page screenshot as `test-results/screenshots/<name>.png` (kept between runs,
 * unlike Playwright's own output folder).
 *
 * @example
 * ```ts
 * await saveScreenshot(page, 'deliveries');
 * ```
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * The rows of the deliveries table (one per delivery).
 *
 * @example
 * ```ts
 * await expect(deliveryRows(page)).toHaveCount(3);
 * ```
 */
export function deliveryRows(page: Page) {
  return page.locator('tbody tr[data-delivery-id]');
}
