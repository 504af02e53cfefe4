import type { ClaimResult } from '@hookgate/core/store';
import { CLAIM_ATTEMPTS, CLAIM_SET, CLAIM_TAKEOVER, DELIVERY_COLUMNS, DONE_TAKEOVER, POSTGRES_COLUMN_TYPES, type HotWrites } from './hot-writes.js';
import type { DedupeTable, DeliveriesTable } from './schema.js';
import { TurnBatch } from './turn-batch.js';

/**
 * Runs one statement (a named, prepared statement on whichever pooled connection runs it) in its
 * own implicit transaction and resolves with its rows once committed.
 *
 * @example
 * ```ts
 * const execute: PostgresExecute = async (name, text, values) => (await pool.query({ name, text, values })).rows;
 * ```
 */
export type PostgresExecute = (name: string, text: string, values: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Most calls one batched statement carries (the arrays grow with it, the round trip does not).
 *
 * @example
 * ```ts
 * if (batch.length >= MAX_BATCH) later.push(item);
 * ```
 */
export const MAX_BATCH = 512;

const CLAIM_SQL = `with input as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
    with ordinality as input(provider, dedupe_key, delivery_id, claimed_at, expires_at, n)
), won as (
  insert into hookgate_dedupe (provider, dedupe_key, delivery_id, state, claimed_at, expires_at)
  select provider, dedupe_key, delivery_id, 'processing', claimed_at, expires_at from input order by provider, dedupe_key
  on conflict (provider, dedupe_key) do update set ${CLAIM_SET} where ${CLAIM_TAKEOVER}
  returning provider, dedupe_key
)
select input.n::integer as n, won.provider is not null as won, holder.delivery_id, holder.state, holder.expires_at
from input
left join won on won.provider = input.provider and won.dedupe_key = input.dedupe_key
left join hookgate_dedupe holder on won.provider is null and holder.provider = input.provider and holder.dedupe_key = input.dedupe_key`;

const DONE_COLUMNS = 6;
const WRITE_SQL = `with recorded as (
  insert into hookgate_deliveries (${DELIVERY_COLUMNS.join(', ')})
  select * from unnest(${DELIVERY_COLUMNS.map((column, index) => `$${index + 1}::${POSTGRES_COLUMN_TYPES[column]}[]`).join(', ')})
  on conflict (id) do nothing
)
insert into hookgate_dedupe (provider, dedupe_key, delivery_id, state, claimed_at, expires_at)
select * from unnest(${['text', 'text', 'text', 'text', 'bigint', 'bigint'].map((type, index) => `$${DELIVERY_COLUMNS.length + index + 1}::${type}[]`).join(', ')})
  as done(provider, dedupe_key, delivery_id, state, claimed_at, expires_at)
order by provider, dedupe_key
on conflict (provider, dedupe_key) do update set ${CLAIM_SET} where ${DONE_TAKEOVER}`;

const RELEASE_SQL = `delete from hookgate_dedupe where provider = $1 and dedupe_key = $2 and delivery_id = $3 and state = 'processing'`;

interface Waiter<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
}

interface PendingClaim extends Waiter<ClaimResult> {
  claim: DedupeTable;
  attempts: number;
}

interface PendingWrite extends Waiter<void> {
  row: DeliveriesTable;
  /** Set for a completion: the done key written in the same statement. */
  done: DedupeTable | undefined;
}

/**
 * The hot writes on PostgreSQL, batched: every claim issued in one event-loop turn goes to the
 * server as one statement (`unnest` arrays → one multi-row upsert), and every record and
 * completion of a turn as another (rows and done keys in one statement with a data-modifying
 * CTE). A statement is its own transaction, so a batch costs one round trip and one commit
 * instead of one each per delivery, and every promise of the batch settles only after that
 * commit (`synchronous_commit` as the server has it: on by default, i.e. after the WAL flush).
 *
 * Two calls on the same key never share a statement (an upsert cannot touch one row twice): the
 * later one waits for the next batch. Rows are upserted in key order, so batches from several
 * processes lock keys in the same order and cannot deadlock each other. When a batched
 * statement fails on its data (a constraint, a trigger, a bad value: SQLSTATE classes 22, 23,
 * P0), nothing of it was committed and each call runs again alone, so one bad row fails only
 * its own call; any other failure rejects every call of the batch.
 *
 * @example
 * ```ts
 * const writes = new PostgresWrites((name, text, values) => pool.query({ name, text, values }).then((r) => r.rows));
 * await writes.record(toDeliveryRow(delivery, 1 << 20, true));
 * ```
 */
export class PostgresWrites implements HotWrites {
  readonly #execute: PostgresExecute;
  readonly #claims = new TurnBatch<PendingClaim>((batch) => this.#flushClaims(batch), { max: MAX_BATCH, key: (item) => keyOf(item.claim) });
  readonly #writes = new TurnBatch<PendingWrite>((batch) => this.#flushWrites(batch), {
    max: MAX_BATCH,
    key: (item) => (item.done === undefined ? undefined : keyOf(item.done)),
  });

  constructor(execute: PostgresExecute) {
    this.#execute = execute;
  }

  claim(claim: DedupeTable): Promise<ClaimResult> {
    return new Promise((resolve, reject) => this.#claims.add({ claim, attempts: 0, resolve, reject }));
  }

  complete(row: DeliveriesTable, done: DedupeTable): Promise<void> {
    return new Promise((resolve, reject) => this.#writes.add({ row, done, resolve, reject }));
  }

  record(row: DeliveriesTable): Promise<void> {
    return new Promise((resolve, reject) => this.#writes.add({ row, done: undefined, resolve, reject }));
  }

  async release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    await this.#execute('hookgate_release', RELEASE_SQL, [provider, dedupeKey, deliveryId]);
  }

  async #flushClaims(batch: PendingClaim[]): Promise<void> {
    const column = <K extends keyof DedupeTable>(name: K) => batch.map((item) => item.claim[name]);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await this.#execute('hookgate_claim_batch', CLAIM_SQL, [
        column('provider'),
        column('dedupe_key'),
        column('delivery_id'),
        column('claimed_at'),
        column('expires_at'),
      ]);
    } catch (error) {
      this.#failed(this.#claims, batch, error);
      return;
    }
    for (const row of rows) {
      const item = batch[Number(row.n) - 1]!;
      if (row.won === true) item.resolve({ kind: 'claimed' });
      else if (row.delivery_id === null || takenOverInBetween(item.claim, row)) {
        // The holder is read from the statement's snapshot: absent, or one this claim would have
        // taken over, means another transaction changed the key meanwhile (committed a claim,
        // took an expired lease over, released). Ask again: the next statement sees it.
        if (++item.attempts >= CLAIM_ATTEMPTS) item.reject(new Error(`claim(): the key kept changing hands during ${CLAIM_ATTEMPTS} attempts`));
        else this.#claims.add(item);
      } else if (row.state === 'done') item.resolve({ kind: 'done', firstDeliveryId: String(row.delivery_id) });
      else item.resolve({ kind: 'in_progress', holderDeliveryId: String(row.delivery_id), leaseExpiresAt: Number(row.expires_at) });
    }
  }

  async #flushWrites(batch: PendingWrite[]): Promise<void> {
    const values: unknown[][] = DELIVERY_COLUMNS.map((column) => batch.map((item) => item.row[column]));
    const completions = batch.filter((item) => item.done !== undefined).map((item) => item.done!);
    for (const name of ['provider', 'dedupe_key', 'delivery_id', 'state', 'claimed_at', 'expires_at'] as const) {
      values.push(completions.map((done) => done[name]));
    }
    if (values.length !== DELIVERY_COLUMNS.length + DONE_COLUMNS) throw new Error('unreachable: column count');
    try {
      await this.#execute('hookgate_write_batch', WRITE_SQL, values);
    } catch (error) {
      this.#failed(this.#writes, batch, error);
      return;
    }
    for (const item of batch) item.resolve();
  }

  /** A batch failed as a whole (nothing of it committed): each call alone again, or all rejected. */
  #failed<T extends Waiter<never>>(batcher: TurnBatch<T>, batch: T[], error: unknown): void {
    if (batch.length > 1 && isDataError(error)) {
      for (const item of batch) void batcher.addAlone(item);
      return;
    }
    for (const item of batch) item.reject(error);
  }
}

/** True when the snapshot's holder is one `claim` would have replaced, so it is no longer the holder. */
function takenOverInBetween(claim: DedupeTable, holder: Record<string, unknown>): boolean {
  return Number(holder.expires_at) <= claim.claimed_at || (holder.delivery_id === claim.delivery_id && holder.state === 'processing');
}

function keyOf(claim: DedupeTable): string {
  return `${claim.provider}\u0000${claim.dedupe_key}`;
}

/**
 * SQLSTATE classes that blame the statement's data (so another row alone may succeed): data
 * exceptions, integrity violations, PL/pgSQL raises, and program limits (54: a value too large
 * for an index entry, 54000).
 */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54|P0)/.test(code);
}
