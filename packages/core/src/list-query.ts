// ListQuery defaults and parsing, shared by every store so they filter the same way.
import { decodeCursor } from './list-cursor.js';
import type { DeliveryStatus, ListQuery } from './delivery-store.js';

/** Default page size of {@link DeliveryStore.list}. */
export const DEFAULT_LIST_LIMIT = 50;
/** Largest page {@link DeliveryStore.list} returns. */
export const MAX_LIST_LIMIT = 500;

/**
 * Rows a search (`ListQuery.q`) examines per page unless `searchWindow` says otherwise.
 *
 * @example
 * ```ts
 * await store.list({ q: 'evt_1', searchWindow: 4 * DEFAULT_SEARCH_WINDOW });
 * ```
 */
export const DEFAULT_SEARCH_WINDOW = 20_000;
const MAX_SEARCH_WINDOW = 1_000_000;

/**
 * Clamps a requested page size to 1…{@link MAX_LIST_LIMIT} (default {@link DEFAULT_LIST_LIMIT}).
 *
 * @example
 * ```ts
 * clampListLimit(10_000); // 500
 * ```
 */
export function clampListLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.trunc(limit)));
}

/**
 * Normalises a `from`/`to` bound to an ISO string (UTC, milliseconds), or undefined.
 *
 * @example
 * ```ts
 * toIsoBound(new Date(0)); // '1970-01-01T00:00:00.000Z'
 * ```
 */
export function toIsoBound(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}

/**
 * A {@link ListQuery} with defaults applied and bounds parsed, so every store filters the same
 * way: empty strings and empty status lists mean "no filter", `q` is trimmed, NUL characters
 * are removed from `provider`, `event` and `q`, unparseable bounds and cursors are ignored.
 */
export interface NormalizedListQuery {
  provider: string | undefined;
  /** undefined: any status. */
  statuses: readonly DeliveryStatus[] | undefined;
  event: string | undefined;
  /** Inclusive, epoch ms. */
  fromMs: number | undefined;
  /** Exclusive, epoch ms. */
  toMs: number | undefined;
  /** Trimmed search text, never empty. */
  q: string | undefined;
  /** Return only rows strictly older than this position (`receivedAt` desc, `id` desc). */
  cursor: { receivedAtMs: number; id: string } | null;
  limit: number;
  /** With `q`: rows (matching the other filters) a page examines. */
  searchWindow: number;
}

/**
 * Filter text without NUL characters: PostgreSQL refuses NUL in text (and stores text without
 * it), so every store matches the same way instead of one of them failing the query.
 */
function withoutNul(text: string | undefined): string | undefined {
  return text !== undefined && text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/**
 * Applies the defaults and parsing rules of {@link ListQuery} (shared by every store).
 *
 * @example
 * ```ts
 * normalizeListQuery({ status: [], q: '  evt_1 ', limit: 9999 });
 * // { statuses: undefined, q: 'evt_1', limit: 500, cursor: null, … }
 * ```
 */
export function normalizeListQuery(query: ListQuery = {}): NormalizedListQuery {
  const status = query.status;
  const statuses = status === undefined ? undefined : typeof status === 'string' ? [status] : status.length > 0 ? [...status] : undefined;
  const from = toIsoBound(query.from);
  const to = toIsoBound(query.to);
  const q = withoutNul(query.q)?.trim();
  const cursor = decodeCursor(query.cursor);
  return {
    provider: withoutNul(query.provider) || undefined,
    statuses,
    event: withoutNul(query.event) || undefined,
    fromMs: from === undefined ? undefined : Date.parse(from),
    toMs: to === undefined ? undefined : Date.parse(to),
    q: q || undefined,
    cursor: cursor === null ? null : { receivedAtMs: Date.parse(cursor.receivedAt), id: cursor.id },
    limit: clampListLimit(query.limit),
    searchWindow: clampSearchWindow(query.searchWindow),
  };
}

function clampSearchWindow(rows: number | undefined): number {
  if (rows === Number.POSITIVE_INFINITY) return rows; // no window: one pass over every row
  if (rows === undefined || !Number.isFinite(rows)) return DEFAULT_SEARCH_WINDOW;
  return Math.min(MAX_SEARCH_WINDOW, Math.max(1, Math.trunc(rows)));
}
