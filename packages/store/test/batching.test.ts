import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type PersistentDeliveryStore } from '../src/index.js';
import { openSqliteDatabase } from '../src/sqlite-database.js';
import { WriteBatch } from '../src/write-batch.js';
import { DATABASE_TARGETS, makeDelivery, tempDir, type DatabaseTarget } from './helpers.js';

const encoder = new TextEncoder();

/**
 * The per-delivery writes are batched: every call made in one event-loop turn shares one
 * commit (SQLite: one group-commit transaction; PostgreSQL: one statement per kind). These
 * tests issue their calls in one turn, so they land in one batch.
 */
describe.each(DATABASE_TARGETS)('batched writes on $name', ({ create }) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function setUp(): Promise<{ target: DatabaseTarget; store: PersistentDeliveryStore }> {
    const target = await create();
    cleanups.push(() => target.cleanup());
    const store = await openStore(target.url);
    cleanups.push(() => store.close());
    return { target, store };
  }

  /** Sabotage: a row whose body contains `marker` fails its insert statement (and only it). */
  async function failRowsWith(target: DatabaseTarget, marker: string): Promise<void> {
    if (target.dialect === 'sqlite') {
      await target.exec(
        `create trigger poison before insert on hookgate_deliveries when instr(new.body, '${marker}') > 0 begin select raise(abort, 'poisoned row'); end`,
      );
    } else {
      await target.exec(`create function {schema}.poison() returns trigger language plpgsql as $$ begin raise exception 'poisoned row'; end $$`);
      await target.exec(
        `create trigger poison before insert on {schema}.hookgate_deliveries for each row when (strpos(new.body, '${marker}') > 0) execute function {schema}.poison()`,
      );
    }
  }

  /**
   * Sabotage: a transaction that inserted a row whose body contains `marker` cannot commit —
   * SQLite: the trigger rolls the whole transaction back; PostgreSQL: a deferred constraint
   * trigger fails at COMMIT with `disk_full` (53100), an error that blames no single row.
   */
  async function failCommitWith(target: DatabaseTarget, marker: string): Promise<void> {
    if (target.dialect === 'sqlite') {
      await target.exec(
        `create trigger doomed after insert on hookgate_deliveries when instr(new.body, '${marker}') > 0 begin select raise(rollback, 'commit impossible'); end`,
      );
    } else {
      await target.exec(
        `create function {schema}.doomed() returns trigger language plpgsql as $$ begin raise exception using errcode = '53100', message = 'commit impossible'; end $$`,
      );
      await target.exec(
        `create constraint trigger doomed after insert on {schema}.hookgate_deliveries deferrable initially deferred for each row when (strpos(new.body, '${marker}') > 0) execute function {schema}.doomed()`,
      );
    }
  }

  it('stores the payload JSON a handler hands over as it is, instead of serialising the payload again', async () => {
    const { target, store } = await setUp();
    const text = '{ "event_type": "issue_new", "n": [1, 2.50] }';
    const handedOver = makeDelivery({ rawBody: encoder.encode(text), payload: JSON.parse(text) as unknown, payloadJson: text });
    const plain = makeDelivery({ at: 1, rawBody: encoder.encode(text), payload: JSON.parse(text) as unknown });
    await Promise.all([store.record(handedOver), store.record(plain)]);
    const payloads = Object.fromEntries((await target.rows('hookgate_deliveries')).map((row) => [row.id, row.payload]));
    // Both stores keep the payload as text: the handed-over text as is, else JSON.stringify's.
    expect(payloads[handedOver.id]).toBe(text);
    expect(payloads[plain.id]).toBe('{"event_type":"issue_new","n":[1,2.5]}');
  });

  it('one failing row in a batch fails alone: the other records, completions and claims of the moment commit', async () => {
    const { target, store } = await setUp();
    await failRowsWith(target, 'POISON');
    const good = Array.from({ length: 6 }, (_, index) => makeDelivery({ at: index }));
    const bad = makeDelivery({ at: 10, rawBody: encoder.encode('{"POISON":true}') });
    const done = makeDelivery({ at: 11, dedupeKey: 'key-done' });
    const badDone = makeDelivery({ at: 12, dedupeKey: 'key-bad', rawBody: encoder.encode('{"POISON":1}') });
    for (const delivery of [done, badDone]) {
      await store.claim({ provider: 'pylon', dedupeKey: delivery.dedupeKey!, deliveryId: delivery.id, now: Date.now(), leaseMs: 60_000 });
    }
    const now = Date.now();
    const results = await Promise.allSettled([
      ...good.map((delivery) => store.record(delivery)),
      store.record(bad),
      store.complete({ delivery: done, now, windowMs: 60_000 }),
      store.complete({ delivery: badDone, now, windowMs: 60_000 }),
      store.claim({ provider: 'pylon', dedupeKey: 'key-new', deliveryId: good[0]!.id, now, leaseMs: 60_000 }),
    ]);
    expect(results.map((result) => result.status)).toEqual([...good.map(() => 'fulfilled'), 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[6] as PromiseRejectedResult).reason)).toContain('poisoned row');
    const stored = new Set((await target.rows('hookgate_deliveries')).map((row) => row.id));
    expect(stored).toEqual(new Set([...good, done].map((delivery) => delivery.id)));
    const keys = Object.fromEntries((await target.rows('hookgate_dedupe')).map((row) => [row.dedupe_key, row.state]));
    expect(keys).toEqual({ 'key-done': 'done', 'key-bad': 'processing', 'key-new': 'processing' });
  });

  it('a commit that fails rejects every waiter of the batch, and stores none of it', async () => {
    const { target, store } = await setUp();
    await failCommitWith(target, 'DOOMED');
    const handled = makeDelivery({ dedupeKey: 'key-c' });
    await store.claim({ provider: 'pylon', dedupeKey: 'key-c', deliveryId: handled.id, now: Date.now(), leaseMs: 60_000 });
    const others = Array.from({ length: 5 }, (_, index) => makeDelivery({ at: index }));
    const doomed = makeDelivery({ at: 9, rawBody: encoder.encode('{"DOOMED":true}') });
    const results = await Promise.allSettled([
      ...others.map((delivery) => store.record(delivery)),
      store.complete({ delivery: handled, now: Date.now(), windowMs: 60_000 }),
      store.record(doomed),
    ]);
    expect(results.map((result) => result.status)).toEqual(results.map(() => 'rejected'));
    for (const result of results) expect(String((result as PromiseRejectedResult).reason)).toContain('commit impossible');
    expect(await target.rows('hookgate_deliveries')).toEqual([]);
    expect((await target.rows('hookgate_dedupe')).map((row) => row.state)).toEqual(['processing']);
    // The store keeps working: the next batch without the doomed row commits.
    await Promise.all(others.map((delivery) => store.record(delivery)));
    expect(await target.rows('hookgate_deliveries')).toHaveLength(others.length);
  });

  it('nothing resolves before its commit: when a call settles, another connection already sees its write', async () => {
    const { target, store } = await setUp();
    const see = await observer(target);
    cleanups.push(() => see.close());
    const deliveries = Array.from({ length: 40 }, (_, index) => makeDelivery({ at: index }));
    const checks: Array<Promise<string>> = [];
    for (const [index, delivery] of deliveries.entries()) {
      const written =
        index % 2 === 0
          ? store.record(delivery).then(() => see.row('hookgate_deliveries', 'id', delivery.id))
          : store
              .claim({ provider: 'pylon', dedupeKey: `key-${index}`, deliveryId: delivery.id, now: Date.now(), leaseMs: 60_000 })
              .then(() => see.row('hookgate_dedupe', 'delivery_id', delivery.id));
      checks.push(written.then((found) => (found ? 'seen' : `missing ${index}`)));
    }
    expect(await Promise.all(checks)).toEqual(deliveries.map(() => 'seen'));
  });

  it('claims taking over an expired lease in one turn name the new holder, never the expired one', async () => {
    const { store } = await setUp();
    const lease = 1000;
    for (let attempt = 0; attempt < 5; attempt++) {
      const key = `expired-${attempt}`;
      const old = makeDelivery({ dedupeKey: key });
      await store.claim({ provider: 'pylon', dedupeKey: key, deliveryId: old.id, now: 1000, leaseMs: lease });
      const ids = Array.from({ length: 25 }, () => makeDelivery().id);
      const results = await Promise.all(
        ids.map((id) => store.claim({ provider: 'pylon', dedupeKey: key, deliveryId: id, now: 1000 + lease + 1, leaseMs: lease })),
      );
      const winners = ids.filter((_, index) => results[index]!.kind === 'claimed');
      expect(winners).toHaveLength(1);
      for (const result of results)
        if (result.kind !== 'claimed') expect(result).toEqual({ kind: 'in_progress', holderDeliveryId: winners[0], leaseExpiresAt: 1000 + 2 * lease + 1 });
    }
  });

  it('two claims on one key in one turn: one wins, the other sees it in progress (never both, never an error)', async () => {
    const { store } = await setUp();
    const [first, second] = [makeDelivery({ dedupeKey: 'same' }), makeDelivery({ dedupeKey: 'same' })];
    const now = Date.now();
    const others = Array.from({ length: 20 }, (_, index) =>
      store.claim({ provider: 'pylon', dedupeKey: `other-${index}`, deliveryId: first.id, now, leaseMs: 60_000 }),
    );
    const results = await Promise.all([
      store.claim({ provider: 'pylon', dedupeKey: 'same', deliveryId: first.id, now, leaseMs: 60_000 }),
      store.claim({ provider: 'pylon', dedupeKey: 'same', deliveryId: second.id, now, leaseMs: 60_000 }),
      ...others,
    ]);
    expect(results[0]).toEqual({ kind: 'claimed' });
    expect(results[1]).toEqual({ kind: 'in_progress', holderDeliveryId: first.id, leaseExpiresAt: now + 60_000 });
    expect(results.slice(2)).toEqual(others.map(() => ({ kind: 'claimed' })));
  });

  it('a claim PostgreSQL cannot index (a key past its ~2.7 KB b-tree limit) fails alone: the claims of its turn succeed', async () => {
    const { store } = await setUp();
    const now = Date.now();
    // Random, so compression cannot bring it under the limit (SQLite has none and claims it).
    const huge = Array.from({ length: 4000 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
    const claim = (dedupeKey: string) => store.claim({ provider: 'pylon', dedupeKey, deliveryId: makeDelivery().id, now, leaseMs: 60_000 });
    const results = await Promise.allSettled([claim(huge), ...Array.from({ length: 20 }, (_, index) => claim(`fine-${index}`))]);
    expect(results.slice(1)).toEqual(results.slice(1).map(() => ({ status: 'fulfilled', value: { kind: 'claimed' } })));
  });
});

/**
 * A second connection to the target's database whose lookups are answered synchronously for
 * SQLite (so the check runs in the very turn the store's promise settles) and by its own
 * connections for PostgreSQL.
 */
async function observer(target: DatabaseTarget): Promise<{ row(table: string, column: string, value: string): Promise<boolean>; close(): Promise<void> }> {
  if (target.dialect === 'sqlite') {
    const db = new Database(target.url.slice('sqlite:'.length), { readonly: true });
    return {
      row: async (table, column, value) => db.prepare(`select 1 from ${table} where ${column} = ?`).get(value) !== undefined,
      close: async () => void db.close(),
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 2 });
  return {
    row: async (table, column, value) => (await pool.query(`select 1 from ${table} where ${column} = $1`, [value])).rowCount === 1,
    close: () => pool.end(),
  };
}

describe('SQLite group commit durability', () => {
  it('a batch of claims alone commits without its own fsync (NORMAL); any batch with a record commits FULL', async () => {
    const temp = tempDir();
    const handle = await openSqliteDatabase(`${temp.dir}/durability.db`, { busyTimeoutMs: 1000, synchronous: 'full' });
    try {
      const batch = new WriteBatch(handle.db, handle, 'full');
      // PRAGMA synchronous reads 1 for NORMAL, 2 for FULL; read inside the batch's transaction.
      const level = () => handle.prepare('pragma synchronous').pluck().get();
      expect(await Promise.all([batch.runSync(level, 'visible'), batch.runSync(level, 'visible')])).toEqual([1, 1]);
      expect(await Promise.all([batch.runSync(level, 'visible'), batch.runSync(level)])).toEqual([2, 2]);
      expect(await batch.run(async () => level())).toBe(2);
      expect(await batch.runSync(level, 'visible')).toBe(1);
    } finally {
      await handle.db.destroy();
      temp.remove();
    }
  });
});
