import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { toDeliveryRow } from '../src/row-mapping.js';
import { openSqliteDatabase } from '../src/sqlite-database.js';
import { SqliteWrites } from '../src/sqlite-writes.js';
import { WriteBatch } from '../src/write-batch.js';
import { makeDelivery, T0, tempDir } from './helpers.js';

describe('SQLite hot writes inside one group commit', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(): Promise<{ file: string; writes: SqliteWrites }> {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const file = join(temp.dir, 'writes.db');
    await (await openStore(`sqlite:${file}`)).close(); // the schema
    const handle = await openSqliteDatabase(file, { busyTimeoutMs: 2000, synchronous: 'full' });
    cleanups.push(() => handle.db.destroy());
    return { file, writes: new SqliteWrites(handle.prepare, new WriteBatch(handle.db, handle, 'full')) };
  }

  function count(file: string, sql: string): unknown {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(sql).pluck().get();
    } finally {
      db.close();
    }
  }

  it('a completion whose done key fails leaves neither its row nor its key; the other writes of its commit stay', async () => {
    const { file, writes } = await open();
    const row = toDeliveryRow(makeDelivery(), 1 << 20, false);
    const other = toDeliveryRow(makeDelivery(), 1 << 20, false);
    const done = { provider: 'pylon', dedupe_key: 'k1', delivery_id: row.id, state: 'done' as const, claimed_at: T0, expires_at: T0 + 1000 };
    const [failed, completed, recorded] = await Promise.allSettled([
      writes.complete(row, { ...done, dedupe_key: null as unknown as string }),
      writes.complete(other, { ...done, dedupe_key: 'k2', delivery_id: other.id }),
      writes.record(toDeliveryRow(makeDelivery(), 1 << 20, false)),
    ]);
    expect(failed.status).toBe('rejected');
    expect((failed as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
    expect([completed.status, recorded.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(count(file, `select count(*) from hookgate_deliveries where id = '${row.id}'`)).toBe(0);
    expect(count(file, 'select count(*) from hookgate_deliveries')).toBe(2);
    expect(count(file, `select group_concat(dedupe_key) from hookgate_dedupe`)).toBe('k2');
  });

  it('a completion of a row stored before keeps that row when its done key fails (only its own insert is taken back)', async () => {
    const { file, writes } = await open();
    const row = toDeliveryRow(makeDelivery(), 1 << 20, false);
    await writes.record(row);
    const done = {
      provider: 'pylon',
      dedupe_key: null as unknown as string,
      delivery_id: row.id,
      state: 'done' as const,
      claimed_at: T0,
      expires_at: T0 + 1000,
    };
    await expect(writes.complete(row, done)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
    expect(count(file, `select count(*) from hookgate_deliveries where id = '${row.id}'`)).toBe(1);
  });
});
