// Epoch milliseconds as the ISO 8601 text every store keeps, without Date's slow formatter per call.

/** Last instant `toISOString()` can write as `YYYY-MM-DDTHH:mm:ss.sssZ` (a four-digit year). */
const FOUR_DIGIT_YEAR_END = Date.UTC(10000, 0, 1);
/** `000Z` … `999Z`: the milliseconds and zone suffix for each millisecond of a second. */
const MILLIS_SUFFIX = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()` (`2026-12-02T05:40:01.123Z`), from a per-second cache: formatting
 * a `Date` costs ~1 µs on Node 20, paid once per second here instead of once per delivery.
 * Instants outside years 0000–9999 and fractional milliseconds are handed to `toISOString()`
 * itself, so the text is always exactly what it writes (and `NaN` throws its `RangeError`).
 *
 * @example
 * ```ts
 * isoTime(Date.UTC(2026, 11, 2, 5, 40, 1, 123)); // '2026-12-02T05:40:01.123Z'
 * ```
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= FOUR_DIGIT_YEAR_END) return new Date(ms).toISOString();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    // `YYYY-MM-DDTHH:mm:ss.`: the first 20 characters of the four-digit-year form.
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    cachedSecond = second;
  }
  return cachedPrefix + MILLIS_SUFFIX[ms - second * 1000]!;
}
