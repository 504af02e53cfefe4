/** One scenario's bookkeeping: what was sent, acknowledged and found in the store. */
export interface ScenarioSummary {
  scenario: string;
  requests: number;
  acked: number;
  stored: number;
  lost: number;
  /** Anything else worth a glance (status counts, seconds). */
  extra?: Record<string, unknown>;
}

/**
 * Prints the one summary line per scenario the issue asks for.
 *
 * @example
 * ```ts
 * printSummary({ scenario: 'load express+sqlite', requests: 9000, acked: 9000, stored: 9000, lost: 0 });
 * ```
 */
export function printSummary(summary: ScenarioSummary): void {
  const extra = summary.extra ? ` ${JSON.stringify(summary.extra)}` : '';
  // eslint-disable-next-line no-console
  console.log(`[reliability] ${summary.scenario}: requests=${summary.requests} acked=${summary.acked} stored=${summary.stored} lost=${summary.lost}${extra}`);
}
