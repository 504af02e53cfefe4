// The store contract: what is recorded per delivery and how dedupe claims work.
import type { DeliveryInbox } from './inbox.js';

/**
 * What happened to a delivery, as recorded. `handle()` outcomes use the same names. In inbox
 * mode a delivery is answered (202) and recorded `queued`; a worker then moves it to `handled`,
 * `retrying` (an attempt failed, another is scheduled) or `dead` (its last attempt failed).
 */
export type DeliveryStatus =
  | 'handled'
  | 'queued'
  | 'retrying'
  | 'duplicate'
  | 'in_progress'
  | 'rejected_signature'
  | 'invalid_payload'
  | 'unknown_event'
  | 'handler_error'
  | 'dead';

/** Every {@link DeliveryStatus}, in a stable order (useful for filters and charts). */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'handled',
  'queued',
  'retrying',
  'duplicate',
  'in_progress',
  'rejected_signature',
  'invalid_payload',
  'unknown_event',
  'handler_error',
  'dead',
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
  /**
   * `receivedAt` in epoch milliseconds, when the caller has it (handlers always set it): the same
   * instant, so a store can use it instead of parsing `receivedAt` again. Stores fall back to
   * `Date.parse(receivedAt)` without it.
   */
  receivedAtMs?: number | undefined;
  /**
   * The payload's JSON text when the caller already has it — handlers pass the body's own text
   * when the provider's parse kept the parsed body unchanged. It parses to a value equal to
   * `payload`, so a store may keep it instead of `JSON.stringify(payload)`; without it (or for
   * any other store) the payload is serialised as before.
   */
  payloadJson?: string | undefined;
}

/**
 * A {@link Delivery} without its request headers, body and payload: what a list of deliveries
 * shows. {@link listSummaries} returns these, so a page of large bodies is not read at all.
 *
 * @example
 * ```ts
 * const { items } = await listSummaries(store, { limit: 50 });
 * items[0]?.status; // 'handled'; there is no items[0].body
 * ```
 */
export type DeliverySummary = Omit<Delivery, 'headers' | 'body' | 'payload'>;

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
   * same in every store. A page examines at most `searchWindow` rows (those the other filters
   * select, newest first): when they hold fewer than `limit` matches, the page has fewer items
   * (even none) and a `nextCursor` where the next page goes on searching, so one search never
   * reads the whole history at once.
   */
  q?: string | undefined;
  /**
   * With `q`: rows examined per page, default {@link DEFAULT_SEARCH_WINDOW} (20,000), at most
   * 1,000,000; `Infinity` reads every row in one pass (what a caller that walks all pages
   * anyway, like replay by filter, wants). A search over 1,000,000 SQLite rows that matches nothing took 1.3 s here, all of it
   * blocking the process; 20,000 rows take a few tens of milliseconds.
   */
  searchWindow?: number | undefined;
  /** `nextCursor` from the previous page. */
  cursor?: string | null | undefined;
  /** Page size, default 50, at most 500. */
  limit?: number | undefined;
}

/**
 * A page of deliveries, newest first (`receivedAt` desc, then `id` desc); `T` is
 * {@link DeliverySummary} for {@link listSummaries}.
 */
export interface DeliveryPage<T extends DeliverySummary = Delivery> {
  items: T[];
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
  /** A page of deliveries matching `query`, newest first. */
  list(query?: ListQuery): Promise<DeliveryPage>;
  /**
   * The same page as `list(query)` without each delivery's headers, body and payload, which the
   * store then does not read (a list page of 1 MB bodies stays small). Optional: without it,
   * {@link listSummaries} falls back to `list`.
   */
  listSummaries?(query?: ListQuery): Promise<DeliveryPage<DeliverySummary>>;
  stats(query: StatsQuery): Promise<StatsResult>;
  /** Deletes deliveries received before `olderThan` (and expired claims); returns how many deliveries. */
  prune(options: { olderThan: string | Date }): Promise<number>;
  close(): Promise<void>;
  /**
   * The durable inbox of this store, when it has one (MemoryStore, SQLite, PostgreSQL + pg-boss):
   * what inbox mode enqueues to and `startWorker()` consumes. See {@link DeliveryInbox}.
   */
  readonly inbox?: DeliveryInbox | undefined;
}

/**
 * A page of {@link DeliverySummary} values: `store.listSummaries(query)` where the store has it
 * (MemoryStore and the SQL stores do: headers, bodies and payloads are not read), else
 * `store.list(query)` with those fields left out of each item.
 *
 * @example
 * ```ts
 * import { listSummaries } from '@hookgate/core';
 * const { items, nextCursor } = await listSummaries(store, { status: 'handler_error', limit: 50 });
 * ```
 */
export async function listSummaries(store: DeliveryStore, query?: ListQuery): Promise<DeliveryPage<DeliverySummary>> {
  if (store.listSummaries !== undefined) return store.listSummaries(query);
  const page = await store.list(query);
  return { items: page.items.map(({ headers: _headers, body: _body, payload: _payload, ...summary }) => summary), nextCursor: page.nextCursor };
}
