import { STATS_BUCKET_MS, buildStatsResult, normalizeStatsQuery } from './delivery-stats.js';
import type {
  ClaimInput,
  ClaimResult,
  CompleteInput,
  Delivery,
  DeliveryInput,
  DeliveryPage,
  DeliveryStatus,
  DeliveryStore,
  ListQuery,
  StatsQuery,
  StatsResult,
} from './delivery-store.js';
import { encodeCursor } from './list-cursor.js';
import { normalizeListQuery, type NormalizedListQuery } from './list-query.js';
import { encodeStoredBody } from './stored-body.js';
import { HookgateError } from './errors.js';
import { isoTime } from './iso-time.js';
import { serializePayload } from './json-body.js';
import { MemoryInbox } from './memory-inbox.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Bodies longer than this many bytes are cut and flagged `bodyTruncated`. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
}

/**
 * A stored delivery. The payload is kept as JSON text, exactly like the SQL stores keep it, so
 * what comes back is JSON-normalised (a `Date` in a transformed payload reads back as a string)
 * and every read hands out a fresh copy that callers may mutate.
 */
interface Entry {
  readonly receivedAtMs: number;
  readonly delivery: Readonly<Omit<Delivery, 'payload'>>;
  readonly payloadJson: string | null;
}

/** A dedupe claim: `processing` until its lease ends, or `done` until its window ends. */
interface Claim {
  deliveryId: string;
  state: 'processing' | 'done';
  expiresAt: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The in-process {@link DeliveryStore}: history and dedupe claims in memory, lost on exit. For
 * tests, examples and single-process development; use `@hookgate/store` to keep history and to
 * share dedupe between processes. After {@link MemoryStore.close} every call rejects with
 * `HookgateError('store_closed')`, which is how tests simulate a store outage (handlers answer 503).
 *
 * @example
 * ```ts
 * import { MemoryStore, createWebhookHandler } from '@hookgate/core';
 * const store = new MemoryStore({ maxBodyBytes: 64 * 1024 });
 * const handler = createWebhookHandler({ provider, secret, store });
 * await handler.handle(request);
 * const { items } = await store.list({ status: 'handled' });
 * ```
 */
export class MemoryStore implements DeliveryStore {
  readonly #maxBodyBytes: number;
  /** Ascending by (receivedAt, id): appends are the common case because ids are time-ordered. */
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  readonly #claims = new Map<string, Claim>();
  #closed = false;
  /** The in-process inbox (inbox mode and `startWorker()`), lost on exit like the rest. */
  readonly inbox: MemoryInbox = new MemoryInbox({
    complete: (input) => this.complete(input),
    patch: (id, fields) => this.#patch(id, fields),
    assertOpen: () => this.#assertOpen(),
  });

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new HookgateError('invalid_config', `MemoryStore: maxBodyBytes must be a non-negative integer, got ${String(max)}`);
    }
    this.#maxBodyBytes = max;
  }

  /** Number of deliveries held (handy in tests). */
  get size(): number {
    return this.#entries.length;
  }

  async claim(input: ClaimInput): Promise<ClaimResult> {
    this.#assertOpen();
    const key = claimKey(input.provider, input.dedupeKey);
    const held = this.#claims.get(key);
    // Synchronous from here on: no other call can interleave, so the check and the take are atomic.
    if (held !== undefined && held.expiresAt > input.now) {
      if (held.state === 'done') return { kind: 'done', firstDeliveryId: held.deliveryId };
      if (held.deliveryId !== input.deliveryId) {
        return { kind: 'in_progress', holderDeliveryId: held.deliveryId, leaseExpiresAt: held.expiresAt };
      }
    }
    this.#claims.set(key, { deliveryId: input.deliveryId, state: 'processing', expiresAt: input.now + input.leaseMs });
    return { kind: 'claimed' };
  }

  async complete(input: CompleteInput): Promise<void> {
    this.#assertOpen();
    const { delivery } = input;
    if (delivery.dedupeKey === null) {
      throw new HookgateError('invalid_config', 'complete(): the delivery has no dedupeKey to complete');
    }
    // Validate and build the row before touching the claim, so a bad input changes nothing.
    const entry = this.#entry(delivery);
    const key = claimKey(delivery.provider, delivery.dedupeKey);
    const held = this.#claims.get(key);
    const firstStays = held !== undefined && held.state === 'done' && held.expiresAt > input.now && held.deliveryId !== delivery.id;
    this.#insert(entry);
    if (!firstStays) this.#claims.set(key, { deliveryId: delivery.id, state: 'done', expiresAt: input.now + input.windowMs });
  }

  async release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    this.#assertOpen();
    const key = claimKey(provider, dedupeKey);
    const held = this.#claims.get(key);
    if (held?.deliveryId === deliveryId && held.state === 'processing') this.#claims.delete(key);
  }

  async record(input: DeliveryInput): Promise<void> {
    this.#assertOpen();
    this.#insert(this.#entry(input));
  }

  /** Validates a delivery and builds its entry (throws `invalid_config` for a bad `receivedAt`). */
  #entry(input: DeliveryInput): Entry {
    // The handler hands over the instant as a number too: parsing the ISO text costs ~1 µs.
    const given = input.receivedAtMs;
    const receivedAtMs = typeof given === 'number' && Number.isFinite(given) ? given : Date.parse(input.receivedAt);
    if (Number.isNaN(receivedAtMs)) {
      throw new HookgateError('invalid_config', `record(): receivedAt '${input.receivedAt}' is not a date`);
    }
    // Fields are picked one by one so extra properties on the input never leak into reads.
    const delivery: Omit<Delivery, 'payload'> = {
      id: input.id,
      receivedAt: isoTime(receivedAtMs),
      provider: input.provider,
      event: input.event,
      variant: input.variant,
      status: input.status,
      reason: input.reason,
      message: input.message,
      dedupeKey: input.dedupeKey,
      duplicateOf: input.duplicateOf,
      secretIndex: input.secretIndex,
      method: input.method,
      path: input.path,
      headers: { ...input.headers },
      ...encodeStoredBody(input.rawBody, this.#maxBodyBytes),
      durationMs: input.durationMs,
    };
    // Never throws: a payload too deep (or otherwise unserialisable) is kept as null, not a store outage.
    const serialized = serializePayload(input.payload);
    // A payload that serialises to the body's own text (compact JSON, nothing normalised: the
    // common case) shares the body's string, so a delivery holds one copy of it, not two.
    const payloadJson = serialized !== null && serialized === delivery.body ? delivery.body : serialized;
    return { receivedAtMs, delivery, payloadJson };
  }

  /** Adds an entry in (receivedAt, id) order; an id already held keeps its first row. */
  #insert(entry: Entry): void {
    const { receivedAtMs, delivery } = entry;
    if (this.#byId.has(delivery.id)) return; // idempotent by id: the first write wins
    const last = this.#entries.at(-1);
    if (last === undefined || compareEntry(last, receivedAtMs, delivery.id) < 0) {
      this.#entries.push(entry);
    } else {
      this.#entries.splice(this.#lowerBound(receivedAtMs, delivery.id), 0, entry);
    }
    this.#byId.set(delivery.id, entry);
  }

  /** Replaces a stored delivery's status fields (inbox workers and replays); false when not stored. */
  #patch(id: string, fields: Pick<Delivery, 'status' | 'reason' | 'message'>): boolean {
    const entry = this.#byId.get(id);
    if (entry === undefined) return false;
    const updated: Entry = { ...entry, delivery: { ...entry.delivery, ...fields } };
    const index = this.#lowerBound(entry.receivedAtMs, id);
    if (this.#entries[index] === entry) this.#entries[index] = updated;
    this.#byId.set(id, updated);
    return true;
  }

  async get(id: string): Promise<Delivery | null> {
    this.#assertOpen();
    const entry = this.#byId.get(id);
    return entry === undefined ? null : toDelivery(entry);
  }

  async list(query: ListQuery = {}): Promise<DeliveryPage> {
    this.#assertOpen();
    const filter = normalizeListQuery(query);
    // Walk backwards (newest first) from just below the cursor and the `to` bound.
    let index = this.#entries.length - 1;
    if (filter.cursor !== null) index = Math.min(index, this.#lowerBound(filter.cursor.receivedAtMs, filter.cursor.id) - 1);
    if (filter.toMs !== undefined) index = Math.min(index, this.#lowerBound(filter.toMs, '') - 1);
    const needle = filter.q === undefined ? undefined : asciiLower(filter.q);
    const matched: Entry[] = [];
    for (; index >= 0 && matched.length <= filter.limit; index--) {
      const entry = this.#entries[index]!;
      if (filter.fromMs !== undefined && entry.receivedAtMs < filter.fromMs) break;
      if (matches(entry, filter, needle)) matched.push(entry);
    }
    const hasMore = matched.length > filter.limit;
    const items = (hasMore ? matched.slice(0, filter.limit) : matched).map(toDelivery);
    const last = items.at(-1);
    return { items, nextCursor: hasMore && last !== undefined ? encodeCursor({ receivedAt: last.receivedAt, id: last.id }) : null };
  }

  async stats(query: StatsQuery): Promise<StatsResult> {
    this.#assertOpen();
    const range = normalizeStatsQuery(query);
    const size = STATS_BUCKET_MS[range.bucket];
    const series = new Map<string, { bucketStart: number; provider: string; status: DeliveryStatus; count: number }>();
    const reasons = new Map<string, number>();
    for (let index = this.#lowerBound(range.fromMs, ''); index < this.#entries.length; index++) {
      const entry = this.#entries[index]!;
      if (entry.receivedAtMs >= range.toMs) break;
      const { provider, status, reason } = entry.delivery;
      if (range.provider !== undefined && provider !== range.provider) continue;
      const start = Math.floor(entry.receivedAtMs / size) * size;
      const key = `${start}\u0000${provider}\u0000${status}`;
      const row = series.get(key);
      if (row === undefined) series.set(key, { bucketStart: start, provider, status, count: 1 });
      else row.count++;
      if (reason !== null) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    return buildStatsResult(
      range,
      [...series.values()],
      [...reasons].map(([reason, count]) => ({ reason, count })),
    );
  }

  async prune(options: { olderThan: string | Date }): Promise<number> {
    this.#assertOpen();
    const cutoff = options.olderThan instanceof Date ? options.olderThan.getTime() : Date.parse(options.olderThan);
    if (Number.isNaN(cutoff)) throw new HookgateError('invalid_config', `prune(): 'olderThan' must be a valid date`);
    const count = this.#lowerBound(cutoff, '');
    for (const entry of this.#entries.splice(0, count)) this.#byId.delete(entry.delivery.id);
    const now = Date.now();
    for (const [key, claim] of this.#claims) if (claim.expiresAt <= now) this.#claims.delete(key);
    return count;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.length = 0;
    this.#byId.clear();
    this.#claims.clear();
    this.inbox.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new HookgateError('store_closed', 'MemoryStore is closed');
  }

  /** Index of the first entry at or after (receivedAtMs, id). */
  #lowerBound(receivedAtMs: number, id: string): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEntry(this.#entries[mid]!, receivedAtMs, id) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function claimKey(provider: string, dedupeKey: string): string {
  return `${provider}\u0000${dedupeKey}`;
}

/** Orders like the SQL stores: receivedAt, then id in code-unit order (SQLite BINARY, PostgreSQL "C"). */
function compareEntry(entry: Entry, receivedAtMs: number, id: string): number {
  if (entry.receivedAtMs !== receivedAtMs) return entry.receivedAtMs - receivedAtMs;
  const own = entry.delivery.id;
  return own < id ? -1 : own > id ? 1 : 0;
}

function matches(entry: Entry, filter: NormalizedListQuery, needle: string | undefined): boolean {
  const delivery = entry.delivery;
  if (filter.provider !== undefined && delivery.provider !== filter.provider) return false;
  if (filter.statuses !== undefined && !filter.statuses.includes(delivery.status)) return false;
  if (filter.event !== undefined && delivery.event !== filter.event && delivery.variant !== filter.event) return false;
  if (needle !== undefined) {
    // Lower-cased on demand rather than at record time: search is rare, recording is the hot path.
    const fields = [delivery.event, delivery.variant, delivery.id, delivery.dedupeKey, delivery.reason, delivery.duplicateOf, delivery.body];
    if (!fields.some((field) => field !== null && asciiLower(field).includes(needle))) return false;
  }
  return true;
}

/** Lower-cases A–Z only, like SQLite's LIKE and PostgreSQL's ILIKE under the "C" collation. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function toDelivery(entry: Entry): Delivery {
  return {
    ...entry.delivery,
    headers: { ...entry.delivery.headers },
    payload: entry.payloadJson === null ? null : (JSON.parse(entry.payloadJson) as unknown),
  };
}
