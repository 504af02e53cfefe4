import type { ClaimResult } from '@hookgate/core/store';
import type { DedupeTable, DeliveriesTable } from './schema.js';

/**
 * The four writes every delivery makes, implemented per dialect without Kysely: SQLite with
 * prepared statements inside the group commit (`sqlite-writes.ts`), PostgreSQL by batching the
 * concurrent calls into one statement and one commit (`postgres-writes.ts`). Each promise
 * settles only after the commit that holds its write (see each implementation for how durable
 * that commit is).
 *
 * @example
 * ```ts
 * const result = await hot.claim({ provider: 'pylon', dedupe_key: 'k', delivery_id: id, state: 'processing', claimed_at: now, expires_at: now + 60_000 });
 * ```
 */
export interface HotWrites {
  /**
   * Takes the key for `claim.delivery_id` when it is free, its holder's lease or window has
   * passed (`expires_at <= claim.claimed_at`), or this very delivery already processes it;
   * otherwise reports the holder.
   */
  claim(claim: DedupeTable): Promise<ClaimResult>;
  /**
   * Records `row` and marks its key done (`done.state = 'done'`) atomically, unless another
   * delivery completed the key and its window has not passed (the first completion stays).
   */
  complete(row: DeliveriesTable, done: DedupeTable): Promise<void>;
  /** Records `row` (a known id is left as it is). */
  record(row: DeliveriesTable): Promise<void>;
  /** Deletes the claim of `deliveryId` on the key while it is still processing. */
  release(provider: string, dedupeKey: string, deliveryId: string): Promise<void>;
}

/**
 * How often `claim` retries when the holder vanished between its insert and its lookup.
 *
 * @example
 * ```ts
 * for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) { … }
 * ```
 */
export const CLAIM_ATTEMPTS = 5;

/**
 * The `hookgate_deliveries` columns in the order the hot writes bind them.
 *
 * @example
 * ```ts
 * const placeholders = DELIVERY_COLUMNS.map(() => '?').join(', ');
 * ```
 */
export const DELIVERY_COLUMNS = [
  'id',
  'received_at',
  'provider',
  'event',
  'variant',
  'status',
  'reason',
  'message',
  'dedupe_key',
  'duplicate_of',
  'secret_index',
  'method',
  'path',
  'headers',
  'body',
  'body_encoding',
  'body_truncated',
  'payload',
  'duration_ms',
] as const satisfies ReadonlyArray<keyof DeliveriesTable>;

/**
 * PostgreSQL array type of each column, for `unnest` inserts (bulk loads and batched records).
 *
 * @example
 * ```ts
 * `$1::${POSTGRES_COLUMN_TYPES.received_at}[]`; // '$1::bigint[]'
 * ```
 */
export const POSTGRES_COLUMN_TYPES: Readonly<Record<(typeof DELIVERY_COLUMNS)[number], string>> = {
  id: 'text',
  received_at: 'bigint',
  provider: 'text',
  event: 'text',
  variant: 'text',
  status: 'text',
  reason: 'text',
  message: 'text',
  dedupe_key: 'text',
  duplicate_of: 'text',
  secret_index: 'integer',
  method: 'text',
  path: 'text',
  headers: 'text',
  body: 'text',
  body_encoding: 'text',
  body_truncated: 'integer',
  payload: 'text',
  duration_ms: 'double precision',
};

/**
 * The claim's `ON CONFLICT … DO UPDATE … WHERE`: a claim takes over a row whose lease or window
 * has passed, or that this very delivery already processes (a claim retried after a lost
 * connection still succeeds). Same text on both engines.
 *
 * @example
 * ```ts
 * const text = `insert into hookgate_dedupe … on conflict (provider, dedupe_key) do update set ${CLAIM_SET} where ${CLAIM_TAKEOVER}`;
 * ```
 */
export const CLAIM_TAKEOVER = `hookgate_dedupe.expires_at <= excluded.claimed_at
  or (hookgate_dedupe.delivery_id = excluded.delivery_id and hookgate_dedupe.state = 'processing')`;

/**
 * The completion's condition: done from now for the window unless another delivery already
 * completed the key within its window (the first completion stays the one later copies point at).
 *
 * @example
 * ```ts
 * const text = `insert into hookgate_dedupe … on conflict (provider, dedupe_key) do update set ${CLAIM_SET} where ${DONE_TAKEOVER}`;
 * ```
 */
export const DONE_TAKEOVER = `hookgate_dedupe.state <> 'done'
  or hookgate_dedupe.expires_at <= excluded.claimed_at
  or hookgate_dedupe.delivery_id = excluded.delivery_id`;

/**
 * `SET` list replacing every claim column with the new row's.
 *
 * @example
 * ```ts
 * const text = `… do update set ${CLAIM_SET} where …`;
 * ```
 */
export const CLAIM_SET = `delivery_id = excluded.delivery_id, state = excluded.state,
  claimed_at = excluded.claimed_at, expires_at = excluded.expires_at`;
