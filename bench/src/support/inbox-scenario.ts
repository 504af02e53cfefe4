// What the inbox reliability scenario's parent and worker processes agree on.

/**
 * The 5 % of deliveries whose listener fails its first run: issue numbers that are multiples of 20.
 *
 * @example
 * ```ts
 * failsFirstRun('iss-run1-40'); // true
 * ```
 */
export function failsFirstRun(issueId: string): boolean {
  const number = Number(/-(\d+)$/.exec(issueId)?.[1] ?? Number.NaN);
  return number % 20 === 0;
}

/** Every listener run, written by the workers before the listener does anything else. */
export const RUNS_TABLE_DDL =
  'create table reliability_runs (issue_id text not null, delivery_id text not null, attempt integer not null, pid integer not null, at timestamptz not null default now())';
