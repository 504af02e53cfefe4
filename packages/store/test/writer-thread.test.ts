import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { toDeliveryRow } from '../src/row-mapping.js';
import { SqliteWriterThread } from '../src/sqlite-writer-thread.js';
import { makeDelivery, T0, tempDir } from './helpers.js';

const run = promisify(execFile);
const DIST = join(import.meta.dirname, '..', 'dist', 'index.js');

describe('SQLite writer thread (hot writes on a second connection)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(): Promise<{ file: string; writes: SqliteWriterThread }> {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const file = join(temp.dir, 'writer.db');
    await (await openStore(`sqlite:${file}`)).close(); // the schema
    const writes = new SqliteWriterThread({ file, busyTimeoutMs: 2000, synchronous: 'full' });
    cleanups.push(() => writes.close());
    return { file, writes };
  }

  it('settles each write after its commit: another connection sees every row the moment its promise resolves', async () => {
    const { file, writes } = await open();
    const reader = new Database(file, { readonly: true });
    cleanups.push(() => {
      reader.close();
    });
    const rows = Array.from({ length: 200 }, (_, index) => toDeliveryRow(makeDelivery({ at: index }), 1 << 20, false));
    const seen = await Promise.all(
      rows.map(async (row) => {
        await writes.record(row);
        return reader.prepare('select count(*) from hookgate_deliveries where id = ?').pluck().get(row.id);
      }),
    );
    expect(seen).toEqual(rows.map(() => 1));
  });

  it('a failing write rejects alone with its SQLite code; the rest of its batch commits', async () => {
    const { file, writes } = await open();
    const good = toDeliveryRow(makeDelivery(), 1 << 20, false);
    const bad = { ...toDeliveryRow(makeDelivery(), 1 << 20, false), provider: null as unknown as string };
    const [first, second] = await Promise.allSettled([writes.record(bad), writes.record(good)]);
    expect(first.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
    expect(second.status).toBe('fulfilled');
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('select id from hookgate_deliveries').pluck().all()).toEqual([good.id]);
    } finally {
      db.close();
    }
  });

  it('a completion whose done key fails stores neither the row nor the key', async () => {
    const { file, writes } = await open();
    const row = toDeliveryRow(makeDelivery(), 1 << 20, false);
    const done = {
      provider: 'pylon',
      dedupe_key: null as unknown as string,
      delivery_id: row.id,
      state: 'done' as const,
      claimed_at: T0,
      expires_at: T0 + 1000,
    };
    await expect(writes.complete(row, done)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
    const claim = { provider: 'pylon', dedupe_key: 'k1', delivery_id: row.id, state: 'processing' as const, claimed_at: T0, expires_at: T0 + 60_000 };
    expect(await writes.claim(claim)).toEqual({ kind: 'claimed' });
    expect(await writes.claim({ ...claim, delivery_id: 'other' })).toEqual({ kind: 'in_progress', holderDeliveryId: row.id, leaseExpiresAt: T0 + 60_000 });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('select count(*) from hookgate_deliveries').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('keeps a process alive while a write is in flight, and not once it is idle (no close needed to exit)', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const file = join(temp.dir, 'alive.db');
    // Top-level await on a record: the process must wait for the commit (an unsettled await
    // would exit with code 13), then exit on its own although the store is never closed.
    const script = `
      const { openStore } = await import(${JSON.stringify(DIST)});
      const store = await openStore(${JSON.stringify(`sqlite:${file}`)});
      const now = Date.now();
      await store.record({ id: '0190a6e0-0000-7000-8000-000000000001', receivedAt: new Date(now).toISOString(), provider: 'pylon',
        event: null, variant: null, status: 'handled', reason: null, message: null, dedupeKey: null, duplicateOf: null,
        secretIndex: null, method: 'POST', path: '/', headers: {}, rawBody: new Uint8Array([123, 125]), payload: null, durationMs: 1 });
      console.log('recorded');
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 });
    expect(stdout.trim()).toBe('recorded');
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('select count(*) from hookgate_deliveries').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });
});
