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
  DeliverySummary,
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
import { ByteRing } from './memory-ring.js';
import { utf8Length } from './bytes.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Bodies longer than this many bytes are cut and flagged `bodyTruncated`. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Bytes of delivery history kept (each delivery's headers, body and payload JSON, in one
   * buffer reused in turn): when it is full, the oldest deliveries are dropped. A delivery the
   * inbox still has to run (its job queued, retrying or running) is never dropped. Default 16 MiB
   * (about 12,000 deliveries of 1 KB); at least 64 KiB. The buffer starts at 64 KiB and doubles
   * as it fills, so a store that keeps a few deliveries never allocates the whole amount.
   */
  historyBytes?: number | undefined;
}

/**
 * Default of {@link MemoryStoreOptions.historyBytes}: 16 MiB.
 *
 * @example
 * ```ts
 * new MemoryStore({ historyBytes: 4 * DEFAULT_MEMORY_HISTORY_BYTES }); // 64 MiB of history
 * ```
 */
export const DEFAULT_MEMORY_HISTORY_BYTES = 16 * 1024 * 1024;
const MIN_HISTORY_BYTES = 64 * 1024;

/** The variable-size parts of a stored delivery, as text. */
interface Parts {
  /** The recorded headers as JSON. */
  headersJson: string;
  body: string;
  /** The payload's JSON after the `payloadHead` characters it shares with the body; null: no payload. */
  tail: string | null;
}

/**
 * A stored delivery. Its fixed fields are an object; its headers, body and payload JSON (the
 * bulk of it) are bytes in the store's {@link ByteRing}, so under load a kept delivery adds
 * little to the JavaScript heap and, once the ring has wrapped, touches no fresh memory. The
 * payload is kept as JSON text, exactly like the SQL stores keep it, so what comes back is
 * JSON-normalised (a `Date` in a transformed payload reads back as a string) and every read hands
 * out a fresh copy that callers may mutate. The text is not held twice: its first `payloadHead`
 * characters are the body's (see {@link payloadText}).
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
    readonly bodyEncoding: 'utf8' | 'base64',
    readonly bodyTruncated: boolean,
    readonly durationMs: number,
    /** How many leading characters of the payload's JSON are the body's own (0: none). */
    readonly payloadHead: number,
    /** The parts as text while they are not in the ring (new, waiting for its job, or too large for it). */
    public held: Parts | null,
  ) {}
  /** The ring placement holding this entry (see {@link ByteRing.place}); 0: none. */
  placement = 0;
  /** Where its bytes start in the ring, and how many each part takes (tail -1: no payload). */
  offset = 0;
  headersBytes = 0;
  bodyBytes = 0;
  tailBytes = -1;
  /** Bytes counted for `held` parts kept outside the ring while finished (too large for it). */
  heldBytes = 0;
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
 * The history is bounded ({@link MemoryStoreOptions.historyBytes}, 16 MiB by default): the oldest
 * deliveries make room for new ones; one the inbox still has to run is never dropped,
 * and a dropped delivery's dedupe claim stays for its window.
 *
 * @example
 * ```ts
 * import { MemoryStore, createWebhookHandler } from '@hookgate/core';
 * const store = new MemoryStore({ maxBodyBytes: 64 * 1024, historyBytes: 64 * 1024 * 1024 });
 * const handler = createWebhookHandler({ provider, secret, store });
 * await handler.handle(request);
 * const { items } = await store.list({ status: 'handled' });
 * ```
 */
export class MemoryStore implements DeliveryStore {
  readonly #maxBodyBytes: number;
  /** The history's bytes, oldest dropped first (see {@link Entry}). */
  readonly #ring: ByteRing<Entry>;
  /** Bytes of finished deliveries kept as text because they did not fit in the ring. */
  #heldBytes = 0;
  /** Ascending by (receivedAt, id): appends are the common case because ids are time-ordered. */
  readonly #entries: Entry[] = [];
  /** Entries before this index were dropped (a queue: dropping the oldest must not shift the array). */
  #first = 0;
  readonly #byId = new Map<string, Entry>();
  /** Claims by provider, then dedupe key: no key string is built per call. */
  readonly #claims = new Map<string, Map<string, Claim>>();
  #closed = false;
  /** The in-process inbox (inbox mode and `startWorker()`), lost on exit like the rest. */
  readonly inbox: MemoryInbox = new MemoryInbox({
    complete: (input) => this.complete(input),
    patch: (id, fields) => this.#patch(id, fields),
    assertOpen: () => this.#assertOpen(),
    maxBodyBytes: () => this.#maxBodyBytes,
  });

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new HookgateError('invalid_config', `MemoryStore: maxBodyBytes must be a non-negative integer, got ${String(max)}`);
    }
    this.#maxBodyBytes = max;
    const historyBytes = options.historyBytes ?? DEFAULT_MEMORY_HISTORY_BYTES;
    if (!Number.isSafeInteger(historyBytes) || historyBytes < MIN_HISTORY_BYTES || historyBytes > 2 ** 31) {
      throw new HookgateError(
        'invalid_config',
        `MemoryStore: historyBytes must be an integer from ${MIN_HISTORY_BYTES} (64 KiB) to ${2 ** 31} (2 GiB), got ${String(historyBytes)}`,
      );
    }
    this.#ring = new ByteRing(historyBytes);
  }

  /** Number of deliveries held (handy in tests): the oldest finished ones go when `historyBytes` is full. */
  get size(): number {
    return this.#entries.length - this.#first;
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
    sweepExpired(claims, input.now);
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

  /** Validates a delivery and builds its entry, its parts held as text (throws `invalid_config` for a bad `receivedAt`). */
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
    const tail = serialized === null ? null : head === 0 ? serialized : serialized.slice(head);
    // Serialised at once: later changes to the caller's record never change what was stored.
    const headersJson = JSON.stringify(input.headers);
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
      bodyEncoding,
      bodyTruncated,
      input.durationMs,
      head,
      { headersJson, body, tail },
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
    this.#settle(entry);
  }

  /** Moves a delivery's parts into the ring, dropping the oldest deliveries to make room. */
  #settle(entry: Entry): void {
    const parts = entry.held;
    if (parts === null || entry.placement !== 0) return;
    const headersBytes = utf8Length(parts.headersJson);
    const bodyBytes = utf8Length(parts.body);
    const tailBytes = parts.tail === null ? -1 : utf8Length(parts.tail);
    const size = headersBytes + bodyBytes + Math.max(tailBytes, 0);
    const ring = this.#ring;
    if (size > ring.capacity) {
      // Too large for the ring: kept as text, counted, and dropped in its turn like the others.
      entry.placement = ring.place(entry, 0, this.#drop).placement;
      entry.heldBytes = size;
      this.#heldBytes += size;
      while (this.#heldBytes - size > ring.capacity && ring.dropOldest(this.#drop)) {
        // each turn drops the oldest delivery
      }
      return;
    }
    const { offset, placement } = ring.place(entry, size, this.#drop);
    const buffer = ring.buffer;
    buffer.write(parts.headersJson, offset);
    buffer.write(parts.body, offset + headersBytes);
    if (parts.tail !== null) buffer.write(parts.tail, offset + headersBytes + bodyBytes);
    entry.placement = placement;
    entry.offset = offset;
    entry.headersBytes = headersBytes;
    entry.bodyBytes = bodyBytes;
    entry.tailBytes = tailBytes;
    entry.held = null;
  }

  /** Takes a delivery out of the ring's turn, its parts held as text again (its inbox job still waits). */
  #unsettle(entry: Entry): void {
    if (entry.held === null) entry.held = this.#parts(entry);
    this.#heldBytes -= entry.heldBytes;
    entry.heldBytes = 0;
    entry.placement = 0; // its ring record, if any, is now stale
  }

  /**
   * The ring dropped a record to make room: the delivery it holds leaves the history, unless the
   * inbox still has a job for it (queued, retrying, or running): that one is held as text (its
   * bytes are still intact here) and rejoins the ring when its job finishes.
   */
  readonly #drop = (entry: Entry, placement: number): void => {
    if (entry.placement !== placement) return; // stale: the delivery left the ring before
    if (this.inbox.has(entry.id)) {
      this.#unsettle(entry);
      return;
    }
    entry.placement = 0;
    this.#heldBytes -= entry.heldBytes;
    entry.heldBytes = 0;
    this.#byId.delete(entry.id);
    const entries = this.#entries;
    // Nearly always the first (the oldest); otherwise found by its (receivedAt, id).
    if (entries[this.#first] === entry) {
      entries[this.#first] = undefined as unknown as Entry; // let it go before the next compaction
      this.#first++;
      if (this.#first === entries.length) {
        entries.length = 0;
        this.#first = 0;
      } else if (this.#first >= 1024 && this.#first * 2 >= entries.length) {
        entries.splice(0, this.#first);
        this.#first = 0;
      }
    } else {
      const index = this.#lowerBound(entry.receivedAtMs, entry.id);
      if (entries[index] === entry) entries.splice(index, 1);
    }
    this.inbox.forget(entry.id);
  };

  /** A delivery's headers JSON, body and payload tail, read from the ring or as held. */
  #parts(entry: Entry): Parts {
    if (entry.held !== null) return entry.held;
    const buffer = this.#ring.buffer;
    const start = entry.offset;
    const bodyStart = start + entry.headersBytes;
    const tailStart = bodyStart + entry.bodyBytes;
    return {
      headersJson: buffer.read(start, bodyStart),
      body: buffer.read(bodyStart, tailStart),
      tail: entry.tailBytes < 0 ? null : buffer.read(tailStart, tailStart + entry.tailBytes),
    };
  }

  /** A fresh {@link Delivery} of an entry. */
  #delivery(entry: Entry): Delivery {
    return toDelivery(entry, this.#parts(entry));
  }

  /** Replaces a stored delivery's status fields (inbox workers and replays); false when not stored. */
  #patch(id: string, fields: Pick<Delivery, 'status' | 'reason' | 'message'>): boolean {
    const entry = this.#byId.get(id);
    if (entry === undefined) return false;
    // Entries are never handed out (reads build fresh deliveries), so an update in place is safe.
    entry.status = fields.status;
    entry.reason = fields.reason;
    entry.message = fields.message;
    this.#settle(entry); // back in the ring's turn, if it had left it while its job waited
    return true;
  }

  async get(id: string): Promise<Delivery | null> {
    this.#assertOpen();
    const entry = this.#byId.get(id);
    return entry === undefined ? null : this.#delivery(entry);
  }

  async list(query: ListQuery = {}): Promise<DeliveryPage> {
    this.#assertOpen();
    return this.#page(query, (entry) => this.#delivery(entry));
  }

  /** {@link DeliveryStore.listSummaries}: the page without reading any headers, body or payload. */
  async listSummaries(query: ListQuery = {}): Promise<DeliveryPage<DeliverySummary>> {
    this.#assertOpen();
    return this.#page(query, toSummary);
  }

  #page<T extends DeliverySummary>(query: ListQuery, read: (entry: Entry) => T): DeliveryPage<T> {
    const filter = normalizeListQuery(query);
    // Walk backwards (newest first) from just below the cursor and the `to` bound.
    let index = this.#entries.length - 1;
    if (filter.cursor !== null) index = Math.min(index, this.#lowerBound(filter.cursor.receivedAtMs, filter.cursor.id) - 1);
    if (filter.toMs !== undefined) index = Math.min(index, this.#lowerBound(filter.toMs, '') - 1);
    const needle = filter.q === undefined ? undefined : asciiLower(filter.q);
    const matched: Entry[] = [];
    // A search examines at most `searchWindow` rows that the other filters select (ListQuery.q).
    let examined = 0;
    let lastExamined: Entry | undefined;
    for (; index >= this.#first && matched.length <= filter.limit; index--) {
      const entry = this.#entries[index]!;
      if (filter.fromMs !== undefined && entry.receivedAtMs < filter.fromMs) break;
      if (!matches(entry, filter)) continue;
      if (needle !== undefined) {
        if (examined === filter.searchWindow) break;
        examined++;
        lastExamined = entry;
        if (!this.#contains(entry, needle)) continue;
      }
      matched.push(entry);
    }
    const hasMore = matched.length > filter.limit;
    const items = (hasMore ? matched.slice(0, filter.limit) : matched).map(read);
    const last = items.at(-1);
    if (hasMore && last !== undefined) return { items, nextCursor: encodeCursor({ receivedAt: last.receivedAt, id: last.id }) };
    // The window ended before the matches did: go on searching below its last row.
    if (examined === filter.searchWindow && lastExamined !== undefined && this.#hasOlder(index, filter)) {
      return { items, nextCursor: encodeCursor({ receivedAt: isoTime(lastExamined.receivedAtMs), id: lastExamined.id }) };
    }
    return { items, nextCursor: null };
  }

  /** Whether a row at or below `index` passes the filters (a search window's continuation exists). */
  #hasOlder(index: number, filter: NormalizedListQuery): boolean {
    for (; index >= this.#first; index--) {
      const entry = this.#entries[index]!;
      if (filter.fromMs !== undefined && entry.receivedAtMs < filter.fromMs) return false;
      if (matches(entry, filter)) return true;
    }
    return false;
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
    const end = this.#lowerBound(cutoff, '');
    const entries = this.#entries;
    // Entries before `end` go, except those the inbox still has to run (answered 202, queued or
    // retrying): they stay, in order, whatever their age.
    let write = this.#first;
    let count = 0;
    for (let index = this.#first; index < end; index++) {
      const entry = entries[index]!;
      if (this.inbox.has(entry.id)) {
        entries[write++] = entry;
        continue;
      }
      count++;
      this.#byId.delete(entry.id);
      // Its ring record (if any) turns stale and is reclaimed in its turn.
      this.#heldBytes -= entry.heldBytes;
      entry.heldBytes = 0;
      entry.placement = 0;
      this.inbox.forget(entry.id); // its attempts go with it
    }
    if (count > 0) entries.splice(write, end - write);
    const now = Date.now();
    for (const claims of this.#claims.values()) {
      for (const [key, claim] of claims) if (claim.expiresAt <= now) claims.delete(key);
    }
    return count;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.length = 0;
    this.#first = 0;
    this.#byId.clear();
    this.#claims.clear();
    this.inbox.clear();
    this.#ring.clear();
    this.#heldBytes = 0;
  }

  /** The `q` search: lower-cased on demand rather than at record time (search is rare, recording is the hot path). */
  #contains(entry: Entry, needle: string): boolean {
    const fields = [entry.event, entry.variant, entry.id, entry.dedupeKey, entry.reason, entry.duplicateOf];
    if (fields.some((field) => field !== null && asciiLower(field).includes(needle))) return true;
    return asciiLower(this.#parts(entry).body).includes(needle);
  }

  #assertOpen(): void {
    if (this.#closed) throw new HookgateError('store_closed', 'MemoryStore is closed');
  }

  /** Index of the first entry at or after (receivedAtMs, id). */
  #lowerBound(receivedAtMs: number, id: string): number {
    let low = this.#first;
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
 * How many leading characters of `json` the store takes from `body` instead of keeping them:
 * their common prefix, `body.length` when they are equal, never ending inside a surrogate pair.
 */
function sharedHead(body: string, json: string): number {
  const head = commonPrefixLength(body, json);
  // Never between the halves of a surrogate pair: the tail is kept as UTF-8, which cannot hold a
  // lone low surrogate (it would read back as U+FFFD).
  const last = head === 0 ? 0 : json.charCodeAt(head - 1);
  return last >= 0xd800 && last <= 0xdbff && head < json.length ? head - 1 : head;
}

/**
 * How many leading code units `json` shares with `body`. Tries the usual cases first (equal; the
 * body with keys added before its last `}`), then bisects with `startsWith` (native comparisons,
 * no per-character loop in JavaScript).
 */
function commonPrefixLength(body: string, json: string): number {
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

/** The payload's JSON text as first serialised: the body's shared head, then the kept tail. */
function payloadText(entry: Entry, parts: Parts): string | null {
  const { tail, body } = parts;
  if (tail === null) return null;
  return entry.payloadHead === 0 ? tail : body.slice(0, entry.payloadHead) + tail;
}

/** Orders like the SQL stores: receivedAt, then id in code-unit order (SQLite BINARY, PostgreSQL "C"). */
function compareEntry(entry: Entry, receivedAtMs: number, id: string): number {
  if (entry.receivedAtMs !== receivedAtMs) return entry.receivedAtMs - receivedAtMs;
  const own = entry.id;
  return own < id ? -1 : own > id ? 1 : 0;
}

function matches(entry: Entry, filter: NormalizedListQuery): boolean {
  if (filter.provider !== undefined && entry.provider !== filter.provider) return false;
  if (filter.statuses !== undefined && !filter.statuses.includes(entry.status)) return false;
  if (filter.event !== undefined && entry.event !== filter.event && entry.variant !== filter.event) return false;
  return true;
}

/** Lower-cases A–Z only, like SQLite's LIKE and PostgreSQL's ILIKE under the "C" collation. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** What a list shows of an entry: no headers, body or payload, so nothing is read from the ring. */
function toSummary(entry: Entry): DeliverySummary {
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
    bodyEncoding: entry.bodyEncoding,
    bodyTruncated: entry.bodyTruncated,
    durationMs: entry.durationMs,
  };
}

function toDelivery(entry: Entry, parts: Parts): Delivery {
  const json = payloadText(entry, parts);
  return {
    ...toSummary(entry),
    headers: JSON.parse(parts.headersJson) as Record<string, string>,
    body: parts.body,
    payload: json === null ? null : (JSON.parse(json) as unknown),
  };
}

/**
 * Deletes a few expired claims from the front of `claims` (insertion order, so roughly oldest
 * first): called on every completion, it keeps up with the claims added, at O(1) a call. An
 * expired claim already reads as absent; this only frees its memory. `prune()` sweeps them all.
 */
function sweepExpired(claims: Map<string, Claim>, now: number): void {
  let budget = 4;
  for (const [key, claim] of claims) {
    if (claim.expiresAt > now || budget-- === 0) return;
    claims.delete(key);
  }
}
