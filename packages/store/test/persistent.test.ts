import { HookgateError, type ListQuery } from '@hookgate/core';
import { normalizeListQuery, type DeliveryInput } from '@hookgate/core/store';
import { createDeliveryId } from '@hookgate/core/testing';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openStore, type PersistentDeliveryStore, type StoreDatabase } from '../src/index.js';
import { buildListQuery } from '../src/sql-delivery-store.js';
import { DATABASE_TARGETS, PG_URL, makeDelivery, type DatabaseTarget } from './helpers.js';

describe.each(DATABASE_TARGETS)('$name store', ({ create }) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function fresh(): Promise<DatabaseTarget> {
    const target = await create();
    cleanups.push(() => target.cleanup());
    return target;
  }
  async function open(url: string, options: Parameters<typeof openStore>[1] = {}): Promise<PersistentDeliveryStore> {
    const store = await openStore(url, options);
    cleanups.push(() => store.close());
    return store;
  }

  describe('migrations', () => {
    it('creates the schema in an empty database, and re-opening changes nothing', async () => {
      const target = await fresh();
      const store = await open(target.url);
      expect(store.dialect).toBe(target.dialect);
      const versions = await target.rows('hookgate_migrations');
      expect(versions.map((row) => [Number(row.version), row.name])).toEqual([
        [1, 'create_deliveries_and_dedupe'],
        [2, 'partial_variant_index'],
        [3, 'dedupe_claim_state'],
        [4, 'inbox_attempts_and_jobs'],
      ]);
      expect(await target.rows('hookgate_deliveries')).toEqual([]);
      expect(await target.rows('hookgate_dedupe')).toEqual([]);
      expect(await store.migrate()).toEqual({ version: SCHEMA_VERSION, applied: [] });
      await store.record(makeDelivery());
      await store.close();
      for (let again = 0; again < 2; again++) {
        const reopened = await open(target.url);
        expect(await reopened.migrate()).toEqual({ version: SCHEMA_VERSION, applied: [] });
        await reopened.close();
      }
      expect(await target.rows('hookgate_migrations')).toEqual(versions);
      expect(await target.rows('hookgate_deliveries')).toHaveLength(1);
    });

    it('with migrate: false touches nothing until migrate() is called', async () => {
      const target = await fresh();
      const store = await open(target.url, { migrate: false });
      await expect(target.rows('hookgate_migrations')).rejects.toThrow();
      expect(await store.migrate()).toEqual({ version: SCHEMA_VERSION, applied: [1, 2, 3, 4] });
      expect(await target.rows('hookgate_migrations')).toHaveLength(4);
    });

    it('migration 3 reads claims made before it as done, so they keep deduplicating until they expire', async () => {
      const target = await fresh();
      await (await openStore(target.url)).close();
      // Back to version 2, with a claim as version 2 made it (taken for the whole window at once).
      await target.exec(`alter table {schema}.hookgate_dedupe drop column state`);
      await target.exec(`delete from {schema}.hookgate_migrations where version = 3`);
      const old = createDeliveryId();
      const now = Date.now();
      await target.exec(
        `insert into {schema}.hookgate_dedupe (provider, dedupe_key, delivery_id, claimed_at, expires_at) values ('pylon', 'old', '${old}', ${now}, ${now + 60_000})`,
      );
      const store = await open(target.url);
      expect((await target.rows('hookgate_dedupe')).map((row) => row.state)).toEqual(['done']);
      expect(await store.claim({ provider: 'pylon', dedupeKey: 'old', deliveryId: createDeliveryId(), now, leaseMs: 1000 })).toEqual({
        kind: 'done',
        firstDeliveryId: old,
      });
    });

    it('refuses a database migrated by a newer release', async () => {
      const target = await fresh();
      await (await openStore(target.url)).close();
      await target.exec(`insert into {schema}.hookgate_migrations (version, name, applied_at) values (999, 'from_the_future', 0)`);
      const error = await openStore(target.url).then(
        (store) => store.close().then(() => undefined),
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(HookgateError);
      expect(error).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('version 999') });
    });
  });

  describe('writes', () => {
    it('rejects only the failing write of a moment; the others commit', async () => {
      const target = await fresh();
      const store = await open(target.url);
      const good = [makeDelivery(), makeDelivery()];
      const bad = { ...makeDelivery(), method: null } as unknown as DeliveryInput; // violates NOT NULL
      const results = await Promise.allSettled([store.record(good[0]!), store.record(bad), store.record(good[1]!)]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const stored = (await target.rows('hookgate_deliveries')).map((row) => row.id);
      expect(stored.sort()).toEqual(good.map((delivery) => delivery.id).sort());
    });

    it('complete is atomic: when marking the key done fails, the delivery row is not kept either, and other writes of the moment commit', async () => {
      const target = await fresh();
      const store = await open(target.url);
      // Sabotage: any write that would put the key 'boom' into the dedupe table fails.
      if (target.dialect === 'sqlite') {
        for (const event of ['insert', 'update']) {
          await target.exec(
            `create trigger boom_${event} before ${event} on hookgate_dedupe when new.dedupe_key = 'boom' and new.state = 'done' begin select raise(abort, 'sabotaged'); end`,
          );
        }
      } else {
        await target.exec(`create function {schema}.boom() returns trigger language plpgsql as $$ begin raise exception 'sabotaged'; end $$`);
        await target.exec(
          `create trigger boom before insert or update on {schema}.hookgate_dedupe for each row when (new.dedupe_key = 'boom' and new.state = 'done') execute function {schema}.boom()`,
        );
      }
      const handled = makeDelivery({ dedupeKey: 'boom' });
      expect(await store.claim({ provider: 'pylon', dedupeKey: 'boom', deliveryId: handled.id, now: Date.now(), leaseMs: 60_000 })).toEqual({
        kind: 'claimed',
      });
      const other = makeDelivery();
      const results = await Promise.allSettled([store.complete({ delivery: handled, now: Date.now(), windowMs: 60_000 }), store.record(other)]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toContain('sabotaged');
      expect((await target.rows('hookgate_deliveries')).map((row) => row.id)).toEqual([other.id]);
      expect((await target.rows('hookgate_dedupe')).map((row) => [row.delivery_id, row.state])).toEqual([[handled.id, 'processing']]);
      // So the handler's release frees the key and the provider's retry is processed.
      await store.release('pylon', 'boom', handled.id);
      expect(await target.rows('hookgate_dedupe')).toEqual([]);
    });

    it('insertMany takes an async iterable, chunks it and skips ids already stored', async () => {
      const target = await fresh();
      const store = await open(target.url);
      const deliveries = Array.from({ length: 2500 }, (_, index) => makeDelivery({ at: index }));
      await store.record(deliveries[7]!);
      async function* lazily(): AsyncGenerator<DeliveryInput> {
        for (const delivery of deliveries) yield delivery;
      }
      expect(await store.insertMany(lazily())).toBe(2499);
      expect(await store.insertMany(deliveries.slice(0, 10))).toBe(0);
      expect(await target.rows('hookgate_deliveries')).toHaveLength(2500);
    });

    it('insertMany stores exactly what record stores, awkward characters included', async () => {
      const target = await fresh();
      const store = await open(target.url);
      const awkward = "q\"uote \\back{brace},comma NULL 'single' ünï ✓ \t\n end";
      const template = makeDelivery({
        event: awkward,
        variant: null,
        reason: awkward,
        message: awkward,
        dedupeKey: awkward,
        path: `/p/${awkward}`,
        headers: { 'x-awkward': awkward },
        rawBody: new TextEncoder().encode(JSON.stringify({ text: awkward })),
        payload: { text: awkward, list: [awkward, null] },
        secretIndex: null,
      });
      const recorded = { ...template, id: createDeliveryId() };
      const bulk = { ...template, id: createDeliveryId() };
      await store.record(recorded);
      expect(await store.insertMany([bulk])).toBe(1);
      const [a, b] = [await store.get(recorded.id), await store.get(bulk.id)];
      expect({ ...b, id: recorded.id }).toEqual(a);
      expect(a?.event).toBe(awkward);
    });

    it('keeps text columns storable whatever the sender put in them (NUL)', async () => {
      const target = await fresh();
      const store = await open(target.url);
      const delivery = makeDelivery({ status: 'unknown_event', event: 'evil\u0000event', dedupeKey: 'k\u0000' });
      await store.record(delivery);
      const stored = await store.get(delivery.id);
      // PostgreSQL text cannot hold U+0000; it becomes U+FFFD there and stays as is in SQLite.
      const expected = target.dialect === 'postgres' ? 'evil\uFFFDevent' : 'evil\u0000event';
      expect(stored?.event).toBe(expected);
    });
  });

  describe('prune', () => {
    it('also removes expired dedupe claims, keeping live ones', async () => {
      const target = await fresh();
      const store = await open(target.url);
      const now = Date.now();
      await store.claim({ provider: 'pylon', dedupeKey: 'expired', deliveryId: createDeliveryId(), now: now - 120_000, leaseMs: 60_000 });
      await store.claim({ provider: 'pylon', dedupeKey: 'live', deliveryId: createDeliveryId(), now, leaseMs: 60_000 });
      await store.prune({ olderThan: new Date(0) });
      expect((await target.rows('hookgate_dedupe')).map((row) => row.dedupe_key)).toEqual(['live']);
    });
  });

  describe('list query plans', () => {
    // Each list shape must be answerable by walking one index in (received_at, id) order and
    // stopping after a page, which is what keeps it fast at millions of rows. Checked on the
    // engine's plan rather than with timings.
    const cursorQuery: ListQuery = {
      cursor: Buffer.from(`2026-03-01T12:00:00.000Z|${createDeliveryId()}`).toString('base64url'),
    };
    const shapes: Array<[string, ListQuery, string]> = [
      ['first page', {}, 'hookgate_deliveries_received_at_idx'],
      ['next page', cursorQuery, 'hookgate_deliveries_received_at_idx'],
      ['provider', { provider: 'pylon', ...cursorQuery }, 'hookgate_deliveries_provider_idx'],
      ['status', { status: 'handled' }, 'hookgate_deliveries_status_idx'],
      ['time range', { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }, 'hookgate_deliveries_received_at_idx'],
    ];

    it.each(shapes)('%s: ordered index scan, no sort', async (_name, query, index) => {
      const target = await fresh();
      await (await openStore(target.url)).close();
      const plan = await explain(target, query);
      expect(plan).toContain(index);
      expect(plan).not.toMatch(target.dialect === 'sqlite' ? /TEMP B-TREE/ : /\bSort\b/);
    });

    it('event: one ordered index scan per column (event, variant), no sort of all matches', async () => {
      const target = await fresh();
      await (await openStore(target.url)).close();
      const plan = await explain(target, { event: 'IssueNewEvent', provider: 'pylon' });
      expect(plan).toContain('hookgate_deliveries_event_idx');
      expect(plan).toContain('hookgate_deliveries_variant_idx');
    });
  });
});

/** The engine's plan for the exact SQL `list(query)` runs, as text. */
async function explain(target: DatabaseTarget, query: ListQuery): Promise<string> {
  const filter = normalizeListQuery(query);
  if (target.dialect === 'sqlite') {
    const raw = new Database(target.url.slice('sqlite:'.length));
    const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      const compiled = buildListQuery(db, 'sqlite', filter).compile();
      const rows = raw.prepare(`explain query plan ${compiled.sql}`).all(...compiled.parameters) as Array<{ detail: string }>;
      return rows.map((row) => row.detail).join('\n');
    } finally {
      await db.destroy();
    }
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 1 });
  const db = new Kysely<StoreDatabase>({ dialect: new (await import('kysely')).PostgresDialect({ pool }) });
  try {
    const compiled = buildListQuery(db, 'postgres', filter).compile();
    const client = await pool.connect();
    try {
      // The tables are empty, so the planner would rightly prefer a sequential scan; forbid that
      // and sorting to ask which index can deliver the order by itself.
      await client.query('set enable_seqscan = off');
      await client.query('set enable_sort = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${compiled.sql}`, [...compiled.parameters]);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      client.release();
    }
  } finally {
    await db.destroy();
  }
}

// Keep the shared test server reachable for a clear message when it is not.
void PG_URL;
