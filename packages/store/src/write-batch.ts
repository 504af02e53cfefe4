import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './schema.js';

/** One write waiting for the next group commit. */
interface PendingWrite {
  run(db: Kysely<StoreDatabase>): Promise<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/**
 * Group commit for SQLite: writes issued in the same event-loop turn run in one
 * `BEGIN IMMEDIATE … COMMIT`, and each promise settles only after that commit. With
 * `synchronous = FULL` a commit costs one fsync, so batching is what lets a durable store keep
 * up with a busy gateway (thousands of claims and records per second) without weakening the
 * promise that nothing is acknowledged before it is on disk.
 *
 * A write that fails on its own (a constraint) rejects alone; SQLite undoes just that
 * statement. If SQLite aborts the whole transaction (disk full, I/O error) or the commit fails,
 * every write of the batch rejects, because none of them is durable.
 *
 * @example
 * ```ts
 * const batch = new WriteBatch(db, () => raw.inTransaction);
 * await batch.run((trx) => trx.insertInto('hookgate_dedupe').values(row).execute());
 * ```
 */
export class WriteBatch {
  readonly #db: Kysely<StoreDatabase>;
  readonly #inTransaction: () => boolean;
  #pending: PendingWrite[] = [];
  #scheduled = false;

  constructor(db: Kysely<StoreDatabase>, inTransaction: () => boolean) {
    this.#db = db;
    this.#inTransaction = inTransaction;
  }

  /** Queues `write` for the next commit; resolves with its result once committed. */
  run<T>(write: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate (not a microtask) so writes from every request handled in this turn join.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    if (batch.length === 0) return;
    try {
      const outcomes = await this.#db.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
        try {
          for (const write of batch) {
            try {
              results.push({ ok: true, value: await write.run(connection) });
            } catch (error) {
              if (!this.#inTransaction()) throw error; // SQLite rolled everything back
              results.push({ ok: false, error });
            }
          }
          await sql`commit`.execute(connection);
        } catch (error) {
          if (this.#inTransaction()) await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
        return results;
      });
      outcomes.forEach((outcome, index) => {
        const write = batch[index]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(outcome.error);
      });
    } catch (error) {
      for (const write of batch) write.reject(error);
    }
  }
}
