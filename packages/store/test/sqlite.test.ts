import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWebhookHandler } from '@hookgate/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { ACME_SECRET, acme, signedPing } from './fixtures/acme-provider.mjs';
import { makeDelivery, tempDir } from './helpers.js';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

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

  it('acknowledges nothing once its file is deleted or replaced (SQLite in WAL mode would commit into the unlinked file)', async () => {
    for (const how of ['deleted', 'replaced'] as const) {
      const dir = temp();
      const file = join(dir, 'hookgate.db');
      const store = await openStore(`sqlite:${file}`);
      cleanups.push(() => store.close());
      const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store, logger: quiet });
      handler.on('ping', () => undefined);
      expect((await handler.handle(signedPing('evt_before'))).kind).toBe('handled');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      if (how === 'replaced') new Database(file).close(); // an empty database where ours was
      const outcome = await handler.handle(signedPing('evt_after'));
      expect(outcome).toMatchObject({ status: 503, kind: 'store_unavailable' });
      expect(outcome.message).toContain(`was ${how === 'deleted' ? 'deleted' : 'replaced by another file'} while the store had it open`);
      await expect(store.record(makeDelivery())).rejects.toMatchObject({ code: 'SQLITE_FILE_MOVED' });
      // Reopened at that path, the store works again (and holds no trace of the unacknowledged delivery).
      await store.close();
      const reopened = await openStore(`sqlite:${file}`);
      cleanups.push(() => reopened.close());
      const delivery = makeDelivery();
      await reopened.record(delivery);
      expect((await reopened.list()).items.map((item) => item.id)).toEqual([delivery.id]);
    }
  });

  it('refuses, when it opens, a database file this process may not write', async () => {
    const file = join(temp(), 'readonly.db');
    new Database(file).close();
    chmodSync(file, 0o444);
    // root may write any file: there the check runs in a child process as the unprivileged `nobody`.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(join(file, '..'), 0o777);
    const script = `import('${pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href}').then((m) => m.openStore(${JSON.stringify(`sqlite:${file}`)})).then(
      () => { console.log('OPENED'); process.exit(0); },
      (error) => { console.log(JSON.stringify({ code: error.code, message: error.message })); process.exit(0); })`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(child.stderr).toBe('');
    const result = JSON.parse(child.stdout.trim()) as { code: string; message: string };
    expect(result.code).toBe('invalid_config');
    expect(result.message).toBe(`the SQLite file ${file} is not writable by this process (EACCES)`);
  });

  it('names a foreign hookgate_migrations table instead of failing on a missing column', async () => {
    const file = join(temp(), 'foreign.db');
    const other = new Database(file);
    other.exec('create table hookgate_migrations (id integer primary key, note text)');
    other.close();
    await expect(openStore(`sqlite:${file}`)).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringMatching(
        /^the database already has a table hookgate_migrations that @hookgate\/store did not create \(.*version.*\); give the store a database or SQLite file of its own$/,
      ),
    });
  });

  it('refuses bad options with invalid_config before touching the disk', async () => {
    const file = join(temp(), 'never', 'created.db');
    for (const options of [{ synchronous: 'off' as 'full' }, { maxBodyBytes: -1 }, { busyTimeoutMs: 1.5 }]) {
      await expect(openStore(`sqlite:${file}`, options)).rejects.toMatchObject({ code: 'invalid_config' });
    }
    expect(existsSync(join(file, '..'))).toBe(false);
  });
});
