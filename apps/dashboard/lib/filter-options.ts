// Plain data and helpers shared by server code and client components: type-only imports here,
// so client bundles never pull in @hookgate/core (which needs node:crypto).
import type { DeliveryStatus } from '@hookgate/core';

/** Time windows offered by the filters, ending now. */
export const TIME_RANGES = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 60 * 60_000 },
  '24h': { label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * 60 * 60_000 },
} as const;

/** A key of {@link TIME_RANGES}. */
export type TimeRange = keyof typeof TIME_RANGES;

/** Page sizes the deliveries page offers. */
export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** Rows per page when the URL does not say. */
export const DEFAULT_PAGE_SIZE = 25;

/** The filter state of the deliveries list, as held in the URL. */
export interface DeliveryFilters {
  provider: string | undefined;
  statuses: DeliveryStatus[];
  event: string | undefined;
  q: string | undefined;
  range: TimeRange | undefined;
  /** Explicit bounds (ISO), used by the API and by links; `range` wins when both are given. */
  from: string | undefined;
  to: string | undefined;
  cursor: string | undefined;
  limit: number;
}

/**
 * True when any narrowing filter (not paging) is set.
 *
 * @example
 * ```ts
 * hasNarrowingFilters({ ...filters, provider: 'acme' }); // true
 * ```
 */
export function hasNarrowingFilters(filters: DeliveryFilters): boolean {
  return Boolean(filters.provider || filters.statuses.length || filters.event || filters.q || filters.range || filters.from || filters.to);
}

/**
 * Query string for a filter state with changes applied (`undefined` removes a key), for links
 * that keep the current filters. Defaults are left out so URLs stay short.
 *
 * @example
 * ```ts
 * filtersToQuery(filters, { cursor: page.nextCursor ?? undefined }, 25); // 'provider=acme&cursor=…'
 * ```
 */
export function filtersToQuery(filters: DeliveryFilters, changes: Partial<DeliveryFilters>, defaultLimit: number): string {
  const next = { ...filters, ...changes };
  const params = new URLSearchParams();
  if (next.provider) params.set('provider', next.provider);
  if (next.statuses.length) params.set('status', next.statuses.join(','));
  if (next.event) params.set('event', next.event);
  if (next.q) params.set('q', next.q);
  if (next.range) params.set('range', next.range);
  else {
    if (next.from) params.set('from', next.from);
    if (next.to) params.set('to', next.to);
  }
  if (next.limit !== defaultLimit) params.set('limit', String(next.limit));
  if (next.cursor) params.set('cursor', next.cursor);
  return params.toString();
}

/** A provider the filters offer, with the event and variant names its deliveries can carry. */
export interface ProviderOption {
  id: string;
  events: readonly string[];
}

/**
 * Event names to suggest in the event filter: those of the selected provider, else of all.
 *
 * @example
 * ```ts
 * suggestedEvents([{ id: 'acme', events: ['order.paid'] }], undefined); // ['order.paid']
 * ```
 */
export function suggestedEvents(providers: readonly ProviderOption[], selected: string | undefined): string[] {
  const chosen = providers.filter((provider) => selected === undefined || provider.id === selected);
  return [...new Set((chosen.length > 0 ? chosen : providers).flatMap((provider) => provider.events))];
}
