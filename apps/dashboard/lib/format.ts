/**
 * A duration for tables: `0.42 ms`, `12 ms`, `1.3 s`.
 *
 * @example
 * ```ts
 * formatDuration(1300); // '1.3 s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Thousands separators, fixed locale so server and browser agree.
 *
 * @example
 * ```ts
 * formatCount(12345); // '12,345'
 * ```
 */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
