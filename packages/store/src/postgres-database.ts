import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { loadDriver } from './drivers.js';
import type { StoreDatabase } from './schema.js';

/** PostgreSQL settings chosen by `openStore`. */
export interface PostgresSettings {
  poolSize: number;
  connectionTimeoutMs: number;
}

/**
 * An open PostgreSQL pool: the Kysely instance over it, and the pool itself for the batched hot writes.
 *
 * @example
 * ```ts
 * const { db, pool }: PostgresHandle = await openPostgresDatabase(url, { poolSize: 10, connectionTimeoutMs: 5000 });
 * ```
 */
export interface PostgresHandle {
  db: Kysely<StoreDatabase>;
  /** Closed by destroying `db`. */
  pool: pg.Pool;
}

const INT8_OID = 20;

/**
 * Creates the pooled Kysely instance for a `postgres://` URL. Nothing connects until the first
 * query. A connection that breaks (server restart, failover, idle kill) is dropped by the pool
 * and replaced on the next query, so the process keeps working without a restart. pg is loaded
 * here, on first use, so an app that only uses SQLite need not install it; without it this
 * rejects with `HookgateError('missing_driver')`.
 *
 * @example
 * ```ts
 * const { db, pool } = await openPostgresDatabase('postgres://hookgate@db/hookgate', { poolSize: 10, connectionTimeoutMs: 5000 });
 * ```
 */
export async function openPostgresDatabase(connectionString: string, settings: PostgresSettings): Promise<PostgresHandle> {
  const { default: pg } = await loadDriver('pg', () => import('pg'));
  const pool = new pg.Pool({
    connectionString,
    application_name: 'hookgate', // a URL's own application_name wins
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    keepAlive: true,
    // Epoch milliseconds and counts are bigint columns; they stay far below 2^53, so numbers are
    // exact. Set per pool, not on pg's global parser, to leave the app's own pg use alone.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // Without listeners, an idle connection killed by the server would emit an unhandled 'error'
  // and crash the process. The pool already discards the broken client; nothing else to do.
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  return { db: new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) }), pool };
}

function ignore(): void {}

const CONNECTION_ERROR_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, server stop)
  '57P02', // crash_shutdown
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  'ECONNRESET',
  'EPIPE',
]);

/**
 * True for errors that mean an established connection broke (as opposed to a failed statement
 * or a server that cannot be reached at all).
 *
 * @example
 * ```ts
 * isBrokenConnection(Object.assign(new Error('terminating connection'), { code: '57P01' })); // true
 * ```
 */
export function isBrokenConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return /Connection terminated unexpectedly|Client has encountered a connection error|Connection terminated$/.test(error.message);
}

/**
 * Runs an idempotent operation, again on a fresh connection while the pooled ones turn out to
 * be broken — the usual case right after a PostgreSQL restart, when every idle connection in
 * the pool is dead but the server is back. Each failed attempt removes one dead connection, so
 * `attempts` = pool size + 1 always reaches a fresh one; a server that is really down still
 * fails fast (connection refused is not retried).
 *
 * @example
 * ```ts
 * const rows = await retryOnBrokenConnection(() => db.selectFrom('hookgate_deliveries').selectAll().execute(), 11);
 * ```
 */
export async function retryOnBrokenConnection<T>(operation: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isBrokenConnection(error)) throw error;
      // Let the sockets of other dead connections report their end, so the pool drops them.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
