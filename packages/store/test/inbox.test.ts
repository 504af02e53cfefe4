// Inbox mode on the real SQLite file and the real PostgreSQL server (pg-boss in the same
// database): durable enqueue before 202, workers with retries and dead letters, every attempt
// recorded, a worker that stops mid-job (lease) taken over, concurrent workers, replay.
import {
  createWebhookHandler,
  replayDelivery,
  startWorker,
  type DeliveryStore,
  type HandlerContext,
  type InboxJob,
  type InboxSubscription,
} from '@hookgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openStore, type PersistentDeliveryStore } from '../src/index.js';
import { PgBossQueue, retryJobId, type PgBossExecutor } from '../src/pg-boss-queue.js';
import { ACME_SECRET, acme, signedPing } from './fixtures/acme-provider.mjs';
import { adminQuery, DATABASE_TARGETS, makeDelivery } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the inbox');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function statusOf(store: DeliveryStore, id: string): Promise<string | undefined> {
  return (await store.get(id))?.status;
}

describe.each(DATABASE_TARGETS)('inbox on $name', ({ create }) => {
  let bossSchema = '';

  async function open(): Promise<{ url: string; reopen(): Promise<PersistentDeliveryStore>; store: PersistentDeliveryStore }> {
    const target = await create();
    cleanups.push(() => target.cleanup());
    bossSchema = `hookgate_boss_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    if (target.dialect === 'postgres') cleanups.push(async () => void (await adminQuery(`drop schema if exists ${bossSchema} cascade`)));
    const reopen = async () => {
      const store = await openStore(target.url, { inbox: { schema: bossSchema, maintenanceIntervalSeconds: 1 } });
      cleanups.push(() => store.close());
      return store;
    };
    return { url: target.url, reopen, store: await reopen() };
  }

  /** An acme handler in inbox mode; the listener fails the first `failFirst(id)` runs of an id. */
  function inboxHandler(store: DeliveryStore, failFirst: (id: string) => number = () => 0) {
    const runs: Array<{ id: string; ctx: HandlerContext; at: number }> = [];
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store, mode: 'inbox', logger: { error() {} } });
    handler.on('ping', (payload: { id: string }, ctx) => {
      runs.push({ id: payload.id, ctx, at: Date.now() });
      if (runs.filter((run) => run.id === payload.id).length <= failFirst(payload.id)) throw new Error(`first run of ${payload.id} fails`);
    });
    return { handler, runs };
  }

  it('close() in the same turn as enqueues: each one either commits (and is there after reopening) or gets 503 with store_closed, never a driver error', async () => {
    const { store, reopen } = await open();
    const { handler } = inboxHandler(store);
    const pending = Array.from({ length: 30 }, (_, index) => handler.handle(signedPing(`evt_close_${index}`)));
    const closing = store.close();
    const outcomes = await Promise.all(pending);
    await closing;
    for (const outcome of outcomes) expect([202, 503]).toContain(outcome.status);
    const queued = outcomes.filter((outcome) => outcome.status === 202);
    // A later enqueue is refused as a closed store, not with the driver's own message.
    const late = { delivery: makeDelivery({ dedupeKey: 'evt_late' }), now: Date.now(), windowMs: 60_000 };
    await expect(store.inbox.enqueue(late)).rejects.toMatchObject({ code: 'store_closed' });
    const again = await reopen();
    for (const outcome of queued) expect(await statusOf(again, outcome.deliveryId!)).toBe('queued');
  });

  it('records queued and enqueues before answering 202; a worker handles it once; a copy is a duplicate', async () => {
    const { store } = await open();
    const { handler, runs } = inboxHandler(store);
    const outcome = await handler.handle(signedPing('evt_1'));
    expect(outcome).toMatchObject({ status: 202, kind: 'queued' });
    expect(await statusOf(store, outcome.deliveryId!)).toBe('queued');
    expect(await store.inbox.pending()).toBe(1);
    if (store.dialect === 'postgres') {
      const jobs = await adminQuery(`select id::text, state from ${bossSchema}.job where name = 'hookgate-deliveries'`);
      expect(jobs).toEqual([{ id: outcome.deliveryId, state: 'created' }]);
    }
    expect(await handler.handle(signedPing('evt_1'))).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: outcome.deliveryId });

    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20 });
    await until(async () => (await statusOf(store, outcome.deliveryId!)) === 'handled');
    await worker.stop();
    expect(runs.map((run) => [run.id, run.ctx.deliveryId, run.ctx.attempt])).toEqual([['evt_1', outcome.deliveryId, 1]]);
    expect(await store.inbox.attempts(outcome.deliveryId!)).toMatchObject([{ attempt: 1, error: null, trigger: 'worker', requestedBy: worker.id }]);
    expect(await store.inbox.pending()).toBe(0);
    expect((await store.list({ status: 'handled' })).items).toHaveLength(1);
    if (store.dialect === 'postgres') {
      // Completed by a statement of the worker's own transaction, with no output. (pg-boss takes
      // complete(name, ids, data, options): given the options third, it stored them as the output,
      // {"db":{}}, and completed the job on its own pool, outside the transaction that records the
      // delivery handled, so a worker killed in between left the delivery queued with no job.)
      const jobs = await adminQuery(`select state, output from ${bossSchema}.job where name = 'hookgate-deliveries'`);
      expect(jobs).toEqual([{ state: 'completed', output: null }]);
    }
  });

  it('store.inbox.maxBodyBytes is the store’s: a body the store would cut is refused 413 in inbox mode, not queued to die', async () => {
    const { store } = await open();
    expect(store.inbox.maxBodyBytes).toBe(1024 * 1024);
    const target = await create();
    cleanups.push(() => target.cleanup());
    const small = await openStore(target.url, { maxBodyBytes: 40, inbox: { schema: bossSchema, maintenanceIntervalSeconds: 1 } });
    cleanups.push(() => small.close());
    const { handler } = inboxHandler(small);
    expect(await handler.handle(signedPing('evt_longer_than_the_store_keeps'))).toMatchObject({ status: 413, kind: 'too_large' });
    expect(await small.inbox.pending()).toBe(0);
    expect((await small.list()).items).toEqual([]);
  });

  it('retries a listener that fails its first run (retrying → handled) and makes one that always fails dead', async () => {
    const { store } = await open();
    const { handler, runs } = inboxHandler(store, (id) => (id === 'evt_dead' ? 99 : 1));
    const flaky = (await handler.handle(signedPing('evt_flaky'))).deliveryId!;
    const dead = (await handler.handle(signedPing('evt_dead'))).deliveryId!;
    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } });
    await until(async () => (await statusOf(store, flaky)) === 'handled' && (await statusOf(store, dead)) === 'dead');
    await worker.stop();
    expect(runs.filter((run) => run.id === 'evt_flaky').map((run) => run.ctx.attempt)).toEqual([1, 2]);
    expect(runs.filter((run) => run.id === 'evt_dead').map((run) => run.ctx.attempt)).toEqual([1, 2]);
    expect((await store.inbox.attempts(flaky)).map((a) => [a.attempt, a.error])).toEqual([
      [1, 'first run of evt_flaky fails'],
      [2, null],
    ]);
    expect(await store.get(dead)).toMatchObject({ status: 'dead', reason: 'attempts_exhausted', message: 'attempt 2: first run of evt_dead fails' });
    const stats = await store.stats({ from: new Date(0), to: new Date(Date.now() + 60_000), bucket: 'day' });
    expect(stats.totals).toMatchObject({ handled: 1, dead: 1, queued: 0 });
    if (store.dialect === 'postgres') {
      // A failed attempt completes its job and creates the next attempt's job; dead cancels it.
      const states = await adminQuery(`select id::text, state::text from ${bossSchema}.job`);
      expect(Object.fromEntries(states.map((row) => [row.id, row.state]))).toEqual({
        [dead]: 'completed',
        [retryJobId(dead, 2)]: 'cancelled',
        [flaky]: 'completed',
        [retryJobId(flaky, 2)]: 'completed',
      });
    }
  });

  it('prune() keeps a delivery the inbox still has to run, whatever its age, and takes a pruned delivery’s attempts with it', async () => {
    const { store } = await open();
    const { handler, runs } = inboxHandler(store);
    const done = (await handler.handle(signedPing('evt_done'))).deliveryId!;
    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20 });
    await until(async () => (await statusOf(store, done)) === 'handled');
    await worker.stop();
    expect(await store.inbox.attempts(done)).toHaveLength(1);
    const queued = (await handler.handle(signedPing('evt_queued'))).deliveryId!;
    // Everything is older than a day from now: only the handled delivery may go.
    expect(await store.prune({ olderThan: new Date(Date.now() + 86_400_000) })).toBe(1);
    expect(await store.get(done)).toBeNull();
    expect(await store.inbox.attempts(done)).toEqual([]);
    expect(await statusOf(store, queued)).toBe('queued');
    expect(await store.inbox.pending()).toBe(1);
    const again = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20 });
    await until(async () => (await statusOf(store, queued)) === 'handled');
    await again.stop();
    expect(runs.map((run) => run.id)).toEqual(['evt_done', 'evt_queued']);
  });

  it("retries at the worker's policy delays, capped at maxDelayMs, then dead after maxAttempts", async () => {
    const { store } = await open();
    const { handler, runs } = inboxHandler(store, () => 99);
    const { deliveryId } = await handler.handle(signedPing('evt_backoff'));
    // Uncapped, the delays would be drawn from [500, 1000], [1000, 2000], [2000, 4000] ms.
    const retry = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 1000 };
    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20, retry });
    await until(async () => (await statusOf(store, deliveryId!)) === 'dead');
    await worker.stop();
    expect(runs.map((run) => run.ctx.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = runs.slice(1).map((run, index) => run.at - runs[index]!.at);
    for (const gap of gaps) {
      // Each delay is drawn from [maxDelayMs / 2, maxDelayMs]; the slack above is polling and
      // commits on a busy machine, well short of the 2000 ms the third delay would take uncapped.
      expect(gap).toBeGreaterThanOrEqual(500 - 25);
      expect(gap).toBeLessThan(1000 + 900);
    }
    expect(await store.get(deliveryId!)).toMatchObject({ status: 'dead', reason: 'attempts_exhausted', message: 'attempt 4: first run of evt_backoff fails' });
    expect((await store.inbox.attempts(deliveryId!)).map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4]);
    expect(await store.inbox.pending()).toBe(0);
  });

  it('retries sub-second delays in milliseconds, not rounded up to whole seconds', async () => {
    const { store } = await open();
    const { handler, runs } = inboxHandler(store, () => 2);
    const { deliveryId } = await handler.handle(signedPing('evt_fast'));
    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20, retry: { maxAttempts: 5, baseDelayMs: 60, maxDelayMs: 80 } });
    await until(async () => (await statusOf(store, deliveryId!)) === 'handled');
    await worker.stop();
    expect(runs.map((run) => run.ctx.attempt)).toEqual([1, 2, 3]);
    const elapsed = runs[2]!.at - runs[0]!.at;
    // Two delays of at most 80 ms each: whole seconds would take 2000 ms at least.
    expect(elapsed).toBeGreaterThanOrEqual(30 + 40 - 25);
    expect(elapsed).toBeLessThan(1000);
  });

  it('a job whose worker stopped answering is taken over after its lease, as the next attempt', async () => {
    const { store } = await open();
    const { handler, runs } = inboxHandler(store);
    // Sets the lease of jobs enqueued from now on (pg-boss copies it into each job).
    const hung: InboxJob[] = [];
    const stuck: InboxSubscription = await store.inbox.work({
      concurrency: 1,
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 20 },
      leaseMs: 1000,
      // A frozen process renews nothing (in this process the event loop would keep renewing).
      renewLease: false,
      pollIntervalMs: 20,
      workerId: 'hung-worker',
      process: (job) => {
        hung.push(job);
        return new Promise(() => {}); // never finishes, like a process that froze
      },
    });
    const { deliveryId } = await handler.handle(signedPing('evt_hung'));
    await until(async () => hung.length === 1);
    expect(hung[0]).toMatchObject({ deliveryId, attempt: 1 });
    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 50, leaseSeconds: 1 });
    await until(async () => (await statusOf(store, deliveryId!)) === 'handled');
    await worker.stop();
    expect(runs.map((run) => run.ctx.attempt)).toEqual([2]);
    expect(await store.inbox.attempts(deliveryId!)).toMatchObject([{ attempt: 2, error: null, requestedBy: worker.id }]);
    void stuck; // left hanging on purpose; the store's close() gives up on it
  });

  it('two workers on two connections run each of 40 deliveries exactly once', async () => {
    const { store, reopen } = await open();
    const other = await reopen();
    const first = inboxHandler(store);
    const second = inboxHandler(other);
    const ids: string[] = [];
    for (let index = 0; index < 40; index++) ids.push((await first.handler.handle(signedPing(`evt_${index}`))).deliveryId!);
    const workers = await Promise.all([
      startWorker({ store, handlers: { acme: first.handler }, concurrency: 4, pollIntervalMs: 10 }),
      startWorker({ store: other, handlers: { acme: second.handler }, concurrency: 4, pollIntervalMs: 10 }),
    ]);
    await until(async () => (await store.inbox.pending()) === 0);
    await Promise.all(workers.map((worker) => worker.stop()));
    const ran = [...first.runs, ...second.runs].map((run) => run.ctx.deliveryId).sort();
    expect(ran).toEqual([...ids].sort());
  });

  it('replays a dead delivery through the same listeners as a new attempt, recording who', async () => {
    const { store } = await open();
    let broken = true;
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store, mode: 'inbox', logger: { error() {} } });
    const attempts: number[] = [];
    handler.on('ping', (_payload, ctx) => {
      attempts.push(ctx.attempt);
      if (broken) throw new Error('down');
    });
    const { deliveryId } = await handler.handle(signedPing('evt_replay'));
    const worker = await startWorker({ store, handlers: { acme: handler }, pollIntervalMs: 20, retry: { maxAttempts: 1 } });
    await until(async () => (await statusOf(store, deliveryId!)) === 'dead');
    await worker.stop();
    broken = false;
    expect(await replayDelivery({ store, handlers: { acme: handler }, requestedBy: 'ops@example' }, deliveryId!)).toEqual({
      deliveryId,
      ok: true,
      attempt: 2,
      status: 'handled',
    });
    expect(attempts).toEqual([1, 2]);
    expect(await store.inbox.attempts(deliveryId!)).toMatchObject([
      { attempt: 1, trigger: 'worker', error: 'down' },
      { attempt: 2, trigger: 'replay', requestedBy: 'ops@example', error: null },
    ]);
    expect(await statusOf(store, deliveryId!)).toBe('handled');
  });
});

// pg-boss's maintenance (every second here) is what expires a job, so PostgreSQL gets a lease it can see run out.
describe.each([
  { ...DATABASE_TARGETS[0], leaseSeconds: 0.3, listenerMs: 1500 },
  { ...DATABASE_TARGETS[1], leaseSeconds: 1, listenerMs: 3500 },
])('lease renewal on $name', ({ create, leaseSeconds, listenerMs }) => {
  it('a listener running longer than the lease keeps its job while it runs: it runs once', async () => {
    const target = await create();
    cleanups.push(() => target.cleanup());
    const schema = `hookgate_boss_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    if (target.dialect === 'postgres') cleanups.push(async () => void (await adminQuery(`drop schema if exists ${schema} cascade`)));
    const reopen = () => openStore(target.url, target.dialect === 'postgres' ? { inbox: { schema, maintenanceIntervalSeconds: 1 } } : {});
    const stores = [await reopen(), await reopen()];
    for (const store of stores) cleanups.push(() => store.close());
    const runs: number[] = [];
    const handlers = stores.map((store) => {
      const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store, mode: 'inbox', logger: { error() {} } });
      handler.on('ping', async (_payload: { id: string }, ctx) => {
        runs.push(ctx.attempt);
        await new Promise((resolve) => setTimeout(resolve, listenerMs)); // 3.5 to 5 leases
      });
      return handler;
    });
    const { deliveryId } = await handlers[0]!.handle(signedPing('evt_slow'));
    // Two workers on two connections, polling every 20 ms: without renewal the second takes the
    // job once its lease ends and runs the listener again.
    const workers = await Promise.all(
      stores.map((store, index) => startWorker({ store, handlers: { acme: handlers[index]! }, leaseSeconds, pollIntervalMs: 20 })),
    );
    try {
      await until(async () => (await statusOf(stores[0]!, deliveryId!)) === 'handled');
      await new Promise((resolve) => setTimeout(resolve, leaseSeconds * 1000 + 100)); // a late second run would show now
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    expect(runs).toEqual([1]);
    expect((await stores[0]!.inbox.attempts(deliveryId!)).map((a) => [a.attempt, a.error])).toEqual([[1, null]]);
  });
});

/** A PgBossQueue on a fresh PostgreSQL database and schema, and an executor on its own pool (all cleaned up). */
async function pgBossQueue(): Promise<{ schema: string; queue: PgBossQueue; executor: PgBossExecutor }> {
  const target = await DATABASE_TARGETS[1].create();
  cleanups.push(() => target.cleanup());
  const schema = `hookgate_boss_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  cleanups.push(async () => void (await adminQuery(`drop schema if exists ${schema} cascade`)));
  const queue = new PgBossQueue(target.url, { schema, maintenanceIntervalSeconds: 1 });
  cleanups.push(() => queue.stop());
  const pool = new pg.Pool({ connectionString: target.url, max: 2 });
  cleanups.push(() => pool.end());
  const executor: PgBossExecutor = { executeSql: async (text, values) => ({ rows: (await pool.query(text, values)).rows }) };
  return { schema, queue, executor };
}

describe('the pg-boss queue: the lease is the taking worker’s', () => {
  it('a job enqueued under another worker’s lease gets the taker’s; renew() extends it only while that take holds the job', async () => {
    const { schema, queue, executor } = await pgBossQueue();
    /** Seconds from now until the job's lease ends, as pg-boss's maintenance computes it. */
    const leaseLeft = async (id: string) =>
      Number(
        (await adminQuery<{ left: string }>(`select extract(epoch from started_on + expire_in - now()) as left from ${schema}.job where id = $1`, [id]))[0]!
          .left,
      );

    // A worker with a 2 s lease started last: the queue's expiry (copied into new jobs) is 2 s.
    await queue.ready({ leaseMs: 2000, retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 } });
    const deliveryId = '0193a5f2-7c1e-7000-8000-0000000000a1';
    await queue.insert([{ deliveryId, provider: 'acme' }], executor);
    const [job] = await queue.fetch(10, 10_000); // taken by a worker with a 10 s lease
    expect(await leaseLeft(deliveryId)).toBeGreaterThan(9);
    expect(await leaseLeft(deliveryId)).toBeLessThanOrEqual(10);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await queue.renew(job!, 30_000)).toBe(true);
    expect(await leaseLeft(deliveryId)).toBeGreaterThan(29);

    // The lease runs out (a frozen worker renews nothing): maintenance expires it, another take gets it.
    expect(await queue.renew(job!, 1000)).toBe(true);
    await until(async () => (await queue.fetch(10, 10_000)).length === 1, 10_000);
    expect(await queue.renew(job!, 30_000)).toBe(false); // the first take no longer holds it
  });
});

describe('the pg-boss queue settling one attempt twice', () => {
  it("creates the next attempt's job once, due at retryAt, and fetches it as attempt 2", async () => {
    const { schema, queue, executor } = await pgBossQueue();

    await queue.ready({ leaseMs: 5000, retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 } });
    const deliveryId = '0193a5f2-7c1e-7000-8000-000000000001';
    await queue.insert([{ deliveryId, provider: 'acme' }], executor);
    const [job] = await queue.fetch(10, 5000);
    expect(job).toEqual({ deliveryId, provider: 'acme', attempt: 1 });
    const retryAt = Date.now() + 700;
    // Settled twice (a retried commit, or two callers): one job for attempt 2, not two.
    await queue.settle([{ job: job!, status: 'retrying', error: 'boom', retryAt }], executor);
    await queue.settle([{ job: job!, status: 'retrying', error: 'boom', retryAt }], executor);
    const jobs = await adminQuery<{ id: string; state: string; start_after: Date; expire_in: { seconds?: number } }>(
      `select id::text, state::text, start_after, expire_in from ${schema}.job order by created_on, id`,
    );
    expect(jobs.map((row) => [row.id, row.state])).toEqual([
      [deliveryId, 'completed'],
      [retryJobId(deliveryId, 2), 'created'],
    ]);
    expect(jobs[1]!.start_after.getTime()).toBe(retryAt);
    expect(jobs[1]!.expire_in).toMatchObject({ seconds: 5 });

    expect(await queue.fetch(10, 5000)).toEqual([]); // not due yet
    await new Promise((resolve) => setTimeout(resolve, retryAt - Date.now() + 50));
    expect(await queue.fetch(10, 5000)).toEqual([{ deliveryId, provider: 'acme', attempt: 2 }]);
  });
});
