import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { adminQuery, createPgSchema, everyStoreCall, makeDelivery, T0 } from './helpers.js';

/** Port 1 on loopback: nothing listens, so connecting is refused at once. */
const CLOSED_PORT_URL = 'postgres://postgres@127.0.0.1:1/test';

describe('PostgreSQL store', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('rejects opening when the server is not there (closed port)', async () => {
    await expect(openStore(CLOSED_PORT_URL, { connectionTimeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('with migrate: false opens, and then every call rejects (closed port)', async () => {
    const store = await openStore(CLOSED_PORT_URL, { migrate: false, connectionTimeoutMs: 2000 });
    cleanups.push(() => store.close());
    for (const [name, call] of Object.entries(everyStoreCall(store))) {
      await expect(call(), name).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
  });

  it('gives up on a server that accepts but never answers, after connectionTimeoutMs', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const { port } = silent.address() as { port: number };
    const store = await openStore(`postgres://postgres@127.0.0.1:${port}/test`, { migrate: false, connectionTimeoutMs: 300 });
    cleanups.push(() => store.close());
    await expect(store.list()).rejects.toThrow(/timeout/i);
  });

  it('keeps working after the server drops every connection (no restart needed)', async () => {
    const schema = await createPgSchema();
    cleanups.push(() => schema.drop());
    const application = `hookgate_recover_${process.pid}_${Date.now()}`;
    const store = await openStore(`${schema.url}&application_name=${application}`, { poolSize: 3 });
    cleanups.push(() => store.close());
    const first = makeDelivery();
    await Promise.all([store.record(first), store.list(), store.get(first.id)]); // fill the pool
    const killed = await adminQuery<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [application]);
    expect(killed.length).toBeGreaterThan(0);
    // Every pooled connection is dead now; each call must still succeed on a fresh one.
    const second = makeDelivery({ at: 1 });
    await store.record(second);
    expect((await store.list()).items.map((item) => item.id)).toEqual([second.id, first.id]);
    expect(await store.claim({ provider: 'pylon', dedupeKey: 'after', deliveryId: second.id, now: T0, leaseMs: 1000 })).toEqual({ kind: 'claimed' });
    const third = makeDelivery({ at: 2, dedupeKey: 'after' });
    await store.complete({ delivery: third, now: T0, windowMs: 1000 });
    expect(await store.get(third.id)).toMatchObject({ status: 'handled' });
  });

  it('refreshes planner statistics after a large insertMany', async () => {
    const schema = await createPgSchema();
    cleanups.push(() => schema.drop());
    const store = await openStore(schema.url);
    cleanups.push(() => store.close());
    const reltuples = async (): Promise<number> =>
      (
        await adminQuery<{ reltuples: number }>(
          `select c.reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = 'hookgate_deliveries'`,
          [schema.schema],
        )
      )[0]!.reltuples;
    expect(await reltuples()).toBe(-1); // never analyzed
    const rawBody = new Uint8Array(0);
    await store.insertMany(Array.from({ length: 10_000 }, (_, index) => makeDelivery({ at: index, rawBody, payload: null })));
    expect(await reltuples()).toBe(10_000);
  });

  it('refuses a pool of zero connections with invalid_config', async () => {
    await expect(openStore(CLOSED_PORT_URL, { poolSize: 0 })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
