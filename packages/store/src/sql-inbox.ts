// The SQL stores' inbox: SQLite queues with its own rows; PostgreSQL with pg-boss in the same database.
import type { DeliveryAttempt, DeliveryInbox, DeliveryStatus, InboxJob, InboxSubscription, InboxWorkOptions } from '@hookgate/core';
import { pollInbox, type CompleteInput, type PolledQueue } from '@hookgate/core/store';
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { CLAIM_SET, DONE_TAKEOVER, POSTGRES_COLUMN_TYPES } from './hot-writes.js';
import type { PgBossExecutor, PgBossQueue } from './pg-boss-queue.js';
import { awaitedBatch } from './turn-batch.js';
import { toDeliveryRow } from './row-mapping.js';
import type { AttemptsTable, DedupeTable, DeliveriesTable, StoreDatabase } from './schema.js';
import type { SqlStoreBackend } from './sql-delivery-store.js';

/** Most enqueues one PostgreSQL transaction carries. */
const ENQUEUE_BATCH = 500;

/** One enqueue of a PostgreSQL batch. */
interface Enqueue {
  row: DeliveriesTable;
  done: DedupeTable;
}

/** One finished attempt of a PostgreSQL batch. */
type Finish = Parameters<PolledQueue['finish']>[0];

/** Statuses of a delivery that still waits for (another) attempt. */
const PENDING_STATUSES = ['queued', 'retrying'] as const;

/**
 * `store.inbox` of the SQLite and PostgreSQL stores.
 *
 * - SQLite: a `queued` or `retrying` delivery row is itself the job (recorded with its claim in
 *   one commit); `hookgate_inbox` keeps its schedule and lease (renewed while the listeners
 *   run). Workers in any process on the same machine take jobs under SQLite's write lock, so
 *   each job has one taker at a time.
 * - PostgreSQL: the delivery row, its `done` claim and a pg-boss job (id = delivery id) are
 *   written in one transaction; workers on any machine fetch with pg-boss, and pg-boss's
 *   maintenance hands the jobs of a crashed worker out again once their lease expires.
 *
 * @example
 * ```ts
 * const store = await openStore('postgres://…');
 * store.inbox.kind; // 'pg-boss'
 * ```
 */
export class SqlInbox implements DeliveryInbox {
  readonly kind: 'sqlite' | 'pg-boss';
  readonly #backend: SqlStoreBackend;
  readonly #queue: PgBossQueue | undefined;
  readonly #subscriptions = new Set<InboxSubscription>();
  readonly #enqueue = awaitedBatch<Enqueue>((batch) => this.#enqueueBatch(batch), { max: ENQUEUE_BATCH });
  readonly #finish = awaitedBatch<Finish>((batch) => this.#finishBatch(batch), { max: ENQUEUE_BATCH });

  readonly #track: <T>(operation: () => Promise<T>) => Promise<T>;

  constructor(backend: SqlStoreBackend, queue: PgBossQueue | undefined, track: <T>(operation: () => Promise<T>) => Promise<T> = (operation) => operation()) {
    this.#backend = backend;
    this.#queue = queue;
    this.#track = track;
    this.kind = backend.dialect === 'postgres' ? 'pg-boss' : 'sqlite';
  }

  /** The store's `maxBodyBytes`: a longer body is not queued (see `DeliveryInbox.maxBodyBytes`). */
  get maxBodyBytes(): number {
    return this.#backend.maxBodyBytes;
  }

  enqueue(input: CompleteInput): Promise<void> {
    return this.#track(() => this.#enqueueOne(input));
  }

  async #enqueueOne(input: CompleteInput): Promise<void> {
    const { delivery } = input;
    if (delivery.dedupeKey === null) throw new TypeError('enqueue(): the delivery has no dedupeKey');
    const row = toDeliveryRow({ ...delivery, status: 'queued' }, this.#backend.maxBodyBytes, this.#backend.dialect === 'postgres');
    const done = {
      provider: row.provider,
      dedupe_key: delivery.dedupeKey,
      delivery_id: delivery.id,
      state: 'done' as const,
      claimed_at: input.now,
      expires_at: input.now + input.windowMs,
    };
    if (this.#queue === undefined) {
      // SQLite: the queued row is the job, so recording it with its claim (one commit) enqueues it.
      await this.#backend.hot.complete(row, done);
      return;
    }
    await this.#queue.ready();
    // Enqueues of one event-loop turn share one transaction (one commit, a handful of
    // statements), like the store's other hot writes: each resolves once that commit is durable.
    await this.#enqueue({ row, done });
  }

  /** Delivery rows, their `done` claims and their pg-boss jobs, in one transaction. */
  #enqueueBatch(batch: Enqueue[]): Promise<void> {
    const queue = this.#queue!;
    return this.#backend.write((db) =>
      db.transaction().execute(async (trx) => {
        await sql`insert into hookgate_deliveries (${insertColumns(POSTGRES_COLUMN_TYPES)}) ${unnestRows(
          batch.map((item) => item.row),
          POSTGRES_COLUMN_TYPES,
        )} on conflict (id) do nothing`.execute(trx);
        await sql`insert into hookgate_dedupe (${insertColumns(CLAIM_TYPES)}) ${unnestRows(
          batch.map((item) => item.done),
          CLAIM_TYPES,
        )} on conflict (provider, dedupe_key) do update set ${sql.raw(CLAIM_SET)} where ${sql.raw(DONE_TAKEOVER)}`.execute(trx);
        await queue.insert(
          batch.map((item) => ({ deliveryId: item.row.id, provider: item.row.provider })),
          executorOf(trx),
        );
      }),
    );
  }

  async work(options: InboxWorkOptions): Promise<InboxSubscription> {
    const polled = this.#queue === undefined ? this.#sqliteQueue() : await this.#pgBossQueue(this.#queue, options);
    const subscription = pollInbox(polled, options);
    this.#subscriptions.add(subscription);
    return {
      get inFlight() {
        return subscription.inFlight;
      },
      stop: async () => {
        await subscription.stop();
        this.#subscriptions.delete(subscription);
      },
    };
  }

  async attempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.#backend.read((db) =>
      db.selectFrom('hookgate_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').orderBy('started_at').orderBy('id').execute(),
    );
    return rows.map(fromAttemptRow);
  }

  async recordAttempt(attempt: DeliveryAttempt, update: { status: DeliveryStatus; reason: string | null; message: string | null }): Promise<boolean> {
    return this.#backend.write((db) =>
      this.#atomically(db, async (trx) => {
        const result = await trx
          .updateTable('hookgate_deliveries')
          .set({ status: update.status, reason: update.reason, message: update.message })
          .where('id', '=', attempt.deliveryId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await insertAttempt(trx, attempt);
        return true;
      }),
    );
  }

  async pending(): Promise<number> {
    const row = await this.#backend.read((db) =>
      db
        .selectFrom('hookgate_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('status', 'in', [...PENDING_STATUSES])
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  }

  /**
   * Called by the store's `close()`: workers still running take no more jobs (stop them first
   * to drain them: a job whose attempt cannot be recorded any more is run again after its
   * lease), and pg-boss stops.
   */
  async close(): Promise<void> {
    this.stopTaking();
    await this.#queue?.stop();
  }

  /** Workers take no more jobs (the first step of the store's `close()`; running ones go on). */
  stopTaking(): void {
    for (const subscription of this.#subscriptions) void subscription.stop().catch(() => undefined);
  }

  #sqliteQueue(): PolledQueue {
    return {
      take: ({ limit, now, leaseMs, workerId }) =>
        this.#backend.write(async (db) => {
          // Inside the group commit's BEGIN IMMEDIATE: no other process writes between the
          // select and the lease, so each due job goes to one worker.
          const due = await db
            .selectFrom('hookgate_deliveries as d')
            .leftJoin('hookgate_inbox as i', 'i.delivery_id', 'd.id')
            .select(['d.id', 'd.provider', 'i.attempts'])
            .where('d.status', 'in', [...PENDING_STATUSES])
            .where((eb) => eb.or([eb('i.delivery_id', 'is', null), eb.and([eb('i.available_at', '<=', now), eb('i.locked_until', '<=', now)])]))
            .orderBy('d.received_at')
            .limit(limit)
            .execute();
          const jobs: InboxJob[] = [];
          for (const row of due) {
            const attempt = Number(row.attempts ?? 0) + 1;
            await db
              .insertInto('hookgate_inbox')
              .values({ delivery_id: row.id, attempts: attempt, available_at: now, locked_until: now + leaseMs, locked_by: workerId })
              .onConflict((conflict) => conflict.column('delivery_id').doUpdateSet({ attempts: attempt, locked_until: now + leaseMs, locked_by: workerId }))
              .execute();
            jobs.push({ deliveryId: row.id, provider: row.provider, attempt });
          }
          return jobs;
        }),
      finish: ({ job, attempt, status, reason, message, retryAt }) =>
        this.#backend.write((db) =>
          this.#atomically(db, async (trx) => {
            await trx.updateTable('hookgate_deliveries').set({ status, reason, message }).where('id', '=', job.deliveryId).execute();
            await insertAttempt(trx, attempt);
            if (retryAt === null) await trx.deleteFrom('hookgate_inbox').where('delivery_id', '=', job.deliveryId).execute();
            else {
              await trx
                .updateTable('hookgate_inbox')
                .set({ available_at: retryAt, locked_until: 0, locked_by: null })
                .where('delivery_id', '=', job.deliveryId)
                .execute();
            }
          }),
        ),
      // Only the taker of this very attempt extends it: after a takeover `attempts` moved on,
      // after finish() `locked_by` is null or the row is gone.
      renew: ({ job, now, leaseMs, workerId }) =>
        this.#backend.write(async (db) => {
          const result = await db
            .updateTable('hookgate_inbox')
            .set({ locked_until: now + leaseMs })
            .where('delivery_id', '=', job.deliveryId)
            .where('attempts', '=', job.attempt)
            .where('locked_by', '=', workerId)
            .executeTakeFirst();
          return Number(result.numUpdatedRows) > 0;
        }),
    };
  }

  async #pgBossQueue(queue: PgBossQueue, options: InboxWorkOptions): Promise<PolledQueue> {
    await queue.ready({ leaseMs: options.leaseMs, retry: options.retry });
    return {
      take: ({ limit, leaseMs }) => queue.fetch(limit, leaseMs),
      // Only the take that still holds the job extends it (see PgBossQueue.renew).
      renew: ({ job, leaseMs }) => queue.renew(job, leaseMs),
      // Attempts finished in one turn are recorded with their pg-boss moves in one transaction:
      // an attempt is recorded if and only if pg-boss moves its job on.
      finish: (input) => this.#finish(input),
    };
  }

  #finishBatch(batch: Finish[]): Promise<void> {
    const queue = this.#queue!;
    const updates = batch.map(({ job, status, reason, message }) => ({ id: job.deliveryId, status, reason, message }));
    return this.#backend.write((db) =>
      db.transaction().execute(async (trx) => {
        await sql`update hookgate_deliveries as d set status = u.status, reason = u.reason, message = u.message
          from (${unnestRows(updates, STATUS_TYPES)}) as u where d.id = u.id`.execute(trx);
        await sql`insert into hookgate_attempts (${insertColumns(ATTEMPT_TYPES)}) ${unnestRows(
          batch.map((finish) => attemptRow(finish.attempt)),
          ATTEMPT_TYPES,
        )} on conflict (id) do nothing`.execute(trx);
        await queue.settle(
          batch.map((finish) => ({ job: finish.job, status: finish.status, error: finish.attempt.error, retryAt: finish.retryAt })),
          executorOf(trx),
        );
      }),
    );
  }

  /**
   * Several statements as one unit. SQLite: writes already run inside the group commit's
   * transaction, so a savepoint; PostgreSQL: a transaction.
   */
  async #atomically<T>(db: Kysely<StoreDatabase>, operation: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    if (this.#backend.dialect === 'postgres') return db.transaction().execute(operation);
    await sql`savepoint hookgate_inbox`.execute(db);
    try {
      const result = await operation(db);
      await sql`release savepoint hookgate_inbox`.execute(db);
      return result;
    } catch (error) {
      await sql`rollback to savepoint hookgate_inbox`.execute(db).catch(() => undefined);
      await sql`release savepoint hookgate_inbox`.execute(db).catch(() => undefined);
      throw error;
    }
  }
}

/** PostgreSQL types of the `hookgate_dedupe` columns, in insert order. */
const CLAIM_TYPES: Readonly<Record<keyof DedupeTable, string>> = {
  provider: 'text',
  dedupe_key: 'text',
  delivery_id: 'text',
  state: 'text',
  claimed_at: 'bigint',
  expires_at: 'bigint',
};

/** PostgreSQL types of the `hookgate_attempts` columns, in insert order. */
const ATTEMPT_TYPES: Readonly<Record<keyof AttemptsTable, string>> = {
  id: 'text',
  delivery_id: 'text',
  attempt: 'integer',
  started_at: 'bigint',
  duration_ms: 'double precision',
  error: 'text',
  trigger: 'text',
  requested_by: 'text',
};

/** The status columns a finished attempt sets, keyed by delivery id. */
const STATUS_TYPES = { id: 'text', status: 'text', reason: 'text', message: 'text' } as const;

/**
 * `select * from unnest($1::type[], …) as rows(col, …)`: many rows as one array parameter per
 * column (the columns and their order are `types`' keys), so a batch is one statement whatever
 * its size. `insertColumns(types)` is the matching column list of an insert.
 */
function unnestRows<R extends object>(rows: readonly R[], types: Readonly<Record<keyof R & string, string>>) {
  const columns = Object.keys(types) as Array<keyof R & string>;
  const arrays = columns.map((name) => sql`${rows.map((row) => row[name])}::${sql.raw(types[name])}[]`);
  return sql`select * from unnest(${sql.join(arrays)}) as rows(${insertColumns(types)})`;
}

function insertColumns(types: object) {
  return sql.join(Object.keys(types).map((name) => sql.ref(name)));
}

/** Runs pg-boss's statements on a Kysely transaction's connection. */
function executorOf(trx: Transaction<StoreDatabase> | Kysely<StoreDatabase>): PgBossExecutor {
  return {
    async executeSql(text, values) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows as unknown[] };
    },
  };
}

async function insertAttempt(db: Kysely<StoreDatabase>, attempt: DeliveryAttempt): Promise<void> {
  await db
    .insertInto('hookgate_attempts')
    .values(attemptRow(attempt))
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

function attemptRow(attempt: DeliveryAttempt): AttemptsTable {
  return {
    id: attempt.id,
    delivery_id: attempt.deliveryId,
    attempt: attempt.attempt,
    started_at: Date.parse(attempt.startedAt),
    duration_ms: attempt.durationMs,
    error: attempt.error,
    trigger: attempt.trigger,
    requested_by: attempt.requestedBy,
  };
}

function fromAttemptRow(row: AttemptsTable): DeliveryAttempt {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    attempt: Number(row.attempt),
    startedAt: new Date(Number(row.started_at)).toISOString(),
    durationMs: Number(row.duration_ms),
    error: row.error,
    trigger: row.trigger === 'replay' ? 'replay' : 'worker',
    requestedBy: row.requested_by,
  };
}
