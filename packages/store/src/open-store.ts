import { HookgateError } from '@hookgate/core';
import type { Kysely } from 'kysely';
import { openPostgresDatabase, retryOnBrokenConnection } from './postgres-database.js';
import type { StoreDatabase } from './schema.js';
import { SqlDeliveryStore, type PersistentDeliveryStore, type SqlStoreBackend } from './sql-delivery-store.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { PgBossQueue, type PgBossSettings } from './pg-boss-queue.js';
import { parseStoreUrl, redactStoreError, redactStoreUrl } from './store-url.js';
import { WriteBatch } from './write-batch.js';
import { PostgresWrites } from './postgres-writes.js';
import { SqliteWrites } from './sqlite-writes.js';

/**
 * Options of {@link openStore}. Every field is optional.
 *
 * @example
 * ```ts
 * const store = await openStore('sqlite:./data/hookgate.db', { maxBodyBytes: 256 * 1024, synchronous: 'full' });
 * ```
 */
export interface OpenStoreOptions {
  /** Bodies longer than this many bytes are cut and flagged `bodyTruncated`. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Apply pending schema migrations while opening. Default true. */
  migrate?: boolean | undefined;
  /** SQLite: how long a write waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number | undefined;
  /**
   * SQLite: `full` (default) — a resolved write survives power loss; `normal` — survives a
   * process crash, but the last commits may be lost if the machine loses power.
   */
  synchronous?: 'full' | 'normal' | undefined;
  /** PostgreSQL: most connections in the pool. Default 10. */
  poolSize?: number | undefined;
  /** PostgreSQL: give up connecting after this long, so an unreachable server rejects instead of hanging. Default 5000 ms. */
  connectionTimeoutMs?: number | undefined;
  /** PostgreSQL: where and how the inbox's pg-boss queue runs (started on first inbox use). */
  inbox?: PgBossSettings | undefined;
}

const DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  busyTimeoutMs: 5000,
  poolSize: 10,
  connectionTimeoutMs: 5000,
};

/**
 * Opens the delivery store at `url` and brings its schema up to date:
 * `sqlite:./data/hookgate.db` (file and folders created on first use, WAL) or
 * `postgres://user@host:5432/db` (pooled). Rejects when the database cannot be reached or
 * migrated; with `migrate: false` it connects lazily and the first call rejects instead.
 *
 * @example
 * ```ts
 * import { openStore } from '@hookgate/store';
 * import { createWebhookHandler } from '@hookgate/core';
 *
 * const store = await openStore(process.env.HOOKGATE_STORE ?? 'sqlite:./data/hookgate.db');
 * const handler = createWebhookHandler({ provider, secret, store });
 * const { items, nextCursor } = await store.list({ provider: 'pylon', status: 'handled', limit: 50 });
 * await store.close();
 * ```
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<PersistentDeliveryStore> {
  const location = parseStoreUrl(url);
  const maxBodyBytes = nonNegativeInteger('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes);
  const label = redactStoreUrl(url);
  let backend: SqlStoreBackend;
  if (location.dialect === 'sqlite') {
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') {
      throw new HookgateError('invalid_config', `openStore(): synchronous must be 'full' or 'normal'`);
    }
    const handle = await openSqliteDatabase(location.file, {
      busyTimeoutMs: nonNegativeInteger('busyTimeoutMs', options.busyTimeoutMs, DEFAULTS.busyTimeoutMs),
      synchronous,
    });
    const batch = new WriteBatch(handle.db, handle, synchronous);
    backend = {
      dialect: 'sqlite',
      db: handle.db,
      hot: new SqliteWrites(handle.prepare, batch),
      write: (operation) => batch.run(operation),
      read: (operation) => operation(handle.db),
      maxBodyBytes,
      label,
    };
  } else {
    const poolSize = nonNegativeInteger('poolSize', options.poolSize, DEFAULTS.poolSize);
    if (poolSize < 1) throw new HookgateError('invalid_config', 'openStore(): poolSize must be at least 1');
    const { db, pool } = await openPostgresDatabase(location.connectionString, {
      poolSize,
      connectionTimeoutMs: nonNegativeInteger('connectionTimeoutMs', options.connectionTimeoutMs, DEFAULTS.connectionTimeoutMs),
    });
    // Every operation is idempotent (claims by the same delivery succeed again, records skip
    // known ids), so retrying after a broken connection cannot apply anything twice.
    const attempts = poolSize + 1;
    const run = <T>(operation: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T> =>
      retryOnBrokenConnection(() => operation(db), attempts).catch((error: unknown) => {
        throw postgresError(error, url, label);
      });
    const hot = new PostgresWrites((name, text, values) => run(async () => (await pool.query({ name, text, values })).rows));
    const queue = new PgBossQueue(location.connectionString, options.inbox);
    backend = { dialect: 'postgres', db, hot, write: run, read: run, maxBodyBytes, label, queue };
  }
  const store = new SqlDeliveryStore(backend);
  if (options.migrate ?? true) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  return store;
}

/**
 * What a PostgreSQL call rejects with: a URL node-postgres cannot parse becomes
 * `invalid_config` (it only shows on first use, since the pool connects lazily); anything else
 * keeps its class and `code`, with the URL's password masked wherever the driver quoted it.
 */
function postgresError(error: unknown, url: string, label: string): unknown {
  if (error instanceof TypeError && (error as { code?: unknown }).code === 'ERR_INVALID_URL') {
    return new HookgateError('invalid_config', `openStore(): '${label}' is not a valid PostgreSQL URL`, {
      cause: redactStoreError(error, url),
    });
  }
  return redactStoreError(error, url);
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new HookgateError('invalid_config', `openStore(): ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
