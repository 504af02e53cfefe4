import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryStore } from '@hookgate/core';
import type { DeliveryInput } from '@hookgate/core/store';
import { createDeliveryId, deliveryInput } from '@hookgate/core/testing';
import pg from 'pg';

/** Fixed clock origin for tests: deliveries are placed relative to it, never to "now". */
export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const encoder = new TextEncoder();

/** A valid delivery input; `at` is ms after {@link T0}. Each call gets a fresh UUIDv7. */
export function makeDelivery(overrides: Partial<DeliveryInput> & { at?: number } = {}): DeliveryInput {
  const { at = 0, ...rest } = overrides;
  return deliveryInput({
    receivedAt: new Date(T0 + at).toISOString(),
    dedupeKey: `evt_${Math.random().toString(36).slice(2)}`,
    headers: { 'content-type': 'application/json', 'x-pylon-signature': '[redacted]' },
    rawBody: encoder.encode('{"event_type":"issue_new","issue_id":"iss_1"}'),
    payload: { event_type: 'issue_new', issue_id: 'iss_1' },
    durationMs: 0.25,
    ...rest,
  });
}

/** A temp folder removed by the returned function. */
export function tempDir(prefix = 'hookgate-store-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The PostgreSQL server the suite runs against (trust auth on loopback). */
export const PG_URL = process.env.HOOKGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh schema on the test server. `url` points the store at it through `search_path`, so
 * nothing touches `public`; `drop()` removes the schema and everything in it.
 */
export async function createPgSchema(): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `hookgate_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`create schema ${schema}`);
  const separator = PG_URL.includes('?') ? '&' : '?';
  return {
    schema,
    url: `${PG_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => adminQuery(`drop schema if exists ${schema} cascade`).then(() => undefined),
  };
}

/** Runs one statement on its own short-lived connection (schema setup, inspection, sabotage). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh, empty database of one dialect, plus raw access for inspection. */
export interface DatabaseTarget {
  dialect: 'sqlite' | 'postgres';
  url: string;
  /** For SQLite: the same database as a URL relative to `cwd` (for processes started there). */
  relative?: { cwd: string; url: string } | undefined;
  /** `select *` from one of the store's tables, bypassing the store. */
  rows(table: string): Promise<Array<Record<string, unknown>>>;
  /** Runs one statement on the database, bypassing the store (`{schema}` names the store's schema). */
  exec(statement: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A SQLite file under a temp folder (`<tmp>/data/hookgate.db`, not created yet). */
export async function sqliteTarget(): Promise<DatabaseTarget> {
  const temp = tempDir();
  const file = join(temp.dir, 'data', 'hookgate.db');
  const { default: Database } = await import('better-sqlite3');
  const withDb = <T>(run: (db: import('better-sqlite3').Database) => T): T => {
    const db = new Database(file, { timeout: 5000 });
    try {
      return run(db);
    } finally {
      db.close();
    }
  };
  return {
    dialect: 'sqlite',
    url: `sqlite:${file}`,
    relative: { cwd: temp.dir, url: 'sqlite:./data/hookgate.db' },
    rows: async (table) => withDb((db) => db.prepare(`select * from ${table}`).all() as Array<Record<string, unknown>>),
    exec: async (statement) => withDb((db) => void db.exec(statement.replaceAll('{schema}.', ''))),
    cleanup: async () => temp.remove(),
  };
}

/** A fresh schema on the PostgreSQL test server. */
export async function postgresTarget(): Promise<DatabaseTarget> {
  const schema = await createPgSchema();
  return {
    dialect: 'postgres',
    url: schema.url,
    rows: (table) => adminQuery(`select * from ${schema.schema}.${table}`),
    exec: async (statement) => void (await adminQuery(statement.replaceAll('{schema}', schema.schema))),
    cleanup: () => schema.drop(),
  };
}

export const DATABASE_TARGETS = [
  { name: 'SQLite', create: sqliteTarget },
  { name: 'PostgreSQL', create: postgresTarget },
] as const;

/** One call of every DeliveryStore method, by name (for "every call rejects" checks). */
export function everyStoreCall(store: DeliveryStore): Record<string, () => Promise<unknown>> {
  return {
    claim: () => store.claim({ provider: 'pylon', dedupeKey: 'k', deliveryId: createDeliveryId(), now: T0, leaseMs: 1000 }),
    complete: () => store.complete({ delivery: makeDelivery({ dedupeKey: 'k' }), now: T0, windowMs: 1000 }),
    release: () => store.release('pylon', 'k', createDeliveryId()),
    record: () => store.record(makeDelivery()),
    get: () => store.get(createDeliveryId()),
    list: () => store.list(),
    stats: () => store.stats({ from: new Date(T0), to: new Date(T0 + 1), bucket: 'hour' }),
    prune: () => store.prune({ olderThan: new Date(T0) }),
  };
}
