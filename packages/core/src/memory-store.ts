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
import { takeHandedOver } from './headers.js';
import { isoTime } from './iso-time.js';
import { serializePayload } from './json-body.js';
import { MemoryInbox } from './memory-inbox.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Bodies longer than this many bytes are cut and flagged `bodyTruncated`. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
}

/**
 * A stored delivery, as one object (the store keeps every delivery it is given, so under load
 * each of them is promoted and marked by the GC: fewer objects and bytes per delivery are what
 * keep `complete()` cheap). The payload is kept as JSON text, exactly like the SQL stores keep
 * it, so what comes back is JSON-normalised (a `Date` in a transformed payload reads back as a
 * string) and every read hands out a fresh copy that callers may mutate. The text is not held
 * twice: its first `payloadHead` characters are the body's (see {@link payloadText}).
 */
class Entry {
  constructor(
    readonly receivedAtMs: number,
    readonly id: string,
    readonly provider: string,
    readonly event: string | null,
    readonly variant: string | null,
    public status: DeliveryStatus,
    public reason: string | null,
    public message: string | null,
    readonly dedupeKey: string | null,
    readonly duplicateOf: string | null,
    readonly secretIndex: number | null,
    readonly method: string,
    readonly path: string | null,
    /** Owned by the entry: never handed out (reads copy it). */
    readonly headers: Record<string, string>,
    readonly body: string,
    readonly bodyEncoding: 'utf8' | 'base64',
    readonly bodyTruncated: boolean,
    readonly durationMs: number,
    /** How many leading characters of the payload's JSON are the body's own (0: none). */
    readonly payloadHead: number,
    /** The rest of the payload's JSON after those characters, or null for no payload. */
    readonly payloadTail: string | null,
  ) {}
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
  /** Claims by provider, then dedupe key: no key string is built per call. */
  readonly #claims = new Map<string, Map<string, Claim>>();
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
    const claims = this.#claimsOf(input.provider);
    const held = claims.get(input.dedupeKey);
    // Synchronous from here on: no other call can interleave, so the check and the take are atomic.
    if (held !== undefined && held.expiresAt > input.now) {
      if (held.state === 'done') return { kind: 'done', firstDeliveryId: held.deliveryId };
      if (held.deliveryId !== input.deliveryId) {
        return { kind: 'in_progress', holderDeliveryId: held.deliveryId, leaseExpiresAt: held.expiresAt };
      }
    }
    claims.set(input.dedupeKey, { deliveryId: input.deliveryId, state: 'processing', expiresAt: input.now + input.leaseMs });
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
    const claims = this.#claimsOf(delivery.provider);
    const held = claims.get(delivery.dedupeKey);
    const firstStays = held !== undefined && held.state === 'done' && held.expiresAt > input.now && held.deliveryId !== delivery.id;
    this.#insert(entry);
    if (firstStays) return;
    if (held !== undefined && held.deliveryId === delivery.id) {
      // Its own claim (the common case): turned into the done mark in place, not replaced.
      held.state = 'done';
      held.expiresAt = input.now + input.windowMs;
    } else {
      claims.set(delivery.dedupeKey, { deliveryId: delivery.id, state: 'done', expiresAt: input.now + input.windowMs });
    }
  }

  async release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    this.#assertOpen();
    const claims = this.#claims.get(provider);
    const held = claims?.get(dedupeKey);
    if (held?.deliveryId === deliveryId && held.state === 'processing') claims!.delete(dedupeKey);
  }

  /** The claims of one provider (created on first use). */
  #claimsOf(provider: string): Map<string, Claim> {
    let claims = this.#claims.get(provider);
    if (claims === undefined) {
      claims = new Map();
      this.#claims.set(provider, claims);
    }
    return claims;
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
    // Never throws: a payload too deep (or otherwise unserialisable) is kept as null, not a store outage.
    const serialized = input.payloadJson ?? serializePayload(input.payload);
    const { body, bodyEncoding, bodyTruncated } = encodeStoredBody(input.rawBody, this.#maxBodyBytes);
    // The payload's JSON nearly always begins like the body (compact JSON, same key order; a
    // normalising parse adds keys at the end): only what differs is kept.
    const head = serialized === null ? 0 : sharedHead(body, serialized);
    const tail = serialized === null ? null : head === 0 ? serialized : ownCopy(serialized, head);
    // The handler hands over a headers record of its own (nothing else holds it): kept as is.
    // Any other caller's record is copied, so mutating it later never changes what was stored.
    const headers = takeHandedOver(input.headers) ? input.headers : { ...input.headers };
    // Fields are picked one by one so extra properties on the input never leak into reads.
    return new Entry(
      receivedAtMs,
      input.id,
      input.provider,
      input.event,
      input.variant,
      input.status,
      input.reason,
      input.message,
      input.dedupeKey,
      input.duplicateOf,
      input.secretIndex,
      input.method,
      input.path,
      headers,
      body,
      bodyEncoding,
      bodyTruncated,
      input.durationMs,
      head,
      tail,
    );
  }

  /** Adds an entry in (receivedAt, id) order; an id already held keeps its first row. */
  #insert(entry: Entry): void {
    const { receivedAtMs, id } = entry;
    if (this.#byId.has(id)) return; // idempotent by id: the first write wins
    const last = this.#entries.at(-1);
    if (last === undefined || compareEntry(last, receivedAtMs, id) < 0) {
      this.#entries.push(entry);
    } else {
      this.#entries.splice(this.#lowerBound(receivedAtMs, id), 0, entry);
    }
    this.#byId.set(id, entry);
  }

  /** Replaces a stored delivery's status fields (inbox workers and replays); false when not stored. */
  #patch(id: string, fields: Pick<Delivery, 'status' | 'reason' | 'message'>): boolean {
    const entry = this.#byId.get(id);
    if (entry === undefined) return false;
    // Entries are never handed out (reads build fresh deliveries), so an update in place is safe.
    entry.status = fields.status;
    entry.reason = fields.reason;
    entry.message = fields.message;
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
      const { provider, status, reason } = entry;
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
    for (const entry of this.#entries.splice(0, count)) this.#byId.delete(entry.id);
    const now = Date.now();
    for (const claims of this.#claims.values()) {
      for (const [key, claim] of claims) if (claim.expiresAt <= now) claims.delete(key);
    }
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

/**
 * How many leading characters `json` shares with `body`, in whole: `body.length` when they are
 * equal. Tries the usual cases first (equal; the body with keys added before its last `}`), then
 * bisects with `startsWith` (native comparisons, no per-character loop in JavaScript).
 */
function sharedHead(body: string, json: string): number {
  if (json === body) return body.length;
  const bodyEnd = body.length - 1;
  if (bodyEnd > 0 && json.length > bodyEnd && json.startsWith(body.slice(0, bodyEnd))) return bodyEnd;
  // Invariant: json starts with body[0, low); it does not start with body[0, high + 1).
  let low = 0;
  let high = Math.min(body.length, json.length, bodyEnd);
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (json.startsWith(body.slice(0, mid))) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * `text` from `start` on, as a string of its own: a plain `slice` of a long string is a view that
 * keeps the whole parent (here the payload's full JSON) alive for as long as the entry lives.
 */
function ownCopy(text: string, start: number): string {
  if (start >= text.length) return '';
  // Slicing a concatenation flattens it into a new string first: the view then points into that
  // new, tail-sized string, and the parent is free.
  return ` ${text.slice(start)}`.slice(1);
}

/** The payload's JSON text as first serialised: the body's shared head, then the kept tail. */
function payloadText(entry: Entry): string | null {
  const { payloadHead, payloadTail } = entry;
  if (payloadTail === null) return null;
  return payloadHead === 0 ? payloadTail : entry.body.slice(0, payloadHead) + payloadTail;
}

/** Orders like the SQL stores: receivedAt, then id in code-unit order (SQLite BINARY, PostgreSQL "C"). */
function compareEntry(entry: Entry, receivedAtMs: number, id: string): number {
  if (entry.receivedAtMs !== receivedAtMs) return entry.receivedAtMs - receivedAtMs;
  const own = entry.id;
  return own < id ? -1 : own > id ? 1 : 0;
}

function matches(entry: Entry, filter: NormalizedListQuery, needle: string | undefined): boolean {
  const delivery = entry;
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
  const json = payloadText(entry);
  return {
    id: entry.id,
    receivedAt: isoTime(entry.receivedAtMs),
    provider: entry.provider,
    event: entry.event,
    variant: entry.variant,
    status: entry.status,
    reason: entry.reason,
    message: entry.message,
    dedupeKey: entry.dedupeKey,
    duplicateOf: entry.duplicateOf,
    secretIndex: entry.secretIndex,
    method: entry.method,
    path: entry.path,
    headers: { ...entry.headers },
    body: entry.body,
    bodyEncoding: entry.bodyEncoding,
    bodyTruncated: entry.bodyTruncated,
    durationMs: entry.durationMs,
    payload: json === null ? null : (JSON.parse(json) as unknown),
  };
}
