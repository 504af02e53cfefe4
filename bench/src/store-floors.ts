import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { floorParse, floorVerifyPylon, floorVerifyWebhooksB } from './floors.js';
import { SECRET } from './samples.js';
import { signedDelivery } from './support/signed-deliveries.js';

/**
 * The hand-written store floors Hookgate's stores are compared with: what a careful engineer
 * writes for "verify, dedupe, record, answer" with better-sqlite3 or `pg` alone, at the same
 * durability as the store's defaults and over the store's own tables and indexes (created by
 * `openStore`). Per delivery: the node:crypto verify of `floors.ts`, `JSON.parse`, a dedupe
 * claim on the event's id, and the delivery row (same columns, headers as JSON, body and
 * payload as text). No typed parse, no lease, no listeners.
 */

/** One signed delivery as it reaches a receiver. */
export interface BenchDelivery {
  provider: 'pylon' | 'webhooks-b';
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * `count` unique signed deliveries, Pylon and Webhooks B alternating, signed up front so
 * signing is not part of any figure.
 *
 * @example
 * ```ts
 * const pool = signedPool('run1', 40_000);
 * ```
 */
export function signedPool(runId: string, count: number): BenchDelivery[] {
  const pool: BenchDelivery[] = [];
  for (let n = 0; n < count; n++) {
    const delivery = signedDelivery(n, { prefix: '', runId, mix: true });
    pool.push({ provider: delivery.provider, headers: delivery.headers, body: Buffer.from(delivery.body) });
  }
  return pool;
}

/**
 * Deliveries per commit of the SQLite floor (the gateway bench keeps as many in flight).
 *
 * @example
 * ```ts
 * pool.slice(next, next + FLOOR_GROUP);
 * ```
 */
export const FLOOR_GROUP = 64;

const CLAIM_SQL = {
  sqlite: `insert into hookgate_dedupe (provider, dedupe_key, delivery_id, state, claimed_at, expires_at)
    values (?, ?, ?, 'done', ?, ?) on conflict do nothing returning delivery_id`,
  postgres: `with claim as (
      insert into hookgate_dedupe (provider, dedupe_key, delivery_id, state, claimed_at, expires_at)
      values ($1, $2, $3, 'done', $4, $5) on conflict do nothing returning delivery_id)
    insert into hookgate_deliveries (id, received_at, provider, event, variant, status, dedupe_key, secret_index, method, path, headers, body, body_encoding, body_truncated, payload, duration_ms)
    select $3, $4, $1, $6, $6, 'handled', $2, 0, 'POST', $7, $8, $9, 'utf8', 0, $9, $10 from claim`,
};
const INSERT_SQLITE = `insert into hookgate_deliveries (id, received_at, provider, event, variant, status, dedupe_key, secret_index, method, path, headers, body, body_encoding, body_truncated, payload, duration_ms)
  values (?, ?, ?, ?, ?, 'handled', ?, 0, 'POST', ?, ?, ?, 'utf8', 0, ?, ?)`;

const WINDOW_MS = 86_400_000;

/** Verify + parse by hand; the values both floors store. Throws on a delivery that fails (a bench bug). */
function accept(delivery: BenchDelivery, now: number) {
  const started = performance.now();
  const headers = delivery.headers as IncomingHttpHeaders;
  const ok =
    delivery.provider === 'pylon' ? floorVerifyPylon(headers, delivery.body, SECRET, now) : floorVerifyWebhooksB('POST', headers, delivery.body, SECRET);
  if (!ok) throw new Error(`floor: ${delivery.provider} delivery did not verify`);
  const parsed = floorParse(delivery.body) as { event_type?: string; userActionNotificationEventType?: string; issue_id?: string; id?: string };
  const event = parsed.event_type ?? parsed.userActionNotificationEventType ?? null;
  const key = parsed.issue_id ?? parsed.id;
  if (typeof key !== 'string') throw new Error('floor: no event id');
  const text = delivery.body.toString('utf8');
  return {
    id: randomUUID(),
    provider: delivery.provider,
    key,
    event,
    path: `/webhooks/${delivery.provider}`,
    headers: JSON.stringify(headers),
    body: text,
    durationMs: performance.now() - started,
  };
}

/**
 * Deliveries per second of `store`, which claims and records each group of
 * {@link FLOOR_GROUP} deliveries (verified and parsed here) in one commit, one group at a time.
 */
async function groupRate(
  pool: readonly BenchDelivery[],
  seconds: number,
  store: (group: Array<ReturnType<typeof accept>>, now: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  let recorded = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline && next < pool.length) {
    const now = Date.now();
    const group = pool.slice(next, next + FLOOR_GROUP).map((delivery) => accept(delivery, now));
    next += group.length;
    await store(group, now);
    recorded += group.length;
  }
  return recorded / ((performance.now() - started) / 1000);
}

/**
 * Deliveries per second of the hand-written better-sqlite3 receiver: WAL, `synchronous = FULL`,
 * groups of {@link FLOOR_GROUP} deliveries verified and parsed, then claimed and recorded in one
 * `BEGIN IMMEDIATE … COMMIT` (one fsync per group), yielding to the event loop between groups
 * as a server would. `file` must already hold the store's schema.
 *
 * @example
 * ```ts
 * const rate = await sqliteFloorRate('/tmp/floor.db', signedPool('r', 40_000), 5);
 * ```
 */
export async function sqliteFloorRate(file: string, pool: readonly BenchDelivery[], seconds: number): Promise<number> {
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('cache_size = -32768');
    const claim = db.prepare(CLAIM_SQL.sqlite);
    const insert = db.prepare(INSERT_SQLITE);
    const begin = db.prepare('begin immediate');
    const commit = db.prepare('commit');
    return await groupRate(pool, seconds, async (group, now) => {
      begin.run();
      for (const row of group) {
        if (claim.get(row.provider, row.key, row.id, now, now + WINDOW_MS) === undefined) continue; // a duplicate: nothing to record
        insert.run(row.id, now, row.provider, row.event, row.event, row.key, row.path, row.headers, row.body, row.body, row.durationMs);
      }
      commit.run();
      await new Promise((resolve) => setImmediate(resolve));
    });
  } finally {
    db.close();
  }
}

/**
 * Deliveries per second of the hand-written `pg` receiver: a pool of `poolSize` connections,
 * `inFlight` deliveries at a time, each verified, parsed, then claimed and recorded by one
 * prepared statement (claim as a data-modifying CTE) in its own transaction, committed with
 * the server's `synchronous_commit` (on) before the next one starts. `url` must already hold the
 * store's schema.
 *
 * @example
 * ```ts
 * const rate = await postgresFloorRate(url, signedPool('r', 40_000), 5, { poolSize: 10, inFlight: 64 });
 * ```
 */
export async function postgresFloorRate(
  url: string,
  pool: readonly BenchDelivery[],
  seconds: number,
  options: { poolSize: number; inFlight: number },
): Promise<number> {
  const connections = new pg.Pool({ connectionString: url, max: options.poolSize });
  try {
    let next = 0;
    let recorded = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline && next < pool.length) {
        const now = Date.now();
        const row = accept(pool[next++]!, now);
        await connections.query({
          name: 'hookgate_floor',
          text: CLAIM_SQL.postgres,
          values: [row.provider, row.key, row.id, now, now + WINDOW_MS, row.event, row.path, row.headers, row.body, row.durationMs],
        });
        recorded++;
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, worker));
    return recorded / ((performance.now() - started) / 1000);
  } finally {
    await connections.end();
  }
}

const BATCH_SQL = `with input as (
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::double precision[])
      as input(provider, dedupe_key, id, event, path, headers, body, duration_ms)
  ), claimed as (
    insert into hookgate_dedupe (provider, dedupe_key, delivery_id, state, claimed_at, expires_at)
    select provider, dedupe_key, id, 'done', $9, $10 from input order by provider, dedupe_key
    on conflict do nothing returning delivery_id)
  insert into hookgate_deliveries (id, received_at, provider, event, variant, status, dedupe_key, secret_index, method, path, headers, body, body_encoding, body_truncated, payload, duration_ms)
  select input.id, $9, provider, event, event, 'handled', dedupe_key, 0, 'POST', path, headers, body, 'utf8', 0, body, duration_ms
  from input join claimed on claimed.delivery_id = input.id`;

/**
 * The batched variant of {@link postgresFloorRate}: groups of {@link FLOOR_GROUP} deliveries
 * verified and parsed, then claimed and recorded by one statement (`unnest` arrays) in one
 * transaction — the SQLite floor's group commit, on PostgreSQL. One group at a time, so
 * {@link FLOOR_GROUP} deliveries are in flight as in the gateway bench.
 *
 * @example
 * ```ts
 * const rate = await postgresBatchedFloorRate(url, signedPool('r', 40_000), 5);
 * ```
 */
export async function postgresBatchedFloorRate(url: string, pool: readonly BenchDelivery[], seconds: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await groupRate(pool, seconds, async (group, now) => {
      const column = <K extends keyof (typeof group)[number]>(name: K) => group.map((row) => row[name]);
      await client.query({
        name: 'hookgate_floor_batch',
        text: BATCH_SQL,
        values: [
          column('provider'),
          column('key'),
          column('id'),
          column('event'),
          column('path'),
          column('headers'),
          column('body'),
          column('durationMs'),
          now,
          now + WINDOW_MS,
        ],
      });
    });
  } finally {
    await client.end();
  }
}
