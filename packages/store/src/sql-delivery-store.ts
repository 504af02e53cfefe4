import {
  HookgateError,
  STATS_BUCKET_MS,
  type Delivery,
  type DeliveryPage,
  type DeliveryStatus,
  type DeliveryStore,
  type ListQuery,
  type StatsQuery,
  type StatsResult,
} from '@hookgate/core';
import {
  buildStatsResult,
  encodeCursor,
  normalizeListQuery,
  normalizeStatsQuery,
  type ClaimInput,
  type ClaimResult,
  type CompleteInput,
  type DeliveryInput,
  type NormalizedListQuery,
} from '@hookgate/core/store';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type OnConflictDatabase, type OnConflictTables, type SqlBool } from 'kysely';
import { runMigrations, type MigrationResult, type StoreDialect } from './migrations.js';
import { fromDeliveryRow, toDeliveryRow } from './row-mapping.js';
import type { DedupeTable, DeliveriesTable, StoreDatabase } from './schema.js';

/**
 * A {@link DeliveryStore} backed by SQLite or PostgreSQL, as returned by `openStore`.
 *
 * @example
 * ```ts
 * import { openStore } from '@hookgate/store';
 * const store = await openStore('sqlite:./data/hookgate.db');
 * console.log(store.dialect); // 'sqlite'
 * await store.prune({ olderThan: new Date(Date.now() - 30 * 86_400_000) });
 * await store.close();
 * ```
 */
export interface PersistentDeliveryStore extends DeliveryStore {
  readonly dialect: StoreDialect;
  /** Applies pending schema migrations (done on open unless `migrate: false`). Safe to call concurrently from several processes. */
  migrate(): Promise<MigrationResult>;
  /**
   * Bulk loader for seeding and imports: inserts deliveries in multi-row statements (one
   * transaction per chunk), skipping ids already stored. Accepts any (async) iterable, so
   * millions of rows can be generated lazily. Resolves with the number of new rows.
   */
  insertMany(deliveries: Iterable<DeliveryInput> | AsyncIterable<DeliveryInput>): Promise<number>;
}

/** How the store reaches its database; the dialect-specific parts live in the callers. */
export interface SqlStoreBackend {
  dialect: StoreDialect;
  db: Kysely<StoreDatabase>;
  /** Runs a write (SQLite: through the group commit; PostgreSQL: directly, retried once on a broken connection). */
  write<T>(operation: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** Runs a read (PostgreSQL: retried once on a broken connection). */
  read<T>(operation: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  maxBodyBytes: number;
  /** Where the store came from, for error messages (passwords removed). */
  label: string;
}

/**
 * Rows per bulk statement: SQLite binds 19 parameters per row (19,000 stays under its 32,766
 * limit); PostgreSQL binds one array per column, so bigger chunks only cost memory.
 */
const BULK_CHUNK_ROWS: Readonly<Record<StoreDialect, number>> = { sqlite: 1000, postgres: 2000 };

/** PostgreSQL array type of each column, for `unnest` bulk inserts. */
const POSTGRES_COLUMN_TYPES: Readonly<Record<keyof DeliveriesTable, string>> = {
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
/** A bulk load at least this large refreshes PostgreSQL's planner statistics. */
const ANALYZE_AFTER_ROWS = 10_000;
/** Rows deleted per statement by `prune`, so a big purge never holds the write lock for long. */
const PRUNE_BATCH_ROWS = 5000;
/** How often `claim` retries when the holder vanished between its insert and its lookup. */
const CLAIM_ATTEMPTS = 5;

/** Columns `q` searches, in the order the README lists them. */
const SEARCH_COLUMNS = ['event', 'variant', 'id', 'duplicate_of', 'dedupe_key', 'reason', 'body'] as const;

type DeliveriesExpressionBuilder = ExpressionBuilder<StoreDatabase, 'hookgate_deliveries'>;

/**
 * The one implementation of the delivery store over Kysely, shared by both dialects; only the
 * case-insensitive LIKE operator and NUL handling differ.
 */
export class SqlDeliveryStore implements PersistentDeliveryStore {
  readonly dialect: StoreDialect;
  readonly #backend: SqlStoreBackend;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(backend: SqlStoreBackend) {
    this.#backend = backend;
    this.dialect = backend.dialect;
  }

  migrate(): Promise<MigrationResult> {
    return this.#track(() => this.#backend.read((db) => runMigrations(db, this.dialect)));
  }

  claim(input: ClaimInput): Promise<ClaimResult> {
    return this.#track(() =>
      this.#backend.write(async (db) => {
        for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
          // Insert, or take over a claim whose lease or window has passed (or that this very
          // delivery already processes, so a claim retried after a lost connection still
          // succeeds). One statement, so the database decides the single winner among
          // concurrent claimers, in this process or another.
          const claim: DedupeTable = {
            provider: input.provider,
            dedupe_key: input.dedupeKey,
            delivery_id: input.deliveryId,
            state: 'processing',
            claimed_at: input.now,
            expires_at: input.now + input.leaseMs,
          };
          const won = await upsertClaim(db, claim, (eb) =>
            eb.or([
              eb('hookgate_dedupe.expires_at', '<=', input.now),
              eb.and([eb('hookgate_dedupe.delivery_id', '=', eb.ref('excluded.delivery_id')), eb('hookgate_dedupe.state', '=', 'processing')]),
            ]),
          )
            .returning('delivery_id')
            .executeTakeFirst();
          if (won !== undefined) return { kind: 'claimed' };
          const holder = await db
            .selectFrom('hookgate_dedupe')
            .select(['delivery_id', 'state', 'expires_at'])
            .where('provider', '=', input.provider)
            .where('dedupe_key', '=', input.dedupeKey)
            .executeTakeFirst();
          // The holder released its claim in between: try again.
          if (holder === undefined) continue;
          if (holder.state === 'done') return { kind: 'done', firstDeliveryId: holder.delivery_id };
          return { kind: 'in_progress', holderDeliveryId: holder.delivery_id, leaseExpiresAt: Number(holder.expires_at) };
        }
        throw new Error(`claim(): the key kept changing hands during ${CLAIM_ATTEMPTS} attempts`);
      }),
    );
  }

  complete(input: CompleteInput): Promise<void> {
    return this.#track(async () => {
      const { delivery } = input;
      const dedupeKey = delivery.dedupeKey;
      if (dedupeKey === null) throw new HookgateError('invalid_config', 'complete(): the delivery has no dedupeKey to complete');
      const row = this.#toRow(delivery); // validate before joining a batch
      // Done from now for the window, unless another delivery already completed the key within
      // its window: the first completion stays the one later copies point at.
      const done: DedupeTable = {
        provider: row.provider,
        dedupe_key: dedupeKey,
        delivery_id: delivery.id,
        state: 'done',
        claimed_at: input.now,
        expires_at: input.now + input.windowMs,
      };
      const insertRow = (db: Kysely<StoreDatabase>) =>
        db
          .insertInto('hookgate_deliveries')
          .values(row)
          .onConflict((conflict) => conflict.column('id').doNothing());
      const markDone = (db: Kysely<StoreDatabase>) =>
        upsertClaim(db, done, (eb) =>
          eb.or([
            eb('hookgate_dedupe.state', '<>', 'done'),
            eb('hookgate_dedupe.expires_at', '<=', input.now),
            eb('hookgate_dedupe.delivery_id', '=', eb.ref('excluded.delivery_id')),
          ]),
        );
      await this.#backend.write(async (db) => {
        if (this.dialect === 'postgres') {
          // One statement (the row insert as a data-modifying CTE) is atomic by itself and costs
          // one round trip, where BEGIN … COMMIT would cost four.
          await sql`with recorded as (${insertRow(db)}) ${markDone(db)}`.execute(db);
          return;
        }
        await this.#atomically(db, async (trx) => {
          await insertRow(trx).execute();
          await markDone(trx).execute();
        });
      });
    });
  }

  release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    return this.#track(() =>
      this.#backend.write(async (db) => {
        await db
          .deleteFrom('hookgate_dedupe')
          .where('provider', '=', provider)
          .where('dedupe_key', '=', dedupeKey)
          .where('delivery_id', '=', deliveryId)
          .where('state', '=', 'processing')
          .execute();
      }),
    );
  }

  record(delivery: DeliveryInput): Promise<void> {
    return this.#track(async () => {
      const row = this.#toRow(delivery); // validate before joining a batch
      await this.#backend.write((db) =>
        db
          .insertInto('hookgate_deliveries')
          .values(row)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute(),
      );
    });
  }

  insertMany(deliveries: Iterable<DeliveryInput> | AsyncIterable<DeliveryInput>): Promise<number> {
    return this.#track(async () => {
      const chunkRows = BULK_CHUNK_ROWS[this.dialect];
      let inserted = 0;
      let chunk: DeliveriesTable[] = [];
      const flush = async (): Promise<void> => {
        const rows = chunk;
        chunk = [];
        inserted += await this.#backend.write((db) => (this.dialect === 'postgres' ? insertUnnest(db, rows) : insertValues(db, rows)));
      };
      for await (const delivery of deliveries) {
        if (this.#closed) throw closedError(this.#backend.label);
        chunk.push(this.#toRow(delivery));
        if (chunk.length === chunkRows) await flush();
      }
      if (chunk.length > 0) await flush();
      if (this.dialect === 'postgres' && inserted >= ANALYZE_AFTER_ROWS) {
        // Autovacuum would refresh planner statistics only a minute or so later; until then the
        // planner may sort every match instead of walking an index. ANALYZE samples a fixed
        // number of rows, so it costs about a second whatever the table size.
        await this.#backend.write((db) => sql`analyze hookgate_deliveries`.execute(db));
      }
      return inserted;
    });
  }

  get(id: string): Promise<Delivery | null> {
    return this.#track(() =>
      this.#backend.read(async (db) => {
        const row = await db.selectFrom('hookgate_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? null : fromDeliveryRow(row);
      }),
    );
  }

  list(query: ListQuery = {}): Promise<DeliveryPage> {
    return this.#track(() =>
      this.#backend.read(async (db) => {
        const filter = normalizeListQuery(query);
        const rows = await buildListQuery(db, this.dialect, filter).execute();
        const hasMore = rows.length > filter.limit;
        const items = (hasMore ? rows.slice(0, filter.limit) : rows).map(fromDeliveryRow);
        const last = items.at(-1);
        return { items, nextCursor: hasMore && last !== undefined ? encodeCursor({ receivedAt: last.receivedAt, id: last.id }) : null };
      }),
    );
  }

  stats(query: StatsQuery): Promise<StatsResult> {
    return this.#track(async () => {
      const range = normalizeStatsQuery(query);
      const size = STATS_BUCKET_MS[range.bucket];
      // Epoch-ms integers divide exactly on both engines: floor to the UTC bucket in SQL.
      const bucketStart = sql<number>`(received_at / ${sql.lit(size)}) * ${sql.lit(size)}`;
      const inRange = (eb: DeliveriesExpressionBuilder): Expression<SqlBool> =>
        eb.and([
          eb('received_at', '>=', range.fromMs),
          eb('received_at', '<', range.toMs),
          ...(range.provider === undefined ? [] : [eb('provider', '=', range.provider)]),
        ]);
      const [series, reasons] = await this.#backend.read((db) =>
        Promise.all([
          db
            .selectFrom('hookgate_deliveries')
            .select((eb) => [bucketStart.as('bucket_start'), 'provider', 'status', eb.fn.countAll<number>().as('count')])
            .where(inRange)
            .groupBy([bucketStart, 'provider', 'status'])
            .execute(),
          db
            .selectFrom('hookgate_deliveries')
            .select((eb) => ['reason', eb.fn.countAll<number>().as('count')])
            .where((eb) => eb.and([inRange(eb), eb('reason', 'is not', null)]))
            .groupBy('reason')
            .execute(),
        ]),
      );
      return buildStatsResult(
        range,
        series.map((row) => ({
          bucketStart: Number(row.bucket_start),
          provider: row.provider,
          status: row.status as DeliveryStatus,
          count: Number(row.count),
        })),
        reasons.map((row) => ({ reason: row.reason ?? '', count: Number(row.count) })),
      );
    });
  }

  prune(options: { olderThan: string | Date }): Promise<number> {
    return this.#track(async () => {
      const cutoff = options.olderThan instanceof Date ? options.olderThan.getTime() : Date.parse(options.olderThan);
      if (Number.isNaN(cutoff)) throw new HookgateError('invalid_config', `prune(): 'olderThan' must be a valid date`);
      let deleted = 0;
      for (;;) {
        const result = await this.#backend.write((db) =>
          db
            .deleteFrom('hookgate_deliveries')
            .where('id', 'in', (eb) => eb.selectFrom('hookgate_deliveries').select('id').where('received_at', '<', cutoff).limit(PRUNE_BATCH_ROWS))
            .executeTakeFirst(),
        );
        const batch = Number(result.numDeletedRows);
        deleted += batch;
        if (batch < PRUNE_BATCH_ROWS) break;
      }
      const now = Date.now();
      await this.#backend.write((db) => db.deleteFrom('hookgate_dedupe').where('expires_at', '<=', now).execute());
      return deleted;
    });
  }

  /** Waits for calls already running, then closes the database; later calls reject with `store_closed`. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closing = (async () => {
        await Promise.allSettled([...this.#inFlight]);
        await this.#backend.db.destroy();
      })();
    }
    return this.#closing;
  }

  /**
   * SQLite: runs several statements as one unit. Writes already run inside the group commit's
   * transaction, where a failing statement is undone alone, so a savepoint makes the statements
   * succeed or fail together within that commit.
   */
  async #atomically<T>(db: Kysely<StoreDatabase>, operation: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    await sql`savepoint hookgate_atomic`.execute(db);
    try {
      const result = await operation(db);
      await sql`release savepoint hookgate_atomic`.execute(db);
      return result;
    } catch (error) {
      // SQLite may already have rolled the whole transaction back (then the batch fails as a whole).
      await sql`rollback to savepoint hookgate_atomic`.execute(db).catch(() => undefined);
      await sql`release savepoint hookgate_atomic`.execute(db).catch(() => undefined);
      throw error;
    }
  }

  #toRow(delivery: DeliveryInput): DeliveriesTable {
    return toDeliveryRow(delivery, this.#backend.maxBodyBytes, this.dialect === 'postgres');
  }

  /** Rejects once closed; otherwise runs `operation` and remembers it until it settles, for `close()`. */
  #track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(this.#backend.label));
    const promise = operation();
    this.#inFlight.add(promise);
    const forget = (): void => {
      this.#inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }
}

/**
 * The query behind `list`: filters, keyset position, newest first, one row more than the page
 * to know whether another page follows. Exported for the tests that check its query plan.
 *
 * Every filter except `event` is a plain AND, answered by one index that ends in
 * (received_at, id). `event` matches the event *or* the variant column; an OR across two
 * columns would make the engine collect every match and sort it (seconds at a million rows), so
 * it runs as two branches — `event = x` and `variant = x` (not already matched by event) —
 * each an ordered index scan that stops after one page, merged by id.
 *
 * @example
 * ```ts
 * const { sql } = buildListQuery(db, 'sqlite', normalizeListQuery({ provider: 'pylon' })).compile();
 * ```
 */
export function buildListQuery(db: Kysely<StoreDatabase>, dialect: StoreDialect, filter: NormalizedListQuery) {
  // ASCII-only case folding on both engines: SQLite's LIKE does exactly that, and PostgreSQL's
  // ILIKE under "C" is the same and several times faster than folding Unicode on every row.
  const like = sql.raw(dialect === 'postgres' ? 'collate "C" ilike' : 'like');
  const pageSize = filter.limit + 1;
  const where = (eb: DeliveriesExpressionBuilder, extra: Array<Expression<SqlBool>>): Expression<SqlBool> => {
    const conditions: Array<Expression<SqlBool>> = [...extra];
    if (filter.provider !== undefined) conditions.push(eb('provider', '=', filter.provider));
    if (filter.statuses !== undefined) {
      conditions.push(filter.statuses.length === 1 ? eb('status', '=', filter.statuses[0]!) : eb('status', 'in', [...filter.statuses]));
    }
    if (filter.fromMs !== undefined) conditions.push(eb('received_at', '>=', filter.fromMs));
    if (filter.toMs !== undefined) conditions.push(eb('received_at', '<', filter.toMs));
    if (filter.q !== undefined) conditions.push(searchCondition(eb, like, filter.q));
    if (filter.cursor !== null) {
      // Row-value comparison: both engines turn it into one index range on (received_at, id).
      conditions.push(eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(filter.cursor.receivedAtMs, filter.cursor.id)));
    }
    return eb.and(conditions);
  };
  const newestFirst = <Q extends { orderBy(column: 'received_at' | 'id', direction: 'desc'): Q }>(query: Q): Q =>
    query.orderBy('received_at', 'desc').orderBy('id', 'desc');
  const event = filter.event;
  if (event === undefined) {
    return newestFirst(
      db
        .selectFrom('hookgate_deliveries')
        .selectAll()
        .where((eb) => where(eb, [])),
    ).limit(pageSize);
  }
  const branch = (match: (eb: DeliveriesExpressionBuilder) => Expression<SqlBool>) =>
    newestFirst(
      db
        .selectFrom('hookgate_deliveries')
        .select('id')
        .where((eb) => where(eb, [match(eb)])),
    ).limit(pageSize);
  const byEvent = branch((eb) => eb('event', '=', event));
  // `variant <> event` is the partial index's own predicate (migration 2), spelled the same so
  // both engines can use it; a row with a variant always has an event, so nothing is lost.
  const byVariant = branch((eb) => eb.and([eb('variant', '=', event), eb('variant', '<>', eb.ref('event'))]));
  const ids = db
    .selectFrom(byEvent.as('by_event'))
    .select('by_event.id')
    .unionAll(db.selectFrom(byVariant.as('by_variant')).select('by_variant.id'));
  return newestFirst(db.selectFrom('hookgate_deliveries').selectAll().where('id', 'in', ids)).limit(pageSize);
}

/**
 * Inserts a claim row, or replaces the row holding the same key when `replaceWhen` holds for it
 * (`excluded` is the new row). One statement, so the database picks a single winner.
 */
function upsertClaim(
  db: Kysely<StoreDatabase>,
  claim: DedupeTable,
  replaceWhen: (eb: ExpressionBuilder<OnConflictDatabase<StoreDatabase, 'hookgate_dedupe'>, OnConflictTables<'hookgate_dedupe'>>) => Expression<SqlBool>,
) {
  return db
    .insertInto('hookgate_dedupe')
    .values(claim)
    .onConflict((conflict) =>
      conflict
        .columns(['provider', 'dedupe_key'])
        .doUpdateSet((eb) => ({
          delivery_id: eb.ref('excluded.delivery_id'),
          state: eb.ref('excluded.state'),
          claimed_at: eb.ref('excluded.claimed_at'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where(replaceWhen),
    );
}

/** SQLite bulk insert: one multi-row VALUES statement; returns the rows actually inserted. */
async function insertValues(db: Kysely<StoreDatabase>, rows: DeliveriesTable[]): Promise<number> {
  const result = await db
    .insertInto('hookgate_deliveries')
    .values(rows)
    .onConflict((conflict) => conflict.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * PostgreSQL bulk insert: one array parameter per column, expanded by `unnest` — about three
 * times faster than a VALUES list with a parameter per cell, which the server must parse and bind.
 */
async function insertUnnest(db: Kysely<StoreDatabase>, rows: DeliveriesTable[]): Promise<number> {
  const columns = Object.keys(POSTGRES_COLUMN_TYPES) as Array<keyof DeliveriesTable>;
  const result = await sql`insert into hookgate_deliveries (${sql.join(columns.map((column) => sql.ref(column)))})
    select * from unnest(${sql.join(columns.map((column) => sql`${rows.map((row) => row[column])}::${sql.raw(POSTGRES_COLUMN_TYPES[column])}[]`))})
    on conflict (id) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

function closedError(label: string): HookgateError {
  return new HookgateError('store_closed', `The ${label} store is closed`);
}

/** Case-insensitive substring match over {@link SEARCH_COLUMNS}; `%`, `_` and `\` in the text match literally. */
function searchCondition(eb: DeliveriesExpressionBuilder, like: ReturnType<typeof sql.raw>, text: string): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  return eb.or(SEARCH_COLUMNS.map((column) => sql<SqlBool>`${sql.ref(column)} ${like} ${pattern} escape '\\'`));
}
