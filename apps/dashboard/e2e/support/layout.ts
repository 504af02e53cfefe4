import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';

/**
 * axe (WCAG 2.1 A/AA and best-practice rules) findings of impact serious or critical, as
 * readable lines; in dark mode this is where contrast failures show up.
 *
 * @example
 * ```ts
 * expect(await axeFindings(page)).toEqual([]);
 * ```
 */
export async function axeFindings(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/**
 * How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways).
 *
 * @example
 * ```ts
 * expect(await sidewaysOverflow(page)).toBe(0);
 * ```
 */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/**
 * The element's box, asserted to lie fully inside the window horizontally (not cut off).
 *
 * @example
 * ```ts
 * const box = await boxInsideWindow(page, page.getByRole('button', { name: 'Sign out' }));
 * ```
 */
export async function boxInsideWindow(page: Page, locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await locator.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  if (!box) throw new Error(`${String(locator)} has no box (not rendered)`);
  if (box.x < 0 || box.x + box.width > width + 0.5) throw new Error(`${String(locator)} spans x ${box.x}–${box.x + box.width}, outside 0–${width}`);
  return box;
}
