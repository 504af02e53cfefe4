// Stats buckets and the StatsResult every store assembles the same way.
import { DELIVERY_STATUSES, type DeliveryStatus, type StatsBucket, type StatsQuery, type StatsResult } from './delivery-store.js';
import { HookgateError } from './errors.js';
import { toIsoBound } from './list-query.js';

/**
 * Floors an epoch-ms time to the start of its UTC bucket.
 *
 * @example
 * ```ts
 * new Date(bucketStart(Date.parse('2026-01-01T10:42:13Z'), 'hour')).toISOString(); // '2026-01-01T10:00:00.000Z'
 * ```
 */
export function bucketStart(epochMs: number, bucket: StatsBucket): number {
  const size = STATS_BUCKET_MS[bucket];
  return Math.floor(epochMs / size) * size;
}

/**
 * Width of each {@link StatsBucket} in milliseconds (UTC buckets have no DST, so fixed widths are exact).
 *
 * @example
 * ```ts
 * STATS_BUCKET_MS.hour; // 3_600_000
 * ```
 */
export const STATS_BUCKET_MS: Readonly<Record<StatsBucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A {@link StatsQuery} with its bounds parsed. */
export interface NormalizedStatsQuery {
  bucket: StatsBucket;
  provider: string | undefined;
  from: string;
  to: string;
  /** Inclusive, epoch ms. */
  fromMs: number;
  /** Exclusive, epoch ms. */
  toMs: number;
}

/**
 * Parses a {@link StatsQuery}. Unlike list filters, stats bounds are required, so a bad one is a
 * caller bug: `HookgateError('invalid_config')`.
 *
 * @example
 * ```ts
 * normalizeStatsQuery({ from: '2026-01-01T00:00:00Z', to: new Date(), bucket: 'hour' }).fromMs; // 1767225600000
 * ```
 */
export function normalizeStatsQuery(query: StatsQuery): NormalizedStatsQuery {
  const from = toIsoBound(query.from);
  const to = toIsoBound(query.to);
  if (from === undefined || to === undefined) {
    throw new HookgateError('invalid_config', `stats(): 'from' and 'to' must be valid dates`);
  }
  if (!Object.hasOwn(STATS_BUCKET_MS, query.bucket)) {
    throw new HookgateError('invalid_config', `stats(): 'bucket' must be 'minute', 'hour' or 'day'`);
  }
  return { bucket: query.bucket, provider: query.provider || undefined, from, to, fromMs: Date.parse(from), toMs: Date.parse(to) };
}

/**
 * Assembles a {@link StatsResult} from grouped counts in a fixed order (bucket, provider,
 * status as in {@link DELIVERY_STATUSES}; reasons by count desc, then name), so every store
 * answers identically.
 *
 * @example
 * ```ts
 * buildStatsResult(normalizeStatsQuery(query), [{ bucketStart: 0, provider: 'pylon', status: 'handled', count: 2 }], []);
 * ```
 */
export function buildStatsResult(
  query: NormalizedStatsQuery,
  series: ReadonlyArray<{ bucketStart: number; provider: string; status: DeliveryStatus; count: number }>,
  reasons: ReadonlyArray<{ reason: string; count: number }>,
): StatsResult {
  const totals = { all: 0 } as StatsResult['totals'];
  for (const status of DELIVERY_STATUSES) totals[status] = 0;
  const rank = (status: DeliveryStatus): number => DELIVERY_STATUSES.indexOf(status);
  const sorted = [...series].sort((a, b) => a.bucketStart - b.bucketStart || compareText(a.provider, b.provider) || rank(a.status) - rank(b.status));
  for (const row of sorted) {
    totals.all += row.count;
    if (Object.hasOwn(totals, row.status)) totals[row.status] += row.count;
  }
  return {
    bucket: query.bucket,
    from: query.from,
    to: query.to,
    series: sorted.map((row) => ({
      bucketStart: new Date(row.bucketStart).toISOString(),
      provider: row.provider,
      status: row.status,
      count: row.count,
    })),
    reasons: [...reasons].sort((a, b) => b.count - a.count || compareText(a.reason, b.reason)).slice(0, 10),
    totals,
  };
}

/** Code-unit order, the order of SQLite's BINARY and PostgreSQL's "C" collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
