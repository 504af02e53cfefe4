import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { makeDelivery, tempDir } from './helpers.js';

describe('SQLite store', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  function temp(): string {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    return dir.dir;
  }

  it('creates missing folders and the file, in WAL mode', async () => {
    const file = join(temp(), 'a', 'b', 'c', 'hookgate.db');
    const store = await openStore(`sqlite:${file}`);
    cleanups.push(() => store.close());
    await store.record(makeDelivery());
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(true);
    const other = new Database(file, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('works in memory with sqlite::memory:', async () => {
    const store = await openStore('sqlite::memory:', { synchronous: 'normal' });
    cleanups.push(() => store.close());
    const delivery = makeDelivery();
    await store.record(delivery);
    expect((await store.get(delivery.id))?.id).toBe(delivery.id);
  });

  it('rejects a write while another process holds the lock past busyTimeoutMs, then recovers', async () => {
    const file = join(temp(), 'locked.db');
    const store = await openStore(`sqlite:${file}`, { busyTimeoutMs: 50 });
    cleanups.push(() => store.close());
    const other = new Database(file);
    cleanups.push(() => void other.close());
    other.exec('begin immediate');
    await expect(store.record(makeDelivery())).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    other.exec('commit');
    const delivery = makeDelivery();
    await store.record(delivery);
    expect((await store.get(delivery.id))?.id).toBe(delivery.id);
  });

  it('refuses bad options with invalid_config before touching the disk', async () => {
    const file = join(temp(), 'never', 'created.db');
    for (const options of [{ synchronous: 'off' as 'full' }, { maxBodyBytes: -1 }, { busyTimeoutMs: 1.5 }]) {
      await expect(openStore(`sqlite:${file}`, options)).rejects.toMatchObject({ code: 'invalid_config' });
    }
    expect(existsSync(join(file, '..'))).toBe(false);
  });
});
