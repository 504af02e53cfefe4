import { bucketStart, DELIVERY_STATUSES, STATS_BUCKET_MS, type StatsBucket, type StatsResult } from '@hookgate/core';
import type { SeriesPoint } from '../components/time-series-chart';
import { STATUS_INFO } from './status';

/** Overview windows and the bucket width each is drawn with. */
export const OVERVIEW_RANGES = {
  '1h': { label: '1 hour', ms: 60 * 60_000, bucket: 'minute' },
  '24h': { label: '24 hours', ms: 24 * 60 * 60_000, bucket: 'hour' },
  '7d': { label: '7 days', ms: 7 * 24 * 60 * 60_000, bucket: 'day' },
  '30d': { label: '30 days', ms: 30 * 24 * 60 * 60_000, bucket: 'day' },
} as const satisfies Record<string, { label: string; ms: number; bucket: StatsBucket }>;

/** A key of {@link OVERVIEW_RANGES}. */
export type OverviewRange = keyof typeof OVERVIEW_RANGES;

/** The three chart series sets of the overview, one point per bucket (empty buckets are zeros). */
export interface OverviewSeries {
  byStatus: SeriesPoint[];
  byProvider: SeriesPoint[];
  failuresByProvider: SeriesPoint[];
  providers: string[];
}

/**
 * Turns `store.stats()` rows into chart points, filling empty buckets with zeros so the time
 * axis is continuous.
 *
 * @example
 * ```ts
 * const { byStatus } = buildOverviewSeries(await store.stats({ from, to, bucket: 'hour' }), PROVIDER_IDS);
 * ```
 */
export function buildOverviewSeries(stats: StatsResult, knownProviders: readonly string[]): OverviewSeries {
  const size = STATS_BUCKET_MS[stats.bucket];
  const first = bucketStart(Date.parse(stats.from), stats.bucket);
  const end = Date.parse(stats.to);
  const providers = [...new Set([...knownProviders, ...stats.series.map((row) => row.provider)])];
  const blank = (keys: readonly string[]) => (t: number) => Object.fromEntries([['t', t], ...keys.map((key) => [key, 0])]) as SeriesPoint;
  const byStatus = new Map<number, SeriesPoint>();
  const byProvider = new Map<number, SeriesPoint>();
  const failures = new Map<number, SeriesPoint>();
  for (let t = first; t < end; t += size) {
    byStatus.set(t, blank(DELIVERY_STATUSES)(t));
    byProvider.set(t, blank(providers)(t));
    failures.set(t, blank(providers)(t));
  }
  for (const row of stats.series) {
    const t = Date.parse(row.bucketStart);
    const statusPoint = byStatus.get(t);
    if (!statusPoint) continue;
    statusPoint[row.status] = (statusPoint[row.status] ?? 0) + row.count;
    byProvider.get(t)![row.provider] = (byProvider.get(t)![row.provider] ?? 0) + row.count;
    if (STATUS_INFO[row.status]?.failure) failures.get(t)![row.provider] = (failures.get(t)![row.provider] ?? 0) + row.count;
  }
  return { byStatus: [...byStatus.values()], byProvider: [...byProvider.values()], failuresByProvider: [...failures.values()], providers };
}
