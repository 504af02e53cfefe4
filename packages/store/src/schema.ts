/**
 * Row types of the tables `@hookgate/store` owns, as Kysely sees them. Both dialects use the
 * same shapes: times are epoch milliseconds (`bigint` on PostgreSQL, read back as numbers),
 * JSON is kept as text so a payload reads back byte-for-byte with its key order, and flags are
 * 0/1 integers.
 */

/**
 * `hookgate_deliveries`: one row per recorded delivery.
 *
 * @example
 * ```ts
 * db.selectFrom('hookgate_deliveries').select(['id', 'status']).where('provider', '=', 'pylon');
 * ```
 */
export interface DeliveriesTable {
  id: string;
  received_at: number;
  provider: string;
  event: string | null;
  variant: string | null;
  status: string;
  reason: string | null;
  message: string | null;
  dedupe_key: string | null;
  duplicate_of: string | null;
  secret_index: number | null;
  method: string;
  path: string | null;
  /** JSON object text, lower-case names, credentials already redacted by the handler. */
  headers: string;
  body: string;
  body_encoding: string;
  body_truncated: number;
  /** JSON text or null. */
  payload: string | null;
  duration_ms: number;
}

/**
 * `hookgate_dedupe`: the claim on (provider, dedupe_key) that makes dedupe atomic across
 * processes. A claim is `processing` (its delivery's listeners are running) until `expires_at`,
 * the end of its lease, or `done` (handled) until `expires_at`, the end of the dedupe window.
 * Either way a row whose `expires_at` has passed no longer holds the key.
 *
 * @example
 * ```ts
 * db.selectFrom('hookgate_dedupe').select('delivery_id').where('state', '=', 'done').where('expires_at', '>', Date.now());
 * ```
 */
export interface DedupeTable {
  provider: string;
  dedupe_key: string;
  delivery_id: string;
  /** `processing` or `done` (migration 3; claims made before it read as `done`). */
  state: ClaimState;
  claimed_at: number;
  expires_at: number;
}

/**
 * The lifecycle state of a row of {@link DedupeTable}.
 *
 * @example
 * ```ts
 * const state: ClaimState = 'processing';
 * ```
 */
export type ClaimState = 'processing' | 'done';

/**
 * `hookgate_attempts` (migration 4): one row per run of a delivery's listeners in inbox mode —
 * worker attempts and replays.
 *
 * @example
 * ```ts
 * db.selectFrom('hookgate_attempts').selectAll().where('delivery_id', '=', id).orderBy('attempt');
 * ```
 */
export interface AttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  /** The listener's error message, null when it completed. */
  error: string | null;
  /** `worker` or `replay`. */
  trigger: string;
  /** The worker id, or who asked for the replay. */
  requested_by: string | null;
}

/**
 * `hookgate_inbox` (migration 4, SQLite only): the schedule and lease of a `queued`/`retrying`
 * delivery once a worker has taken it. A queued delivery without a row is due at once.
 *
 * @example
 * ```ts
 * db.selectFrom('hookgate_inbox').select(['delivery_id', 'attempts']).where('locked_until', '>', Date.now());
 * ```
 */
export interface InboxTable {
  delivery_id: string;
  /** Attempts taken so far (the one running included). */
  attempts: number;
  /** Not taken again before this time (epoch ms): the retry's backoff. */
  available_at: number;
  /** The lease of the worker running it (epoch ms); 0 when none. */
  locked_until: number;
  locked_by: string | null;
}

/**
 * `hookgate_migrations`: the schema versions applied to this database.
 *
 * @example
 * ```ts
 * db.selectFrom('hookgate_migrations').select(['version', 'applied_at']);
 * ```
 */
export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/**
 * The Kysely database type of a Hookgate store, for reports written directly against its tables.
 *
 * @example
 * ```ts
 * import { Kysely, SqliteDialect } from 'kysely';
 * import Database from 'better-sqlite3';
 * import type { StoreDatabase } from '@hookgate/store';
 * const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: new Database('data/hookgate.db') }) });
 * const failures = await db.selectFrom('hookgate_deliveries').select('reason').where('status', '=', 'handler_error').execute();
 * ```
 */
export interface StoreDatabase {
  hookgate_deliveries: DeliveriesTable;
  hookgate_dedupe: DedupeTable;
  hookgate_migrations: MigrationsTable;
  hookgate_attempts: AttemptsTable;
  hookgate_inbox: InboxTable;
}
