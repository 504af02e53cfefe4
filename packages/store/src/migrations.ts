import { HookgateError } from '@hookgate/core';
import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './schema.js';

/**
 * The SQL engines `openStore` speaks.
 *
 * @example
 * ```ts
 * if (store.dialect === 'postgres') console.log('shared by every gateway process');
 * ```
 */
export type StoreDialect = 'sqlite' | 'postgres';

/**
 * What a migration run did.
 *
 * @example
 * ```ts
 * const { version, applied } = await store.migrate(); // { version: 1, applied: [] } when current
 * ```
 */
export interface MigrationResult {
  /** Schema version of the database afterwards. */
  version: number;
  /** Versions applied by this call (empty when the schema was already current). */
  applied: number[];
}

interface Migration {
  version: number;
  name: string;
  up(db: Kysely<StoreDatabase>, dialect: StoreDialect): Promise<void>;
}

/**
 * Ordered, append-only list of schema changes. Never edit a released migration: add the next
 * version instead, so every database walks the same path.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create_deliveries_and_dedupe',
    async up(db, dialect) {
      const postgres = dialect === 'postgres';
      // PostgreSQL sorts text by the database collation, which may ignore '-' or fold case; ids
      // must sort in code-unit order (like SQLite and the memory store) for stable keysets.
      const idType = postgres ? sql`text collate "C"` : sql`text`;
      const epochMs = postgres ? 'bigint' : 'integer';
      await db.schema
        .createTable('hookgate_deliveries')
        .addColumn('id', idType, (column) => column.primaryKey())
        .addColumn('received_at', epochMs, (column) => column.notNull())
        .addColumn('provider', 'text', (column) => column.notNull())
        .addColumn('event', 'text')
        .addColumn('variant', 'text')
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('reason', 'text')
        .addColumn('message', 'text')
        .addColumn('dedupe_key', 'text')
        .addColumn('duplicate_of', 'text')
        .addColumn('secret_index', 'integer')
        .addColumn('method', 'text', (column) => column.notNull())
        .addColumn('path', 'text')
        .addColumn('headers', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('body_encoding', 'text', (column) => column.notNull())
        .addColumn('body_truncated', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('payload', 'text')
        .addColumn('duration_ms', 'double precision', (column) => column.notNull())
        .execute();
      // Every list query orders by (received_at desc, id desc); each filter gets an index that
      // ends in that order, so a filtered first page is an index range scan that stops after
      // `limit` rows instead of a sort over every match. The time index also carries the
      // columns `stats` groups by, so charts are answered from the index alone.
      const indexes = {
        hookgate_deliveries_received_at_idx: ['received_at', 'id', 'provider', 'status', 'reason'],
        hookgate_deliveries_provider_idx: ['provider', 'received_at', 'id'],
        hookgate_deliveries_status_idx: ['status', 'received_at', 'id'],
        hookgate_deliveries_event_idx: ['event', 'received_at', 'id'],
        hookgate_deliveries_variant_idx: ['variant', 'received_at', 'id'],
      } as const;
      for (const [name, columns] of Object.entries(indexes)) {
        await db.schema
          .createIndex(name)
          .on('hookgate_deliveries')
          .columns([...columns])
          .execute();
      }
      let dedupe = db.schema
        .createTable('hookgate_dedupe')
        .addColumn('provider', 'text', (column) => column.notNull())
        .addColumn('dedupe_key', 'text', (column) => column.notNull())
        .addColumn('delivery_id', 'text', (column) => column.notNull())
        .addColumn('claimed_at', epochMs, (column) => column.notNull())
        .addColumn('expires_at', epochMs, (column) => column.notNull())
        .addPrimaryKeyConstraint('hookgate_dedupe_pkey', ['provider', 'dedupe_key']);
      // Small rows looked up by their key: SQLite stores them best in the key's own b-tree.
      if (!postgres) dedupe = dedupe.modifyEnd(sql`without rowid`);
      await dedupe.execute();
      await db.schema.createIndex('hookgate_dedupe_expires_at_idx').on('hookgate_dedupe').column('expires_at').execute();
    },
  },
  {
    version: 2,
    name: 'partial_variant_index',
    async up(db) {
      // For discriminated providers (Pylon) the variant is the event, so an `event` filter's
      // variant branch (`variant = x` where the event differs) walked every row of that event
      // through the full variant index only to reject it: 168–190 ms p95 at 1M rows. Indexing
      // only the rows whose variant differs from their event keeps that branch to real matches.
      await db.schema.dropIndex('hookgate_deliveries_variant_idx').execute();
      await db.schema
        .createIndex('hookgate_deliveries_variant_idx')
        .on('hookgate_deliveries')
        .columns(['variant', 'received_at', 'id'])
        .where(sql.ref('variant'), '<>', sql.ref('event'))
        .execute();
    },
  },
  {
    version: 3,
    name: 'dedupe_claim_state',
    async up(db) {
      // Claims become `processing` (under a lease) until their delivery is handled, then `done`.
      // A claim made before this version was taken for its whole dedupe window at once: reading
      // it as `done` keeps the behaviour it was made with until it expires.
      await db.schema
        .alterTable('hookgate_dedupe')
        .addColumn('state', 'text', (column) => column.notNull().defaultTo('done'))
        .execute();
    },
  },
  {
    version: 4,
    name: 'inbox_attempts_and_jobs',
    async up(db, dialect) {
      const postgres = dialect === 'postgres';
      const epochMs = postgres ? 'bigint' : 'integer';
      // Every run of a delivery's listeners in inbox mode (worker attempts and replays).
      await db.schema
        .createTable('hookgate_attempts')
        .addColumn('id', postgres ? sql`text collate "C"` : sql`text`, (column) => column.primaryKey())
        .addColumn('delivery_id', 'text', (column) => column.notNull())
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('started_at', epochMs, (column) => column.notNull())
        .addColumn('duration_ms', 'double precision', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('trigger', 'text', (column) => column.notNull())
        .addColumn('requested_by', 'text')
        .execute();
      await db.schema.createIndex('hookgate_attempts_delivery_idx').on('hookgate_attempts').columns(['delivery_id', 'attempt']).execute();
      // SQLite's inbox: a `queued`/`retrying` delivery is the job itself; this table holds its
      // schedule and lease once a worker has taken it. (PostgreSQL queues with pg-boss instead.)
      if (!postgres) {
        await db.schema
          .createTable('hookgate_inbox')
          .addColumn('delivery_id', 'text', (column) => column.primaryKey())
          .addColumn('attempts', 'integer', (column) => column.notNull())
          .addColumn('available_at', epochMs, (column) => column.notNull())
          .addColumn('locked_until', epochMs, (column) => column.notNull())
          .addColumn('locked_by', 'text')
          .modifyEnd(sql`without rowid`)
          .execute();
      }
    },
  },
];

/**
 * The schema version this build of `@hookgate/store` creates and expects.
 *
 * @example
 * ```ts
 * const { version } = await store.migrate();
 * if (version !== SCHEMA_VERSION) throw new Error('unexpected schema');
 * ```
 */
export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

/** Arbitrary first key of the PostgreSQL advisory lock ('hkgt'); the second is the schema's hash. */
const ADVISORY_LOCK_KEY = 0x686b6774;

/**
 * Brings the database to {@link SCHEMA_VERSION} in one transaction that holds an exclusive
 * lock — `BEGIN IMMEDIATE` on SQLite, a transaction-scoped advisory lock per schema on
 * PostgreSQL — so two processes opening the same empty database at once apply each migration
 * exactly once, and the second sees the first one's result. DDL is transactional on both
 * engines, so a failed migration leaves nothing half-applied.
 *
 * @example
 * ```ts
 * const { applied } = await runMigrations(db, 'sqlite'); // [1] on an empty database, [] afterwards
 * ```
 */
export async function runMigrations(db: Kysely<StoreDatabase>, dialect: StoreDialect): Promise<MigrationResult> {
  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(ADVISORY_LOCK_KEY)}, hashtext(coalesce(current_schema(), '')))`.execute(trx);
      return applyPending(trx, dialect);
    });
  }
  return db.connection().execute(async (connection) => {
    // A plain BEGIN would take the write lock only at the first write, and a second process
    // could then fail with SQLITE_BUSY instead of waiting out busy_timeout.
    await sql`begin immediate`.execute(connection);
    try {
      const result = await applyPending(connection, dialect);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

async function applyPending(db: Kysely<StoreDatabase>, dialect: StoreDialect): Promise<MigrationResult> {
  await db.schema
    .createTable('hookgate_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('applied_at', dialect === 'postgres' ? 'bigint' : 'integer', (column) => column.notNull())
    .execute();
  let rows: Array<{ version: number }>;
  try {
    rows = await db.selectFrom('hookgate_migrations').select('version').execute();
  } catch (error) {
    // The table existed already (ifNotExists) without our columns: another program's table.
    throw new HookgateError(
      'invalid_config',
      `the database already has a table hookgate_migrations that @hookgate/store did not create (${errorText(error)}); give the store a database or SQLite file of its own`,
      { cause: error },
    );
  }
  const done = new Set(rows.map((row) => Number(row.version)));
  const newest = Math.max(0, ...done);
  if (newest > SCHEMA_VERSION) {
    throw new HookgateError(
      'invalid_config',
      `The store's schema is at version ${newest}, newer than this @hookgate/store supports (${SCHEMA_VERSION}); upgrade @hookgate/store`,
    );
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await migration.up(db, dialect);
    await db.insertInto('hookgate_migrations').values({ version: migration.version, name: migration.name, applied_at: Date.now() }).execute();
    applied.push(migration.version);
  }
  return { version: SCHEMA_VERSION, applied };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
