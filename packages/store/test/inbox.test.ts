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
import { openStore, type PersistentDeliveryStore } from '../src/index.js';
import { ACME_SECRET, acme, signedPing } from './fixtures/acme-provider.mjs';
import { adminQuery, DATABASE_TARGETS } from './helpers.js';

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
    const runs: Array<{ id: string; ctx: HandlerContext }> = [];
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store, mode: 'inbox', logger: { error() {} } });
    handler.on('ping', (payload: { id: string }, ctx) => {
      runs.push({ id: payload.id, ctx });
      if (runs.filter((run) => run.id === payload.id).length <= failFirst(payload.id)) throw new Error(`first run of ${payload.id} fails`);
    });
    return { handler, runs };
  }

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
      const states = await adminQuery(`select id::text, state::text from ${bossSchema}.job`);
      expect(Object.fromEntries(states.map((row) => [row.id, row.state]))).toEqual({ [dead]: 'cancelled', [flaky]: 'completed' });
    }
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
