// Inbox mode on MemoryStore: answer 202 after a durable enqueue, workers with retries and dead
// letters, every attempt recorded, SIGTERM-style draining, and replay.
import { describe, expect, it } from 'vitest';
import { SECRET, shop, signedRequest } from '../test/helpers.js';
import { HookgateError } from './errors.js';
import { createGateway } from './gateway.js';
import { createWebhookHandler, type HandlerContext } from './handler.js';
import { DEFAULT_RETRY_POLICY, normalizeRetryPolicy, retryDelayMs } from './inbox.js';
import { MemoryStore } from './memory-store.js';
import { countReplayable, replayDeliveries, replayDelivery } from './replay.js';
import { startWorker, type Worker } from './worker.js';

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

function order(id: string): object {
  return { type: 'order.paid', id, amount: 1 };
}

/** A shop handler in inbox mode whose listener fails the first `failures(id)` runs. */
function inboxHandler(store: MemoryStore, failures: (id: string) => number = () => 0) {
  const runs: Array<{ id: string; ctx: HandlerContext }> = [];
  const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox', logger: { error() {} } });
  handler.on('order.paid', (payload, ctx) => {
    runs.push({ id: payload.id, ctx });
    const failed = runs.filter((run) => run.id === payload.id).length;
    if (failed <= failures(payload.id)) throw new Error(`listener failed for ${payload.id} (run ${failed})`);
  });
  return { handler, runs };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the worker');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function withWorker<T>(start: Promise<Worker>, body: (worker: Worker) => Promise<T>): Promise<T> {
  const worker = await start;
  try {
    return await body(worker);
  } finally {
    await worker.stop();
  }
}

describe('inbox mode and the store body limit', () => {
  it('a body longer than the store keeps is refused with 413, not queued (its job could never run); a shorter one is queued', async () => {
    const store = new MemoryStore({ maxBodyBytes: 60 });
    const { handler, runs } = inboxHandler(store);
    const long = await handler.handle(signedRequest(shop, { ...order('ord_long'), note: 'x'.repeat(100) }));
    expect(long).toMatchObject({ status: 413, kind: 'too_large' });
    expect(long.message).toContain('maxBodyBytes');
    expect(await store.inbox.pending()).toBe(0);
    // Refused before the claim: the provider's retry (after the limit is raised) is not a duplicate.
    const short = await handler.handle(signedRequest(shop, order('ord_1')));
    expect(short).toMatchObject({ status: 202, kind: 'queued' });
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 5 }), async () => {
      await until(async () => (await store.get(short.deliveryId!))?.status === 'handled');
    });
    expect(runs.map((run) => run.id)).toEqual(['ord_1']);
    // maxBodyBytes 0 ("keeps no body"): nothing can be queued.
    const none = inboxHandler(new MemoryStore({ maxBodyBytes: 0 })).handler;
    expect(await none.handle(signedRequest(shop, order('ord_2')))).toMatchObject({ status: 413, kind: 'too_large' });
  });
});

describe('inbox mode (issue 15)', () => {
  it('answers 202 queued after recording and enqueueing; listeners run only in the worker, once, with ctx.attempt 1', async () => {
    const store = new MemoryStore();
    const { handler, runs } = inboxHandler(store);
    const outcome = await handler.handle(signedRequest(shop, order('ord_1')));
    expect(outcome).toMatchObject({ status: 202, kind: 'queued' });
    expect(runs).toEqual([]);
    expect(await store.get(outcome.deliveryId!)).toMatchObject({ status: 'queued', event: 'order.paid', dedupeKey: 'ord_1' });
    expect(await store.inbox.pending()).toBe(1);
    // A copy after the enqueue is a duplicate: the inbox owns the delivery now.
    const copy = await handler.handle(signedRequest(shop, order('ord_1')));
    expect(copy).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: outcome.deliveryId });

    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 5 }), async () => {
      await until(async () => (await store.get(outcome.deliveryId!))?.status === 'handled');
    });
    expect(runs.map((run) => [run.id, run.ctx.deliveryId, run.ctx.attempt])).toEqual([['ord_1', outcome.deliveryId, 1]]);
    const attempts = await store.inbox.attempts(outcome.deliveryId!);
    expect(attempts).toMatchObject([{ attempt: 1, error: null, trigger: 'worker', deliveryId: outcome.deliveryId }]);
    expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(attempts[0]!.startedAt)).not.toBeNaN();
    expect(await store.inbox.pending()).toBe(0);
  });

  it('a MemoryStore with a small history never drops a delivery still in its inbox; once handled it goes in its turn', async () => {
    const store = new MemoryStore({ historyBytes: 64 * 1024 });
    const { handler, runs } = inboxHandler(store);
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_waiting')));
    const flood = async (prefix: string) => {
      // Finished deliveries of ~1 KB, recorded inline: many times what the history holds.
      const inline = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inline' });
      for (let n = 0; n < 150; n++) {
        const outcome = await inline.handle(signedRequest(shop, { ...order(`${prefix}${n}`), note: 'x'.repeat(1000) }));
        expect(outcome.status).toBe(200);
      }
    };
    await flood('a');
    expect(await store.get(deliveryId!)).toMatchObject({ status: 'queued', dedupeKey: 'ord_waiting' });
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 5 }), async () => {
      await until(async () => (await store.get(deliveryId!))?.status === 'handled');
    });
    expect(runs.map((run) => run.id)).toEqual(['ord_waiting']);
    expect(await store.inbox.attempts(deliveryId!)).toHaveLength(1);
    await flood('b');
    expect(await store.get(deliveryId!)).toBeNull();
    expect(await store.inbox.attempts(deliveryId!)).toEqual([]);
  });

  it('retries a failing listener with backoff: retrying, then handled; every attempt recorded', async () => {
    const store = new MemoryStore();
    const { handler, runs } = inboxHandler(store, () => 1);
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_flaky')));
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 2, retry: FAST_RETRY }), async () => {
      await until(async () => (await store.get(deliveryId!))?.status === 'handled');
    });
    expect(runs.map((run) => run.ctx.attempt)).toEqual([1, 2]);
    const attempts = await store.inbox.attempts(deliveryId!);
    expect(attempts.map((a) => [a.attempt, a.error])).toEqual([
      [1, 'listener failed for ord_flaky (run 1)'],
      [2, null],
    ]);
    const delivery = await store.get(deliveryId!);
    expect(delivery).toMatchObject({ status: 'handled', reason: null, message: null });
  });

  it('a listener that always fails ends dead after maxAttempts, with the last error', async () => {
    const store = new MemoryStore();
    const { handler, runs } = inboxHandler(store, () => Number.POSITIVE_INFINITY);
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_dead')));
    const seen: string[] = [];
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 2, retry: FAST_RETRY }), async () => {
      await until(async () => {
        const status = (await store.get(deliveryId!))?.status;
        if (status && seen.at(-1) !== status) seen.push(status);
        return status === 'dead';
      });
    });
    expect(runs).toHaveLength(3);
    expect(seen).toContain('retrying');
    expect(await store.get(deliveryId!)).toMatchObject({
      status: 'dead',
      reason: 'attempts_exhausted',
      message: 'attempt 3: listener failed for ord_dead (run 3)',
    });
    expect((await store.inbox.attempts(deliveryId!)).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect((await store.stats({ from: 0 as unknown as string, to: new Date(Date.now() + 1e9), bucket: 'day' })).totals.dead).toBe(1);
    expect((await store.list({ status: 'dead' })).items.map((d) => d.id)).toEqual([deliveryId]);
  });

  it('a listener that throws a value with no text (no prototype, a throwing toString, a non-string message) is a failed attempt, recorded; other jobs run on', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox', logger: { error() {} } });
    const thrown: Record<string, () => unknown> = {
      ord_nullproto: () => Object.create(null),
      ord_badtostring: () => ({
        toString() {
          throw new Error('no text for you');
        },
      }),
      ord_msgobj: () => Object.assign(new Error('x'), { message: { not: 'a string' } }),
    };
    const ran: string[] = [];
    handler.on('order.paid', (payload) => {
      ran.push(payload.id);
      const make = thrown[payload.id];
      if (make) throw make();
    });
    const ids: Record<string, string> = {};
    for (const id of [...Object.keys(thrown), 'ord_fine']) ids[id] = (await handler.handle(signedRequest(shop, order(id)))).deliveryId!;
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 2, retry: { ...FAST_RETRY, maxAttempts: 2 } }), async () => {
      await until(async () => {
        const statuses = await Promise.all(Object.values(ids).map(async (id) => (await store.get(id))?.status));
        return statuses.every((status) => status === 'dead' || status === 'handled');
      });
    });
    expect((await store.get(ids.ord_fine!))?.status).toBe('handled');
    expect(ran.filter((id) => id === 'ord_fine')).toHaveLength(1);
    const messages = await Promise.all(Object.keys(thrown).map(async (id) => (await store.get(ids[id]!))?.message));
    expect(messages).toEqual([
      'attempt 2: a thrown value that cannot be shown as text ([object Object])',
      'attempt 2: a thrown value that cannot be shown as text ([object Object])',
      'attempt 2: [object Object]',
    ]);
    for (const id of Object.keys(thrown)) {
      expect((await store.inbox.attempts(ids[id]!)).map((attempt) => [attempt.attempt, typeof attempt.error])).toEqual([
        [1, 'string'],
        [2, 'string'],
      ]);
    }
    // Replay reports the same instead of rejecting.
    expect(await replayDelivery({ store, handlers: { shop: handler }, requestedBy: 'test' }, ids.ord_nullproto!)).toMatchObject({
      ok: false,
      reason: 'listener_failed',
      message: 'a thrown value that cannot be shown as text ([object Object])',
    });
  });

  it('prune() keeps a delivery the inbox still has to run, whatever its age, and takes a pruned delivery’s attempts with it', async () => {
    const store = new MemoryStore();
    const { handler, runs } = inboxHandler(store);
    const done = (await handler.handle(signedRequest(shop, order('ord_done')))).deliveryId!;
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 2 }), async () => {
      await until(async () => (await store.get(done))?.status === 'handled');
    });
    expect(await store.inbox.attempts(done)).toHaveLength(1);
    const queued = (await handler.handle(signedRequest(shop, order('ord_queued')))).deliveryId!;
    expect(await store.prune({ olderThan: new Date(Date.now() + 86_400_000) })).toBe(1);
    expect(await store.get(done)).toBeNull();
    expect(await store.inbox.attempts(done)).toEqual([]);
    expect((await store.get(queued))?.status).toBe('queued');
    expect((await store.list()).items.map((item) => item.id)).toEqual([queued]);
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 2 }), async () => {
      await until(async () => (await store.get(queued))?.status === 'handled');
    });
    expect(runs.map((run) => run.id)).toEqual(['ord_done', 'ord_queued']);
  });

  it('a worker reports the concurrency and lease it runs with: the options given, else the defaults (4, 60 s)', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox' });
    await withWorker(startWorker({ store, handlers: { shop: handler } }), async (worker) => {
      expect([worker.concurrency, worker.leaseSeconds]).toEqual([4, 60]);
    });
    await withWorker(startWorker({ store, handlers: { shop: handler }, concurrency: 7, leaseSeconds: 2.5 }), async (worker) => {
      expect([worker.concurrency, worker.leaseSeconds]).toEqual([7, 2.5]);
    });
  });

  it('stop() drains: it resolves only after the running listeners finished and were recorded', async () => {
    const store = new MemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox' });
    let started = 0;
    handler.on('order.paid', async () => {
      started++;
      await gate;
    });
    const ids = [];
    for (const id of ['a', 'b', 'c']) ids.push((await handler.handle(signedRequest(shop, order(id)))).deliveryId!);
    const worker = await startWorker({ store, handlers: { shop: handler }, concurrency: 2, pollIntervalMs: 2 });
    await until(() => started === 2);
    expect(worker.inFlight).toBe(2);
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const statuses = await Promise.all(ids.map(async (id) => (await store.get(id))?.status));
    // Two ran to completion and were recorded; the third was never taken and is still queued.
    expect(statuses.filter((s) => s === 'handled')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(1);
    expect(started).toBe(2);
  });

  it('a listener running longer than the lease keeps its job (renewed every half lease): it runs once', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox' });
    const runs: Array<{ attempt: number; worker: string }> = [];
    const current = '';
    handler.on('order.paid', async (_payload, ctx) => {
      runs.push({ attempt: ctx.attempt, worker: current });
      await new Promise((resolve) => setTimeout(resolve, 600)); // 4 leases of 150 ms
    });
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_slow')));
    // Two workers polling every 5 ms: without renewal the second takes the job after 150 ms.
    const workers = [
      await startWorker({ store, handlers: { shop: handler }, leaseSeconds: 0.15, pollIntervalMs: 5, workerId: 'w1' }),
      await startWorker({ store, handlers: { shop: handler }, leaseSeconds: 0.15, pollIntervalMs: 5, workerId: 'w2' }),
    ];
    try {
      await until(async () => (await store.get(deliveryId!))?.status === 'handled');
      await new Promise((resolve) => setTimeout(resolve, 200)); // a late second run would show now
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    expect(runs.map((run) => run.attempt)).toEqual([1]);
    expect((await store.inbox.attempts(deliveryId!)).map((a) => [a.attempt, a.error])).toEqual([[1, null]]);
  });

  it('with renewLease false, or when the worker stops renewing, a job past its lease goes to another worker', async () => {
    const store = new MemoryStore();
    const { handler, runs } = inboxHandler(store);
    const hung: number[] = [];
    const frozen = await store.inbox.work({
      concurrency: 1,
      retry: normalizeRetryPolicy(FAST_RETRY),
      leaseMs: 100,
      renewLease: false,
      pollIntervalMs: 5,
      workerId: 'frozen',
      process: (job) => {
        hung.push(job.attempt);
        return new Promise(() => {}); // never settles, like a frozen process
      },
    });
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_frozen')));
    await until(() => hung.length === 1);
    await withWorker(startWorker({ store, handlers: { shop: handler }, leaseSeconds: 0.1, pollIntervalMs: 5 }), async () => {
      await until(async () => (await store.get(deliveryId!))?.status === 'handled');
    });
    expect(hung).toEqual([1]);
    expect(runs.map((run) => run.ctx.attempt)).toEqual([2]);
    void frozen; // left hanging on purpose
  });

  it('a gateway in inbox mode queues for handlers without a mode; a handler that says inline stays inline', async () => {
    const store = new MemoryStore();
    const queued = createWebhookHandler({ provider: shop, secret: SECRET });
    const inline = createWebhookHandler({ provider: shop, secret: SECRET, mode: 'inline' });
    const gateway = createGateway({ handlers: { queued, inline }, store, mode: 'inbox' });
    expect(await gateway.handle('queued', signedRequest(shop, order('g1')))).toMatchObject({ status: 202, kind: 'queued' });
    expect(await gateway.handle('inline', signedRequest(shop, order('g2')))).toMatchObject({ status: 200, kind: 'handled' });
    expect(() => createGateway({ handlers: { queued }, mode: 'inbox' })).toThrow(HookgateError);
    expect(() => createWebhookHandler({ provider: shop, secret: SECRET, mode: 'queue' as never })).toThrow(/mode must be/);
  });

  it('a store that fails while enqueueing answers 503 and releases the claim, so the retry is queued', async () => {
    const store = new MemoryStore();
    const { handler } = inboxHandler(store);
    const enqueue = store.inbox.enqueue.bind(store.inbox);
    store.inbox.enqueue = async () => {
      throw new Error('disk full');
    };
    expect(await handler.handle(signedRequest(shop, order('ord_503')))).toMatchObject({ status: 503, kind: 'store_unavailable' });
    store.inbox.enqueue = enqueue;
    expect(await handler.handle(signedRequest(shop, order('ord_503')))).toMatchObject({ status: 202, kind: 'queued' });
  });

  it('startWorker refuses a store without an inbox and bad options', async () => {
    const store = new MemoryStore();
    const { handler } = inboxHandler(store);
    await expect(startWorker({ store: { ...store, inbox: undefined } as never, handlers: { shop: handler } })).rejects.toThrow(/inbox/);
    await expect(startWorker({ store, handlers: { shop: handler }, concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(startWorker({ store, handlers: {} })).rejects.toThrow(/no webhook handler/);
  });
});

describe('retry policy', () => {
  it('backs off exponentially with jitter in [d/2, d], capped', () => {
    const policy = normalizeRetryPolicy({ baseDelayMs: 1000, maxDelayMs: 10_000 });
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(3000);
    expect(retryDelayMs(policy, 30, () => 1)).toBe(10_000);
    expect(normalizeRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(() => normalizeRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});

describe('replay (issue 15)', () => {
  it('re-dispatches a dead delivery from its stored body as a new attempt linked to it, recording who and when', async () => {
    const store = new MemoryStore();
    let broken = true;
    const runs: number[] = [];
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox', logger: { error() {} } });
    handler.on('order.paid', (_payload, ctx) => {
      runs.push(ctx.attempt);
      if (broken) throw new Error('downstream is down');
    });
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_replay')));
    await withWorker(startWorker({ store, handlers: { shop: handler }, pollIntervalMs: 2, retry: FAST_RETRY }), async () => {
      await until(async () => (await store.get(deliveryId!))?.status === 'dead');
    });
    broken = false;
    const result = await replayDelivery({ store, handlers: { shop: handler }, requestedBy: 'alice' }, deliveryId!);
    expect(result).toEqual({ deliveryId, ok: true, attempt: 4, status: 'handled' });
    expect(runs).toEqual([1, 2, 3, 4]);
    expect(await store.get(deliveryId!)).toMatchObject({ status: 'handled', reason: null });
    const last = (await store.inbox.attempts(deliveryId!)).at(-1);
    expect(last).toMatchObject({ attempt: 4, trigger: 'replay', requestedBy: 'alice', error: null, deliveryId });
  });

  it('replays of one delivery at once run one after another, each with its own attempt number', async () => {
    const store = new MemoryStore();
    const seen: number[] = [];
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, logger: { error() {} } });
    handler.on('order.paid', async (_payload, ctx) => {
      seen.push(ctx.attempt);
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('still failing');
    });
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_concurrent')));
    expect((await store.get(deliveryId!))?.status).toBe('handler_error');
    const options = { store, handlers: { shop: handler }, requestedBy: 'test' };
    const results = await Promise.all([1, 2, 3].map(() => replayDelivery(options, deliveryId!)));
    expect(results.map((result) => result.attempt)).toEqual([2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect((await store.inbox.attempts(deliveryId!)).map((attempt) => attempt.attempt)).toEqual([2, 3, 4]);
  });

  it('a delivery whose stored body was cut is not replayable: nothing runs, no attempt is recorded', async () => {
    const store = new MemoryStore({ maxBodyBytes: 20 });
    let runs = 0;
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, logger: { error() {} } });
    handler.on('order.paid', () => {
      runs++;
      throw new Error('fails');
    });
    const { deliveryId } = await handler.handle(signedRequest(shop, order('ord_truncated')));
    expect(await store.get(deliveryId!)).toMatchObject({ status: 'handler_error', bodyTruncated: true });
    expect(await replayDelivery({ store, handlers: { shop: handler }, requestedBy: 'test' }, deliveryId!)).toEqual({
      deliveryId,
      ok: false,
      reason: 'not_replayable',
      message: "the stored body was cut at the store's maxBodyBytes, so it cannot be parsed again",
      status: 'handler_error',
    });
    expect(runs).toBe(1);
    expect(await store.inbox.attempts(deliveryId!)).toEqual([]);
  });

  it('never dispatches a rejected delivery; a failing replay keeps the status and records the error', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, logger: { error() {} } });
    let fail = false;
    handler.on('order.paid', () => {
      if (fail) throw new Error('nope');
    });
    const forged = await handler.handle(signedRequest(shop, order('forged'), { secret: 'wrong' }));
    expect(forged.kind).toBe('rejected_signature');
    const options = { store, handlers: { shop: handler }, requestedBy: 'cli' };
    expect(await replayDelivery(options, forged.deliveryId!)).toMatchObject({ ok: false, reason: 'not_replayable' });
    expect(await replayDelivery(options, 'missing')).toMatchObject({ ok: false, reason: 'not_found' });
    const handled = await handler.handle(signedRequest(shop, order('inline_1')));
    fail = true;
    expect(await replayDelivery(options, handled.deliveryId!)).toMatchObject({ ok: false, reason: 'listener_failed', message: 'nope', attempt: 2 });
    expect(await store.get(handled.deliveryId!)).toMatchObject({ status: 'handled' });
    expect(await store.inbox.attempts(handled.deliveryId!)).toMatchObject([{ attempt: 2, error: 'nope', trigger: 'replay', requestedBy: 'cli' }]);
  });

  it('replays the newest `max` deliveries matching a filter (oldest of them first), then the rest; counts for a confirmation', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, logger: { error() {} } });
    let fail = true;
    const seen: string[] = [];
    handler.on('order.paid', (payload) => {
      seen.push(payload.id);
      if (fail) throw new Error('down');
    });
    for (let index = 0; index < 5; index++) await handler.handle(signedRequest(shop, order(`f${index}`)));
    await handler.handle(signedRequest(shop, order('forged'), { secret: 'wrong' }));
    expect(await countReplayable(store, { status: 'handler_error' })).toEqual({ count: 5, more: false });
    expect(await countReplayable(store, { status: 'handler_error' }, 3)).toEqual({ count: 3, more: true });
    expect(await countReplayable(store, { status: 'rejected_signature' })).toEqual({ count: 0, more: false });
    fail = false;
    seen.length = 0;
    const options = { store, handlers: createGateway({ handlers: { shop: handler } }), requestedBy: 'bob' };
    const batch = await replayDeliveries(options, { status: 'handler_error' }, { max: 3 });
    expect(batch).toMatchObject({ matched: 3, truncated: true });
    expect(batch.results.every((r) => r.ok)).toBe(true);
    expect(seen).toEqual(['f2', 'f3', 'f4']);
    const rest = await replayDeliveries(options, { status: 'handler_error' });
    expect(rest).toMatchObject({ matched: 2, truncated: false });
    expect(seen).toEqual(['f2', 'f3', 'f4', 'f0', 'f1']);
    await expect(replayDeliveries(options, {}, { max: 5000 })).rejects.toThrow(/max/);
    await expect(replayDelivery({ ...options, requestedBy: ' ' }, 'x')).rejects.toThrow(/requestedBy/);
  });
});
