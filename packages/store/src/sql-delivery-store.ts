import {
  HookgateError,
  STATS_BUCKET_MS,
  type Delivery,
  type DeliveryPage,
  type DeliveryInbox,
  type DeliveryStatus,
  type DeliveryStore,
  type DeliverySummary,
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
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { DELIVERY_COLUMNS, POSTGRES_COLUMN_TYPES, type HotWrites } from './hot-writes.js';
import { runMigrations, type MigrationResult, type StoreDialect } from './migrations.js';
import type { PgBossQueue } from './pg-boss-queue.js';
import { SqlInbox } from './sql-inbox.js';
import { fromDeliveryRow, fromSummaryRow, toDeliveryRow } from './row-mapping.js';
import type { DeliveriesTable, StoreDatabase } from './schema.js';

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
  /** The durable inbox (inbox mode, `startWorker()`): SQLite's own queued rows, or pg-boss on PostgreSQL. */
  readonly inbox: DeliveryInbox;
}

/** How the store reaches its database; the dialect-specific parts live in the callers. */
export interface SqlStoreBackend {
  dialect: StoreDialect;
  db: Kysely<StoreDatabase>;
  /** The per-delivery writes (claim, complete, record, release), without Kysely. */
  hot: HotWrites;
  /** Runs a write (SQLite: through the group commit; PostgreSQL: directly, retried once on a broken connection). */
  write<T>(operation: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** Runs a read (PostgreSQL: retried once on a broken connection). */
  read<T>(operation: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  maxBodyBytes: number;
  /** Where the store came from, for error messages (passwords removed). */
  label: string;
  /** PostgreSQL: the inbox's pg-boss queue (started on first use). */
  queue?: PgBossQueue | undefined;
}

/**
 * Rows per bulk statement: SQLite binds 19 parameters per row (19,000 stays under its 32,766
 * limit); PostgreSQL binds one array per column, so bigger chunks only cost memory.
 */
const BULK_CHUNK_ROWS: Readonly<Record<StoreDialect, number>> = { sqlite: 1000, postgres: 2000 };

/** A bulk load at least this large refreshes PostgreSQL's planner statistics. */
const ANALYZE_AFTER_ROWS = 10_000;
/** Rows deleted per statement by `prune`, so a big purge never holds the write lock for long. */
const PRUNE_BATCH_ROWS = 5000;

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

  /** The durable inbox (inbox mode, `startWorker()`): SQLite's own queued rows, or pg-boss on PostgreSQL. */
  readonly inbox: SqlInbox;

  constructor(backend: SqlStoreBackend) {
    this.#backend = backend;
    this.dialect = backend.dialect;
    // Enqueues are store calls like the others: close() waits for them, later ones get store_closed.
    this.inbox = new SqlInbox(backend, backend.queue, (operation) => this.#track(operation));
  }

  migrate(): Promise<MigrationResult> {
    return this.#track(() => this.#backend.read((db) => runMigrations(db, this.dialect)));
  }

  claim(input: ClaimInput): Promise<ClaimResult> {
    return this.#track(() =>
      this.#backend.hot.claim({
        provider: input.provider,
        dedupe_key: input.dedupeKey,
        delivery_id: input.deliveryId,
        state: 'processing',
        claimed_at: input.now,
        expires_at: input.now + input.leaseMs,
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
      await this.#backend.hot.complete(row, {
        provider: row.provider,
        dedupe_key: dedupeKey,
        delivery_id: delivery.id,
        state: 'done',
        claimed_at: input.now,
        expires_at: input.now + input.windowMs,
      });
    });
  }

  release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    return this.#track(() => this.#backend.hot.release(provider, dedupeKey, deliveryId));
  }

  record(delivery: DeliveryInput): Promise<void> {
    return this.#track(async () => {
      const row = this.#toRow(delivery); // validate before joining a batch
      await this.#backend.hot.record(row);
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
    return this.#page(query, ALL_COLUMNS, fromDeliveryRow);
  }

  /** {@link DeliveryStore.listSummaries}: the same page without reading headers, bodies or payloads. */
  listSummaries(query: ListQuery = {}): Promise<DeliveryPage<DeliverySummary>> {
    return this.#page(query, SUMMARY_COLUMNS, fromSummaryRow);
  }

  #page<T extends DeliverySummary>(
    query: ListQuery,
    columns: ReadonlyArray<keyof DeliveriesTable>,
    read: (row: DeliveriesTable) => T,
  ): Promise<DeliveryPage<T>> {
    return this.#track(() =>
      this.#backend.read(async (db) => {
        const filter = normalizeListQuery(query);
        // A search reads at most `searchWindow` rows: find where that window ends (the rows the
        // other filters select, newest first), and search above it only (ListQuery.q).
        const windowEnd =
          filter.q === undefined || filter.searchWindow === Number.POSITIVE_INFINITY
            ? undefined
            : await buildListQuery(db, this.dialect, { ...filter, q: undefined }, { rows: 1, offset: filter.searchWindow - 1 }).executeTakeFirst();
        const floor = windowEnd === undefined ? null : { receivedAtMs: Number(windowEnd.received_at), id: windowEnd.id };
        const rows = await buildListQuery(db, this.dialect, filter, { floor, columns }).execute();
        const hasMore = rows.length > filter.limit;
        const items = (hasMore ? rows.slice(0, filter.limit) : rows).map(read);
        const last = items.at(-1);
        if (hasMore && last !== undefined) return { items, nextCursor: encodeCursor({ receivedAt: last.receivedAt, id: last.id }) };
        if (floor === null) return { items, nextCursor: null };
        // The window ended before the matches did: the next page searches below its last row.
        const older = await buildListQuery(db, this.dialect, { ...filter, q: undefined, cursor: floor }, { rows: 1 }).executeTakeFirst();
        return { items, nextCursor: older === undefined ? null : encodeCursor({ receivedAt: new Date(floor.receivedAtMs).toISOString(), id: floor.id }) };
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
        const batch = await this.#backend.write(async (db) => {
          // A delivery the inbox still has to run (answered 202, queued or retrying) is kept
          // whatever its age: deleting it would drop an acknowledged delivery unrun.
          const ids = (
            await db
              .selectFrom('hookgate_deliveries')
              .select('id')
              .where((eb) => eb.and([eb('received_at', '<', cutoff), eb('status', 'not in', ['queued', 'retrying'])]))
              .limit(PRUNE_BATCH_ROWS)
              .execute()
          ).map((row) => row.id);
          if (ids.length === 0) return 0;
          // Its attempts go with it (dashboard retention: "with their attempts").
          await db.deleteFrom('hookgate_attempts').where('delivery_id', 'in', ids).execute();
          const result = await db.deleteFrom('hookgate_deliveries').where('id', 'in', ids).executeTakeFirst();
          return Number(result.numDeletedRows);
        });
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
        this.inbox.stopTaking();
        await Promise.allSettled([...this.#inFlight]);
        await this.inbox.close().catch(() => undefined);
        await this.#backend.db.destroy();
      })();
    }
    return this.#closing;
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
export function buildListQuery(
  db: Kysely<StoreDatabase>,
  dialect: StoreDialect,
  filter: NormalizedListQuery,
  options: {
    /** Only rows at or above this position (a search window's last row). */
    floor?: { receivedAtMs: number; id: string } | null | undefined;
    /** Rows to return (default: a page and one more, to tell whether there are more). */
    rows?: number | undefined;
    /** Rows to skip first (with `rows: 1`: the row at that place in the order). */
    offset?: number | undefined;
    /** The columns to read (default all; {@link SUMMARY_COLUMNS} for `listSummaries`). */
    columns?: ReadonlyArray<keyof DeliveriesTable> | undefined;
  } = {},
) {
  const columns = options.columns ?? ALL_COLUMNS;
  // ASCII-only case folding on both engines: SQLite's LIKE does exactly that, and PostgreSQL's
  // ILIKE under "C" is the same and several times faster than folding Unicode on every row.
  const like = sql.raw(dialect === 'postgres' ? 'collate "C" ilike' : 'like');
  const offset = options.offset ?? 0;
  const pageSize = options.rows ?? filter.limit + 1;
  const { floor } = options;
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
    if (floor) conditions.push(eb(eb.refTuple('received_at', 'id'), '>=', eb.tuple(floor.receivedAtMs, floor.id)));
    return eb.and(conditions);
  };
  const window = <Q extends { limit(rows: number): Q; offset(rows: number): Q }>(query: Q, rows: number): Q =>
    offset > 0 ? query.limit(rows).offset(offset) : query.limit(rows);
  const newestFirst = <Q extends { orderBy(column: 'received_at' | 'id', direction: 'desc'): Q }>(query: Q): Q =>
    query.orderBy('received_at', 'desc').orderBy('id', 'desc');
  const event = filter.event;
  if (event === undefined) {
    return window(
      newestFirst(
        db
          .selectFrom('hookgate_deliveries')
          .select(columns)
          .where((eb) => where(eb, [])),
      ),
      pageSize,
    );
  }
  const branch = (match: (eb: DeliveriesExpressionBuilder) => Expression<SqlBool>) =>
    newestFirst(
      db
        .selectFrom('hookgate_deliveries')
        .select('id')
        .where((eb) => where(eb, [match(eb)])),
    ).limit(offset + pageSize);
  const byEvent = branch((eb) => eb('event', '=', event));
  // `variant <> event` is the partial index's own predicate (migration 2), spelled the same so
  // both engines can use it; a row with a variant always has an event, so nothing is lost.
  const byVariant = branch((eb) => eb.and([eb('variant', '=', event), eb('variant', '<>', eb.ref('event'))]));
  const ids = db
    .selectFrom(byEvent.as('by_event'))
    .select('by_event.id')
    .unionAll(db.selectFrom(byVariant.as('by_variant')).select('by_variant.id'));
  return window(newestFirst(db.selectFrom('hookgate_deliveries').select(columns).where('id', 'in', ids)), pageSize);
}

/** Every column of `hookgate_deliveries`, in the table's order. */
const ALL_COLUMNS: ReadonlyArray<keyof DeliveriesTable> = DELIVERY_COLUMNS;

/** What a {@link DeliverySummary} is read from: every column but headers, body and payload. */
const SUMMARY_COLUMNS: ReadonlyArray<keyof DeliveriesTable> = ALL_COLUMNS.filter((column) => column !== 'headers' && column !== 'body' && column !== 'payload');

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
