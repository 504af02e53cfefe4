import { z } from 'zod';
import { DELIVERY_STATUSES, MAX_LIST_LIMIT, type DeliveryStatus, type ListQuery } from '@hookgate/core';
import { decodeCursor } from '@hookgate/core/store';
import { hasControlCharacter } from './control-characters';
import { TIME_RANGES, type DeliveryFilters, type TimeRange } from './filter-options';

/** Raw query parameters: `URLSearchParams` or Next's `searchParams` object. */
export type QueryInput = URLSearchParams | Record<string, string | string[] | undefined>;

// Control characters cannot be typed into a filter and PostgreSQL refuses NUL in text: refuse
// them here (400 / a notice on the page) instead of letting the store fail with 503.
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .refine((value) => !hasControlCharacter(value), { message: 'must not contain control characters (such as NUL)' });
const isoDate = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'must be an ISO 8601 date' });

const fieldSchemas = {
  provider: text(100),
  event: text(200),
  q: text(200),
  // A cursor the store cannot read would silently show the newest page under an "older page" label.
  cursor: text(500).refine((value) => decodeCursor(value) !== null, { message: 'is not a position in this list (use the Older/Newest links)' }),
  range: z.enum(Object.keys(TIME_RANGES) as [TimeRange, ...TimeRange[]], { message: `must be one of ${Object.keys(TIME_RANGES).join(', ')}` }),
  from: isoDate,
  to: isoDate,
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: `must be from 1 to ${MAX_LIST_LIMIT}` })
    .max(MAX_LIST_LIMIT, { message: `must be from 1 to ${MAX_LIST_LIMIT}` }),
};

/** Result of {@link parseDeliveryFilters}: the filters that were valid, and why others were not. */
export interface ParsedFilters {
  filters: DeliveryFilters;
  /** One line per rejected parameter, e.g. `status: "lost" is not a delivery status`. */
  errors: string[];
}

/**
 * Reads the list filters from query parameters. `status` may repeat or be comma-separated.
 * Invalid parameters are dropped and reported, so a page can still render (and the API can
 * answer 400 with the reasons).
 *
 * @example
 * ```ts
 * parseDeliveryFilters(new URLSearchParams('provider=acme&status=handled,duplicate')).filters.statuses;
 * // ['handled', 'duplicate']
 * ```
 */
export function parseDeliveryFilters(input: QueryInput, defaults: { limit: number }): ParsedFilters {
  const errors: string[] = [];
  const first = (name: string): string | undefined => {
    const value = input instanceof URLSearchParams ? input.get(name) : input[name];
    const single = Array.isArray(value) ? value[0] : value;
    return single === null || single === undefined || single.trim() === '' ? undefined : single;
  };
  const field = <K extends keyof typeof fieldSchemas>(name: K): z.output<(typeof fieldSchemas)[K]> | undefined => {
    const raw = first(name);
    if (raw === undefined) return undefined;
    const parsed = fieldSchemas[name].safeParse(raw);
    if (parsed.success) return parsed.data as z.output<(typeof fieldSchemas)[K]>;
    errors.push(`${name}: ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    return undefined;
  };

  const rawStatuses = (input instanceof URLSearchParams ? input.getAll('status') : [input.status ?? []].flat())
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  const statuses: DeliveryStatus[] = [];
  for (const value of rawStatuses) {
    if ((DELIVERY_STATUSES as readonly string[]).includes(value)) {
      if (!statuses.includes(value as DeliveryStatus)) statuses.push(value as DeliveryStatus);
    } else {
      errors.push(`status: ${JSON.stringify(value)} is not one of ${DELIVERY_STATUSES.join(', ')}`);
    }
  }

  const filters: DeliveryFilters = {
    provider: field('provider'),
    statuses,
    event: field('event'),
    q: field('q'),
    range: field('range'),
    from: field('from'),
    to: field('to'),
    cursor: field('cursor'),
    limit: field('limit') ?? defaults.limit,
  };
  return { filters, errors };
}

/**
 * The store query for a filter state; `range` becomes a `from` bound relative to `now`.
 *
 * @example
 * ```ts
 * toListQuery({ ...filters, range: '1h' }, Date.now()).from; // an ISO string one hour ago
 * ```
 */
export function toListQuery(filters: DeliveryFilters, now: number): ListQuery {
  return {
    provider: filters.provider,
    status: filters.statuses,
    event: filters.event,
    q: filters.q,
    from: filters.range ? new Date(now - TIME_RANGES[filters.range].ms).toISOString() : filters.from,
    to: filters.range ? undefined : filters.to,
    cursor: filters.cursor ?? null,
    limit: filters.limit,
  };
}
