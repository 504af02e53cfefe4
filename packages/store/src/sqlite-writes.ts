import type { ClaimResult } from '@hookgate/core/store';
import type Database from 'better-sqlite3';
import { CLAIM_ATTEMPTS, CLAIM_SET, CLAIM_TAKEOVER, DELIVERY_COLUMNS, DONE_TAKEOVER, type HotWrites } from './hot-writes.js';
import type { DedupeTable, DeliveriesTable } from './schema.js';
import type { WriteBatch } from './write-batch.js';

const CLAIM_COLUMNS = '(provider, dedupe_key, delivery_id, state, claimed_at, expires_at) values (?, ?, ?, ?, ?, ?)';

const SQL = {
  claim: `insert into hookgate_dedupe ${CLAIM_COLUMNS}
    on conflict (provider, dedupe_key) do update set ${CLAIM_SET} where ${CLAIM_TAKEOVER}
    returning delivery_id`,
  holder: 'select delivery_id, state, expires_at from hookgate_dedupe where provider = ? and dedupe_key = ?',
  insert: `insert into hookgate_deliveries (${DELIVERY_COLUMNS.join(', ')})
    values (${DELIVERY_COLUMNS.map(() => '?').join(', ')}) on conflict (id) do nothing`,
  done: `insert into hookgate_dedupe ${CLAIM_COLUMNS}
    on conflict (provider, dedupe_key) do update set ${CLAIM_SET} where ${DONE_TAKEOVER}`,
  release: `delete from hookgate_dedupe where provider = ? and dedupe_key = ? and delivery_id = ? and state = 'processing'`,
  unrecord: 'delete from hookgate_deliveries where id = ?',
  rollback: 'rollback',
};

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/**
 * The hot writes on SQLite: prepared once (on first use, after migrations created the tables),
 * bound positionally, and run synchronously inside the {@link WriteBatch} group commit. Claims
 * and releases settle once visible to other processes (no fsync of their own); records and
 * completions settle once committed with the configured `synchronous` level (`full` by
 * default: on disk before the caller answers 2xx). A completion stores the row and the done
 * key together or not at all (a row it inserted is taken back when the key fails).
 *
 * @example
 * ```ts
 * const writes = new SqliteWrites((sql) => raw.prepare(sql), batch);
 * await writes.record(toDeliveryRow(delivery, 1 << 20, false));
 * ```
 */
export class SqliteWrites implements HotWrites {
  readonly #prepare: (statement: string) => Database.Statement;
  readonly #batch: WriteBatch;
  #statements: Statements | undefined;

  constructor(prepare: (statement: string) => Database.Statement, batch: WriteBatch) {
    this.#prepare = prepare;
    this.#batch = batch;
  }

  claim(claim: DedupeTable): Promise<ClaimResult> {
    return this.#batch.runSync((): ClaimResult => {
      const statements = this.#prepared();
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const won = statements.claim.get(claim.provider, claim.dedupe_key, claim.delivery_id, claim.state, claim.claimed_at, claim.expires_at);
        if (won !== undefined) return { kind: 'claimed' };
        const holder = statements.holder.get(claim.provider, claim.dedupe_key) as { delivery_id: string; state: string; expires_at: number } | undefined;
        // The holder released its claim in between (impossible inside one write transaction,
        // kept for symmetry with PostgreSQL): try again.
        if (holder === undefined) continue;
        if (holder.state === 'done') return { kind: 'done', firstDeliveryId: holder.delivery_id };
        return { kind: 'in_progress', holderDeliveryId: holder.delivery_id, leaseExpiresAt: Number(holder.expires_at) };
      }
      throw new Error(`claim(): the key kept changing hands during ${CLAIM_ATTEMPTS} attempts`);
    }, 'visible');
  }

  complete(row: DeliveriesTable, done: DedupeTable): Promise<void> {
    return this.#batch.runSync(() => {
      const statements = this.#prepared();
      // Row and done key together or not at all, inside the group commit, without a savepoint
      // (its statement journal cost ~10-15 % of a completion's CPU): SQLite undoes a failing
      // statement on its own, so only a row this call inserted must be taken back when the done
      // key fails after it. If even that fails, the whole transaction is rolled back and every
      // write of the batch rejects (none is committed).
      const inserted = statements.insert.run(deliveryValues(row)).changes > 0;
      try {
        statements.done.run(done.provider, done.dedupe_key, done.delivery_id, done.state, done.claimed_at, done.expires_at);
      } catch (error) {
        if (inserted && statements.unrecord.database.inTransaction) {
          try {
            statements.unrecord.run(row.id);
          } catch {
            statements.rollback.run();
          }
        }
        throw error;
      }
    });
  }

  record(row: DeliveriesTable): Promise<void> {
    return this.#batch.runSync(() => {
      this.#prepared().insert.run(deliveryValues(row));
    });
  }

  release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    return this.#batch.runSync(() => {
      this.#prepared().release.run(provider, dedupeKey, deliveryId);
    }, 'visible');
  }

  /** Prepares every statement on first use (a failure, e.g. tables not migrated, is retried next time). */
  #prepared(): Statements {
    this.#statements ??= Object.fromEntries(Object.entries(SQL).map(([name, text]) => [name, this.#prepare(text)])) as Statements;
    return this.#statements;
  }
}

/**
 * A row's values in {@link DELIVERY_COLUMNS} order.
 *
 * @example
 * ```ts
 * insert.run(deliveryValues(row));
 * ```
 */
export function deliveryValues(row: DeliveriesTable): unknown[] {
  const values = new Array<unknown>(DELIVERY_COLUMNS.length);
  for (let index = 0; index < DELIVERY_COLUMNS.length; index++) values[index] = row[DELIVERY_COLUMNS[index]!];
  return values;
}
