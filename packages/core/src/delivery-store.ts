import { HookgateError } from './errors.js';

/**
 * What happened to a delivery, as recorded. `handle()` outcomes use the same names.
 */
export type DeliveryStatus =
  | 'handled'
  | 'duplicate'
  | 'in_progress'
  | 'rejected_signature'
  | 'invalid_payload'
  | 'unknown_event'
  | 'handler_error';

/** Every {@link DeliveryStatus}, in a stable order (useful for filters and charts). */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'handled',
  'duplicate',
  'in_progress',
  'rejected_signature',
  'invalid_payload',
  'unknown_event',
  'handler_error',
];

/**
 * One recorded delivery: a flat, JSON-serialisable object (no `Date`, no `BigInt`, no bytes),
 * the same from every store.
 *
 * @example
 * ```ts
 * const delivery = await store.get(outcome.deliveryId!);
 * if (delivery?.status === 'rejected_signature') console.log(delivery.reason); // 'signature_mismatch'
 * ```
 */
export interface Delivery {
  /** Time-ordered UUIDv7. */
  id: string;
  /** ISO 8601 with milliseconds, UTC. */
  receivedAt: string;
  /** Provider id (`pylon`, `webhooks-b`, …). */
  provider: string;
  /** Event name (`IssueNewEvent`, `userNotificationEvent`), null when none was recognised. */
  event: string | null;
  /** Variant name (`UserActionNotificationEvent`; equals `event` for discriminated providers). */
  variant: string | null;
  status: DeliveryStatus;
  /** Stable snake_case failure reason (`signature_mismatch`, `schema_mismatch`, …) or null. */
  reason: string | null;
  /** Human-readable detail: the failure message or the handler's error message. */
  message: string | null;
  /** The dedupe key (provider event id, or SHA-256 of the signed message); null when unverified. */
  dedupeKey: string | null;
  /**
   * For a `duplicate`: the delivery whose handling completed first. For an `in_progress`: the
   * delivery that was still processing the same key.
   */
  duplicateOf: string | null;
  /** Index of the configured secret that verified the signature, or null. */
  secretIndex: number | null;
  method: string;
  path: string | null;
  /** Request headers, lower-case names; signature and credential headers are `[redacted]`. */
  headers: Record<string, string>;
  /** The raw body: UTF-8 text, or base64 when it was not valid UTF-8 (see `bodyEncoding`). */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** True when the stored body was cut at the store's `maxBodyBytes`. */
  bodyTruncated: boolean;
  /** The parsed, validated payload (JSON), or null. */
  payload: unknown;
  /** Time from receipt to the outcome, in milliseconds. */
  durationMs: number;
}

/**
 * What a handler passes to {@link DeliveryStore.record}: a {@link Delivery} whose body is still
 * the raw bytes (the store decides how much to keep, see {@link encodeStoredBody}).
 */
export interface DeliveryInput extends Omit<Delivery, 'body' | 'bodyEncoding' | 'bodyTruncated'> {
  rawBody: Uint8Array;
}

/** Filters and keyset cursor for {@link DeliveryStore.list}. All filters combine with AND. */
export interface ListQuery {
  provider?: string | undefined;
  /** One status or several (OR); an empty list means any status. */
  status?: DeliveryStatus | readonly DeliveryStatus[] | undefined;
  /** Matches the event name or the variant name. */
  event?: string | undefined;
  /** Inclusive lower bound on `receivedAt` (ISO string or Date); an unparseable bound is ignored. */
  from?: string | Date | undefined;
  /** Exclusive upper bound on `receivedAt` (ISO string or Date). */
  to?: string | Date | undefined;
  /**
   * Substring search over event, variant, ids (`id`, `duplicateOf`), dedupe key, reason and the
   * stored body. Case-insensitive for ASCII letters only (what SQLite's LIKE does natively), the
   * same in every store.
   */
  q?: string | undefined;
  /** `nextCursor` from the previous page. */
  cursor?: string | null | undefined;
  /** Page size, default 50, at most 500. */
  limit?: number | undefined;
}

/** A page of deliveries, newest first (`receivedAt` desc, then `id` desc). */
export interface DeliveryPage {
  items: Delivery[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Bucket width for {@link DeliveryStore.stats}. */
export type StatsBucket = 'minute' | 'hour' | 'day';

export interface StatsQuery {
  from: string | Date;
  to: string | Date;
  bucket: StatsBucket;
  provider?: string | undefined;
}

/** Counts per time bucket × provider × status, plus totals, for charts. */
export interface StatsResult {
  bucket: StatsBucket;
  from: string;
  to: string;
  /** One row per non-empty (bucket, provider, status); `bucketStart` is ISO, UTC, aligned. */
  series: Array<{ bucketStart: string; provider: string; status: DeliveryStatus; count: number }>;
  /** Failure reasons by frequency, most frequent first (at most 10). */
  reasons: Array<{ reason: string; count: number }>;
  totals: { all: number } & Record<DeliveryStatus, number>;
}

/**
 * Input of {@link DeliveryStore.claim}.
 *
 * @example
 * ```ts
 * await store.claim({ provider: 'pylon', dedupeKey: 'evt_1', deliveryId, now: Date.now(), leaseMs: 60_000 });
 * ```
 */
export interface ClaimInput {
  provider: string;
  dedupeKey: string;
  /** The delivery that would process the key. */
  deliveryId: string;
  /** Claim time in epoch milliseconds (the handler's clock). */
  now: number;
  /**
   * How long the claim stays `processing` without being completed or released: a copy arriving
   * before `now + leaseMs` is refused as in progress; after it, the attempt counts as crashed or
   * hung and the next claim takes the key over.
   */
  leaseMs: number;
}

/**
 * What {@link DeliveryStore.claim} found, a union on `kind`:
 * - `claimed`: the key is this delivery's to process (new, expired, released, or already its own);
 * - `in_progress`: another delivery holds a live `processing` lease until `leaseExpiresAt`
 *   (epoch ms) — the copy should be answered "try later";
 * - `done`: a delivery completed its handling within the dedupe window — the copy is a duplicate.
 *
 * @example
 * ```ts
 * const claim = await store.claim(input);
 * if (claim.kind === 'done') console.log('duplicate of', claim.firstDeliveryId);
 * if (claim.kind === 'in_progress') console.log('retry after', claim.leaseExpiresAt - input.now, 'ms');
 * ```
 */
export type ClaimResult =
  | { kind: 'claimed' }
  | { kind: 'in_progress'; holderDeliveryId: string; leaseExpiresAt: number }
  | { kind: 'done'; firstDeliveryId: string };

/**
 * Input of {@link DeliveryStore.complete}.
 *
 * @example
 * ```ts
 * await store.complete({ delivery: { ...input, status: 'handled' }, now: Date.now(), windowMs: 86_400_000 });
 * ```
 */
export interface CompleteInput {
  /** The successfully handled delivery to record; its `provider` and `dedupeKey` name the claim. */
  delivery: DeliveryInput;
  /** Completion time in epoch milliseconds (the handler's clock). */
  now: number;
  /** The key stays `done` (later copies are duplicates) until `now + windowMs`. */
  windowMs: number;
}

/**
 * Where deliveries are recorded and dedupe keys claimed. `MemoryStore` (core) and the SQLite /
 * PostgreSQL stores of `@hookgate/store` implement it; every method rejects when the backing
 * store is unavailable, which handlers turn into HTTP 503 so the provider retries.
 *
 * A dedupe claim has a lifecycle: {@link DeliveryStore.claim} takes the key as `processing`
 * under a lease; {@link DeliveryStore.complete} records the handled delivery and marks the key
 * `done` for the dedupe window; {@link DeliveryStore.release} gives a `processing` claim up when
 * handling failed. Only `done` makes later copies duplicates, so a copy that overlaps a failing
 * attempt is refused as in progress instead of being acknowledged and lost.
 *
 * @example
 * ```ts
 * import { MemoryStore, createWebhookHandler } from '@hookgate/core';
 * const store = new MemoryStore();
 * const handler = createWebhookHandler({ provider, secret, store });
 * const { items } = await store.list({ status: 'rejected_signature', limit: 20 });
 * ```
 */
export interface DeliveryStore {
  /**
   * Atomically claims `(provider, dedupeKey)` for `deliveryId` as `processing` until
   * `now + leaseMs`. Succeeds when the key is new, its `done` window has passed, or its
   * `processing` lease has expired (a crashed or hung attempt is taken over). Claiming again for
   * the delivery that already processes the key succeeds and renews the lease, so a retried
   * claim is safe. Among concurrent claimers exactly one wins, also across processes.
   */
  claim(input: ClaimInput): Promise<ClaimResult>;
  /**
   * Records a successfully handled delivery and marks its key `done` until `now + windowMs`, in
   * one atomic step: either both are durable or neither is. Safe to retry (idempotent by
   * delivery id). When another delivery already completed the key within its window, that first
   * completion stays the one later copies point at; this delivery is still recorded.
   */
  complete(input: CompleteInput): Promise<void>;
  /**
   * Gives up a `processing` claim (a listener failed, or the outcome could not be recorded), so
   * the provider's retry is processed. Only the owner's claim is removed; a `done` key is kept.
   */
  release(provider: string, dedupeKey: string, deliveryId: string): Promise<void>;
  /**
   * Persists one delivery; resolves only once it is durable. Idempotent by `id`: recording an id
   * that is already stored keeps the first row, so a write retried after a lost connection is safe.
   */
  record(delivery: DeliveryInput): Promise<void>;
  get(id: string): Promise<Delivery | null>;
  list(query?: ListQuery): Promise<DeliveryPage>;
  stats(query: StatsQuery): Promise<StatsResult>;
  /** Deletes deliveries received before `olderThan` (and expired claims); returns how many deliveries. */
  prune(options: { olderThan: string | Date }): Promise<number>;
  close(): Promise<void>;
}

/** Default page size of {@link DeliveryStore.list}. */
export const DEFAULT_LIST_LIMIT = 50;
/** Largest page {@link DeliveryStore.list} returns. */
export const MAX_LIST_LIMIT = 500;

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

/** A decoded keyset cursor: the last row of the previous page. */
export interface ListCursor {
  receivedAt: string;
  id: string;
}

/**
 * Encodes the keyset position after `delivery` as an opaque string.
 *
 * @example
 * ```ts
 * const cursor = encodeCursor({ receivedAt: '2026-01-01T00:00:00.000Z', id: '0193…' });
 * ```
 */
export function encodeCursor(position: ListCursor): string {
  return Buffer.from(`${position.receivedAt}|${position.id}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from {@link encodeCursor}; returns null for anything malformed so a bad
 * cursor from a URL reads as "first page" instead of throwing.
 *
 * @example
 * ```ts
 * decodeCursor('garbage'); // null
 * ```
 */
export function decodeCursor(cursor: string | null | undefined): ListCursor | null {
  if (!cursor) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar <= 0) return null;
  const receivedAt = text.slice(0, bar);
  const id = text.slice(bar + 1);
  if (Number.isNaN(Date.parse(receivedAt)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { receivedAt: new Date(receivedAt).toISOString(), id };
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

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns raw body bytes into the stored form: UTF-8 text when valid, else base64; cut at
 * `maxBytes` (default 1 MiB) with `bodyTruncated` set.
 *
 * @example
 * ```ts
 * encodeStoredBody(new TextEncoder().encode('{"a":1}')); // { body: '{"a":1}', bodyEncoding: 'utf8', bodyTruncated: false }
 * ```
 */
export function encodeStoredBody(
  rawBody: Uint8Array,
  maxBytes = 1024 * 1024,
): Pick<Delivery, 'body' | 'bodyEncoding' | 'bodyTruncated'> {
  const bodyTruncated = rawBody.byteLength > maxBytes;
  const bytes = bodyTruncated ? rawBody.subarray(0, maxBytes) : rawBody;
  // NUL is valid UTF-8 but PostgreSQL `text` cannot hold it, so such bodies are kept as base64
  // (in every store, so a delivery reads back the same everywhere).
  if (bytes.indexOf(0) === -1) {
    try {
      return { body: utf8Decoder.decode(bytes), bodyEncoding: 'utf8', bodyTruncated };
    } catch {
      // A cut may split a multi-byte character: back off up to 3 bytes before giving up on text.
      if (bodyTruncated) {
        for (let back = 1; back <= 3 && bytes.byteLength > back; back++) {
          try {
            return { body: utf8Decoder.decode(bytes.subarray(0, bytes.byteLength - back)), bodyEncoding: 'utf8', bodyTruncated };
          } catch {
            // keep backing off
          }
        }
      }
    }
  }
  return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), bodyEncoding: 'base64', bodyTruncated };
}

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

/**
 * A {@link ListQuery} with defaults applied and bounds parsed, so every store filters the same
 * way: empty strings and empty status lists mean "no filter", `q` is trimmed, unparseable
 * bounds and cursors are ignored.
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
  const q = query.q?.trim();
  const cursor = decodeCursor(query.cursor);
  return {
    provider: query.provider || undefined,
    statuses,
    event: query.event || undefined,
    fromMs: from === undefined ? undefined : Date.parse(from),
    toMs: to === undefined ? undefined : Date.parse(to),
    q: q || undefined,
    cursor: cursor === null ? null : { receivedAtMs: Date.parse(cursor.receivedAt), id: cursor.id },
    limit: clampListLimit(query.limit),
  };
}

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
  const sorted = [...series].sort(
    (a, b) => a.bucketStart - b.bucketStart || compareText(a.provider, b.provider) || rank(a.status) - rank(b.status),
  );
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
