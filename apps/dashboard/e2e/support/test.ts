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
 * the browser logged no console error, threw no page error and reported no Content-Security-Policy
 * violation (`securitypolicyviolation` events, collected on every page the test opened).
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
      await page.exposeBinding('__hookgateCspViolation', (_source, text: string) => errors.push(`csp: ${text}`));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          const report = (window as unknown as { __hookgateCspViolation?: (text: string) => void }).__hookgateCspViolation;
          report?.(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} on ${event.documentURI}`);
        });
      });
      await use(errors);
      expect(errors, 'no console errors in the browser').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Removes the console lines a test provoked on purpose (a refused post, a 404 it asked for, a
 * CSP violation it injected) from the fixture's list, after checking at least one arrived; every
 * other line still fails the test.
 *
 * @example
 * ```ts
 * await dropExpectedErrors(consoleErrors, (line) => line.includes('status of 404'));
 * ```
 */
export async function dropExpectedErrors(errors: string[], expected: (line: string) => boolean): Promise<void> {
  await expect.poll(() => errors.some(expected), { message: 'the expected console line arrived' }).toBe(true);
  errors.splice(0, errors.length, ...errors.filter((line) => !expected(line)));
}

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
