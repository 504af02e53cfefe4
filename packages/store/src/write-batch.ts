import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './schema.js';

/**
 * What {@link WriteBatch} needs of the raw SQLite connection under the Kysely instance.
 *
 * @example
 * ```ts
 * const control: SqliteConnectionControl = { inTransaction: () => raw.inTransaction, exec: (statement) => raw.exec(statement) };
 * ```
 */
export interface SqliteConnectionControl {
  /** True while a transaction is open (false after SQLite rolled one back on its own). */
  inTransaction(): boolean;
  /** Runs one SQL statement without results (BEGIN, COMMIT, PRAGMA …) synchronously. */
  exec(statement: string): void;
  /**
   * Called after each commit that has a `configured` write, before any write of it settles:
   * throws when the committed data is not where the store will read it (the database file was
   * deleted or replaced), which fails every write of the batch.
   */
  checkFile?(): void;
}

/**
 * How durable a write must be before its promise settles.
 *
 * @example
 * ```ts
 * await batch.runSync(() => claim.get(...values), 'visible' satisfies WriteDurability);
 * ```
 */
export type WriteDurability =
  /** Settles after a commit with the store's configured `synchronous` level (records, completions). */
  | 'configured'
  /**
   * Settles after a commit that other connections see, fsynced or not: a dedupe claim or its
   * release. Nothing is acknowledged to a sender on the strength of it, and in WAL mode the next
   * fsynced commit makes it durable too; only a power loss before that can undo it, and that
   * also stops every listener it guarded.
   */
  | 'visible';

/** One write waiting for the next group commit. */
type PendingWrite = {
  durability: WriteDurability;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
} & ({ sync: () => unknown; run?: undefined } | { sync?: undefined; run(db: Kysely<StoreDatabase>): Promise<unknown> });

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for SQLite: writes issued in the same event-loop turn run in one
 * `BEGIN IMMEDIATE … COMMIT`, and each promise settles only after that commit. With
 * `synchronous = FULL` a commit costs one fsync, so batching is what lets a durable store keep
 * up with a busy gateway (thousands of claims and records per second) without weakening the
 * promise that nothing is acknowledged before it is on disk.
 *
 * The hot writes (claim, complete, record, release) are synchronous functions over prepared
 * statements ({@link WriteBatch.runSync}); a batch made only of those runs in one synchronous
 * stretch with no Kysely query building and no promise per statement. Other writes (prune, bulk
 * loads) go through Kysely ({@link WriteBatch.run}). A batch whose writes all only need to be
 * `visible` (claims) commits with `synchronous = NORMAL`: no fsync, since no sender is answered
 * on it (see {@link WriteDurability}).
 *
 * A write that fails on its own (a constraint) rejects alone; SQLite undoes just that
 * statement. If SQLite aborts the whole transaction (disk full, I/O error, `RAISE(ROLLBACK)`) or
 * the commit fails, every write of the batch rejects, because none of them is durable.
 *
 * @example
 * ```ts
 * const batch = new WriteBatch(db, { inTransaction: () => raw.inTransaction, exec: (s) => raw.exec(s) }, 'full');
 * await batch.runSync(() => insertClaim.run(provider, key, id), 'visible');
 * await batch.run((trx) => trx.deleteFrom('hookgate_dedupe').where('expires_at', '<=', Date.now()).execute());
 * ```
 */
export class WriteBatch {
  readonly #db: Kysely<StoreDatabase>;
  readonly #connection: SqliteConnectionControl;
  readonly #configured: 'full' | 'normal';
  /** The `synchronous` level currently set on the connection. */
  #current: 'full' | 'normal';
  #pending: PendingWrite[] = [];
  #scheduled = false;
  /** The flush in progress (flushes never overlap: one connection, one transaction at a time). */
  #tail: Promise<void> = Promise.resolve();

  constructor(db: Kysely<StoreDatabase>, connection: SqliteConnectionControl, synchronous: 'full' | 'normal') {
    this.#db = db;
    this.#connection = connection;
    this.#configured = synchronous;
    this.#current = synchronous;
  }

  /** Queues a Kysely `write` for the next commit; resolves with its result once committed. */
  run<T>(write: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return this.#queue(undefined, write, 'configured');
  }

  /**
   * Queues a synchronous write on the raw connection (prepared statements) for the next commit;
   * resolves with its result once committed with the given durability.
   */
  runSync<T>(write: () => T, durability: WriteDurability = 'configured'): Promise<T> {
    return this.#queue(write, undefined, durability);
  }

  #queue<T>(sync: (() => unknown) | undefined, run: ((db: Kysely<StoreDatabase>) => Promise<unknown>) | undefined, durability: WriteDurability): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // One literal of a fixed shape: spreading the write into it took V8's generic copy (5-6 %
      // of the gateway's time with SQLite, one per claim and per completion).
      this.#pending.push({ sync, run, durability, resolve: resolve as (value: unknown) => void, reject } as PendingWrite);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate (not a microtask) so writes from every request handled in this turn join.
        setImmediate(() => {
          this.#tail = this.#tail.then(() => this.#flush());
        });
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      // Another transaction on this connection (a migration run through Kysely) is open: wait for
      // it through Kysely's connection lock instead of nesting.
      const syncOnly = batch.every((write) => write.sync !== undefined) && !this.#connection.inTransaction();
      // A batch of claims and releases only (all `visible`) acknowledges nothing to a sender.
      const acknowledges = batch.some((write) => write.durability === 'configured');
      outcomes = syncOnly ? this.#commitSync(batch, acknowledges) : await this.#commitAsync(batch, acknowledges);
      // Only commits that acknowledge something (records, completions) need the check (~5 µs):
      // a claim in a moved file is followed by a record that fails it.
      if (acknowledges) this.#connection.checkFile?.();
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const write = batch[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /** Sets `synchronous` for the coming commit (outside a transaction, where SQLite allows it). */
  #setSynchronous(acknowledges: boolean): void {
    const wanted = this.#configured === 'normal' || !acknowledges ? 'normal' : 'full';
    if (wanted === this.#current) return;
    this.#connection.exec(`pragma synchronous = ${wanted}`);
    this.#current = wanted;
  }

  #commitSync(batch: readonly PendingWrite[], acknowledges: boolean): Outcome[] {
    const connection = this.#connection;
    this.#setSynchronous(acknowledges);
    connection.exec('begin immediate');
    const outcomes: Outcome[] = [];
    try {
      for (const write of batch) {
        try {
          outcomes.push({ ok: true, value: write.sync!() });
        } catch (error) {
          if (!connection.inTransaction()) throw error; // SQLite rolled everything back
          outcomes.push({ ok: false, error });
        }
      }
      connection.exec('commit');
    } catch (error) {
      if (connection.inTransaction()) {
        try {
          connection.exec('rollback');
        } catch {
          // The batch fails with the original error either way.
        }
      }
      throw error;
    }
    return outcomes;
  }

  #commitAsync(batch: readonly PendingWrite[], acknowledges: boolean): Promise<Outcome[]> {
    return this.#db.connection().execute(async (connection) => {
      this.#setSynchronous(acknowledges);
      await sql`begin immediate`.execute(connection);
      const outcomes: Outcome[] = [];
      try {
        for (const write of batch) {
          try {
            outcomes.push({ ok: true, value: write.sync !== undefined ? write.sync() : await write.run(connection) });
          } catch (error) {
            if (!this.#connection.inTransaction()) throw error; // SQLite rolled everything back
            outcomes.push({ ok: false, error });
          }
        }
        await sql`commit`.execute(connection);
      } catch (error) {
        if (this.#connection.inTransaction()) await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
      return outcomes;
    });
  }
}
