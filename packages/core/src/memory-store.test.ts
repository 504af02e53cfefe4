import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeliveryId } from './delivery-id.js';
import { deliveryInput } from './delivery-input.js';
import type { DeliveryInput } from './delivery-store.js';
import { HookgateError } from './errors.js';
import { MemoryStore } from './memory-store.js';

// The full DeliveryStore contract (shared with the SQLite and PostgreSQL stores) runs in
// packages/store/test; these tests cover what is specific to the in-memory implementation.

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

function input(overrides: Partial<DeliveryInput> = {}): DeliveryInput {
  return deliveryInput({ receivedAt: new Date(T0).toISOString(), durationMs: 1.5, ...overrides });
}

describe('MemoryStore', () => {
  it('rejects every call with store_closed once closed', async () => {
    const store = new MemoryStore();
    await store.record(input());
    await store.close();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['claim', () => store.claim({ provider: 'pylon', dedupeKey: 'k', deliveryId: createDeliveryId(), now: T0, leaseMs: 1000 })],
      ['complete', () => store.complete({ delivery: input(), now: T0, windowMs: 1000 })],
      ['release', () => store.release('pylon', 'k', 'x')],
      ['record', () => store.record(input())],
      ['get', () => store.get('x')],
      ['list', () => store.list()],
      ['stats', () => store.stats({ from: new Date(0), to: new Date(), bucket: 'hour' })],
      ['prune', () => store.prune({ olderThan: new Date() })],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => new Error(`${name} resolved`),
        (reason: unknown) => reason,
      );
      expect(error, name).toBeInstanceOf(HookgateError);
      expect((error as HookgateError).code, name).toBe('store_closed');
    }
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = new MemoryStore();
    const delivery = input({ headers: { a: '1' }, payload: { nested: { n: 1 } } });
    await store.record(delivery);
    (delivery.headers as Record<string, string>)['a'] = 'changed';
    const first = await store.get(delivery.id);
    first!.headers['a'] = 'mutated';
    (first!.payload as { nested: { n: number } }).nested.n = 2;
    const second = await store.get(delivery.id);
    expect(second!.headers).toEqual({ a: '1' });
    expect(second!.payload).toEqual({ nested: { n: 1 } });
  });

  it('keeps only the contract fields and JSON-normalises the payload', async () => {
    const store = new MemoryStore();
    const when = new Date('2026-01-02T03:04:05.006Z');
    const delivery = { ...input({ payload: { at: when, skip: undefined } }), extra: 'not part of Delivery' };
    await store.record(delivery);
    const stored = await store.get(delivery.id);
    expect(stored).not.toHaveProperty('extra');
    expect(stored).not.toHaveProperty('rawBody');
    expect(stored!.payload).toEqual({ at: '2026-01-02T03:04:05.006Z' });
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });

  it('orders out-of-order inserts by receivedAt then id', async () => {
    const store = new MemoryStore();
    const times = [5, 1, 3, 3, 0, 4, 3, 2];
    const ids: Array<{ at: number; id: string }> = [];
    for (const offset of times) {
      const delivery = input({ receivedAt: new Date(T0 + offset).toISOString() });
      ids.push({ at: T0 + offset, id: delivery.id });
      await store.record(delivery);
    }
    const expected = ids.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((row) => row.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.list({ limit: 3, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    expect(store.size).toBe(times.length);
  });

  it('complete() changes nothing when the delivery is invalid (no dedupe key, bad receivedAt)', async () => {
    const store = new MemoryStore();
    const holder = createDeliveryId(T0);
    await store.claim({ provider: 'pylon', dedupeKey: 'evt_1', deliveryId: holder, now: T0, leaseMs: 1000 });
    await expect(store.complete({ delivery: input({ id: holder, dedupeKey: null }), now: T0, windowMs: 1000 })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    await expect(store.complete({ delivery: input({ id: holder, receivedAt: 'never' }), now: T0, windowMs: 1000 })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    expect(store.size).toBe(0);
    // The claim is still the holder's live processing claim.
    expect(await store.claim({ provider: 'pylon', dedupeKey: 'evt_1', deliveryId: createDeliveryId(T0), now: T0 + 1, leaseMs: 1000 })).toEqual({
      kind: 'in_progress',
      holderDeliveryId: holder,
      leaseExpiresAt: T0 + 1000,
    });
  });

  it('refuses a negative maxBodyBytes at construction', () => {
    expect(() => new MemoryStore({ maxBodyBytes: -1 })).toThrow(HookgateError);
  });

  it('cuts bodies at maxBodyBytes', async () => {
    const store = new MemoryStore({ maxBodyBytes: 4 });
    const delivery = input({ rawBody: new TextEncoder().encode('abcdefgh') });
    await store.record(delivery);
    expect(await store.get(delivery.id)).toMatchObject({ body: 'abcd', bodyEncoding: 'utf8', bodyTruncated: true });
  });

  it('reads back the payload exactly as serialised, whatever it shares with the body', async () => {
    const store = new MemoryStore({ maxBodyBytes: 24 });
    const body = '{"event_type":"issue_new","n":1}';
    const cases: Array<{ rawBody: Uint8Array; payload: unknown }> = [
      { rawBody: new TextEncoder().encode(body), payload: { event_type: 'issue_new', n: 1 } }, // the body itself
      { rawBody: new TextEncoder().encode(body), payload: { event_type: 'issue_new', n: 1, state: 'open' } }, // a key added
      { rawBody: new TextEncoder().encode(body), payload: { event_type: 'issue_new', n: 2 } }, // a value changed
      { rawBody: new TextEncoder().encode(body), payload: { n: 1, event_type: 'issue_new' } }, // nothing shared
      { rawBody: new TextEncoder().encode(body), payload: null },
      { rawBody: new TextEncoder().encode('{"a":1} '), payload: { a: 1 } }, // body longer than its JSON
      { rawBody: new Uint8Array([0x7b, 0xff, 0x7d]), payload: { b: [1] } }, // base64 body
      // The first difference inside a surrogate pair (U+1F600 vs U+1F601 share the high half):
      // the kept tail must not start with a lone low surrogate, which UTF-8 cannot hold.
      { rawBody: new TextEncoder().encode('{"e":"\u{1F600}"}'), payload: { e: '\u{1F601}' } },
      { rawBody: new TextEncoder().encode('{"e":"\u{1F600}x"}'), payload: { e: '\u{1F600}y' } },
    ];
    for (const given of cases) {
      const delivery = input(given);
      await store.record(delivery);
      const stored = await store.get(delivery.id);
      expect(stored!.payload).toEqual(given.payload);
    }
  });

  it('reads back any payload next to any body (shared head or not)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ stringUnit: 'grapheme' }), fc.jsonValue({ stringUnit: 'grapheme' }), fc.nat(40), async (text, extra, cut) => {
        const store = new MemoryStore({ maxBodyBytes: cut + 1 });
        const parsed = JSON.parse(text) as unknown;
        // A normalising parse: the body's value with a key added (objects), or another value.
        const payload = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...parsed, added: extra } : extra;
        const delivery = input({ rawBody: new TextEncoder().encode(text), payload });
        await store.record(delivery);
        const stored = await store.get(delivery.id);
        expect(stored!.payload).toEqual(JSON.parse(JSON.stringify(payload)) as unknown);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the headers as given: later changes to the record do not reach the store', async () => {
    const store = new MemoryStore();
    const headers: Record<string, string> = { b: '2' };
    Object.defineProperty(headers, '__proto__', { value: 'own', enumerable: true, configurable: true, writable: true });
    const delivery = input({ headers });
    await store.record(delivery);
    headers.b = 'changed';
    const read = (await store.get(delivery.id))!.headers;
    expect(Object.entries(read)).toEqual([
      ['b', '2'],
      ['__proto__', 'own'],
    ]);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    // Every read is a fresh copy.
    read.b = 'mutated';
    expect((await store.get(delivery.id))!.headers.b).toBe('2');
  });

  it('keeps the claims of different providers apart', async () => {
    const store = new MemoryStore();
    const first = createDeliveryId(T0);
    const second = createDeliveryId(T0);
    expect(await store.claim({ provider: 'pylon', dedupeKey: 'k', deliveryId: first, now: T0, leaseMs: 1000 })).toEqual({ kind: 'claimed' });
    expect(await store.claim({ provider: 'webhooks-b', dedupeKey: 'k', deliveryId: second, now: T0, leaseMs: 1000 })).toEqual({ kind: 'claimed' });
    await store.complete({ delivery: input({ id: first, provider: 'pylon', dedupeKey: 'k' }), now: T0, windowMs: 5000 });
    await store.release('webhooks-b', 'k', second);
    expect(await store.claim({ provider: 'pylon', dedupeKey: 'k', deliveryId: createDeliveryId(T0), now: T0 + 1, leaseMs: 1000 })).toEqual({
      kind: 'done',
      firstDeliveryId: first,
    });
    expect(await store.claim({ provider: 'webhooks-b', dedupeKey: 'k', deliveryId: second, now: T0 + 1, leaseMs: 1000 })).toEqual({ kind: 'claimed' });
  });
});

describe('MemoryStore history bound (historyBytes)', () => {
  const HISTORY = 64 * 1024;
  /** A finished delivery with a body of about `size` bytes, its own dedupe key and time. */
  const sized = (n: number, size = 1000, overrides: Partial<DeliveryInput> = {}): DeliveryInput => {
    const text = JSON.stringify({ n, pad: 'x'.repeat(size) });
    return input({
      receivedAt: new Date(T0 + n).toISOString(),
      dedupeKey: `key-${n}`,
      rawBody: new TextEncoder().encode(text),
      payload: JSON.parse(text) as unknown,
      ...overrides,
    });
  };

  it('refuses a history under 64 KiB, over 2 GiB or not an integer', () => {
    for (const historyBytes of [0, 65_535, 65_536.5, 2 ** 31 + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new MemoryStore({ historyBytes }), String(historyBytes)).toThrow(HookgateError);
    }
    expect(new MemoryStore({ historyBytes: 65_536 }).size).toBe(0);
  });

  it('drops the oldest finished deliveries when full and reads the rest back exactly', async () => {
    const store = new MemoryStore({ historyBytes: HISTORY });
    const deliveries = Array.from({ length: 300 }, (_, n) => sized(n));
    for (const delivery of deliveries) await store.complete({ delivery, now: T0, windowMs: 60_000 });
    // ~1 KB each in 64 KiB: about 60 kept, never more than fit.
    expect(store.size).toBeGreaterThan(40);
    expect(store.size).toBeLessThan(66);
    const kept = deliveries.slice(-store.size);
    expect(await store.get(deliveries[0]!.id)).toBeNull();
    expect(await store.get(deliveries.at(-store.size - 1)!.id)).toBeNull();
    for (const delivery of kept) {
      const read = (await store.get(delivery.id))!;
      expect(read.body).toBe(new TextDecoder().decode(delivery.rawBody));
      expect(read.payload).toEqual(delivery.payload);
      expect(read.headers).toEqual(delivery.headers);
    }
    // list and stats see exactly the kept ones, newest first.
    const page = await store.list({ limit: 500 });
    expect(page.items.map((item) => item.id)).toEqual(kept.map((delivery) => delivery.id).reverse());
    const stats = await store.stats({ from: new Date(T0 - 1000), to: new Date(T0 + 10_000), bucket: 'hour' });
    expect(stats.series.reduce((sum, row) => sum + row.count, 0)).toBe(store.size);
    expect((await store.list({ q: 'xxxx', limit: 500 })).items).toHaveLength(store.size);
  });

  it("keeps a dropped delivery's dedupe claim for its window: a copy is still a duplicate", async () => {
    const store = new MemoryStore({ historyBytes: HISTORY });
    const first = sized(0);
    await store.claim({ provider: 'pylon', dedupeKey: first.dedupeKey!, deliveryId: first.id, now: T0, leaseMs: 1000 });
    await store.complete({ delivery: first, now: T0, windowMs: 60_000 });
    for (let n = 1; n < 200; n++) await store.complete({ delivery: sized(n), now: T0, windowMs: 60_000 });
    expect(await store.get(first.id)).toBeNull();
    expect(await store.claim({ provider: 'pylon', dedupeKey: first.dedupeKey!, deliveryId: createDeliveryId(T0), now: T0 + 1, leaseMs: 1000 })).toEqual({
      kind: 'done',
      firstDeliveryId: first.id,
    });
  });

  it('never drops a delivery the inbox still has to run', async () => {
    const store = new MemoryStore({ historyBytes: HISTORY });
    const queued = sized(0, 1000, { status: 'queued' });
    await store.inbox.enqueue({ delivery: queued, now: T0, windowMs: 60_000 });
    const flood = async (from: number) => {
      for (let n = from; n < from + 300; n++) await store.complete({ delivery: sized(n), now: T0, windowMs: 60_000 });
    };
    await flood(1);
    const waiting = (await store.get(queued.id))!;
    expect(waiting.status).toBe('queued');
    expect(waiting.body).toBe(new TextDecoder().decode(queued.rawBody));
    expect(await store.inbox.pending()).toBe(1);
    // A failed attempt makes it `retrying`: still kept, whatever else arrives.
    const attempt = (number: number) => ({
      id: createDeliveryId(T0),
      deliveryId: queued.id,
      attempt: number,
      startedAt: new Date(T0).toISOString(),
      durationMs: 1,
      error: number === 1 ? 'boom' : null,
      trigger: 'replay' as const,
      requestedBy: 'test',
    });
    expect(await store.inbox.recordAttempt(attempt(1), { status: 'retrying', reason: 'handler_error', message: 'boom' })).toBe(true);
    await flood(301);
    expect((await store.get(queued.id))?.status).toBe('retrying');
    expect(await store.inbox.attempts(queued.id)).toHaveLength(1);
    // Marked handled by a replay while its job still waits: the job needs it, so it stays.
    expect(await store.inbox.recordAttempt(attempt(2), { status: 'handled', reason: null, message: null })).toBe(true);
    await flood(601);
    expect((await store.get(queued.id))!).toMatchObject({ status: 'handled', body: waiting.body, payload: waiting.payload, headers: waiting.headers });
    expect(await store.inbox.pending()).toBe(1);
  });

  it("drops a finished delivery's attempts with it", async () => {
    const store = new MemoryStore({ historyBytes: HISTORY });
    const replayed = sized(0);
    await store.record(replayed);
    const attempt = { id: createDeliveryId(T0), deliveryId: replayed.id, attempt: 1, startedAt: new Date(T0).toISOString(), durationMs: 1, error: null };
    expect(await store.inbox.recordAttempt({ ...attempt, trigger: 'replay', requestedBy: 'test' }, { status: 'handled', reason: null, message: null })).toBe(
      true,
    );
    expect(await store.inbox.attempts(replayed.id)).toHaveLength(1);
    for (let n = 1; n < 200; n++) await store.record(sized(n));
    expect(await store.get(replayed.id)).toBeNull();
    expect(await store.inbox.attempts(replayed.id)).toEqual([]);
  });

  it('reclaims the bytes of pruned deliveries in turn, and reads every kept one back intact', async () => {
    const store = new MemoryStore({ historyBytes: HISTORY });
    const first = Array.from({ length: 60 }, (_, n) => sized(n));
    for (const delivery of first) await store.record(delivery);
    expect(await store.prune({ olderThan: new Date(T0 + 30) })).toBe(30);
    expect(store.size).toBe(30);
    // More than the ring holds: its records of the pruned ones go first, then the oldest kept.
    const later = Array.from({ length: 50 }, (_, n) => sized(100 + n));
    for (const delivery of later) await store.record(delivery);
    const all = [...first.slice(30), ...later];
    const kept = all.slice(-store.size);
    expect(store.size).toBeGreaterThan(50);
    expect(store.size).toBeLessThan(all.length);
    expect((await store.list({ limit: 500 })).items.map((item) => item.id)).toEqual(kept.map((delivery) => delivery.id).reverse());
    for (const delivery of kept) {
      expect((await store.get(delivery.id))?.body).toBe(new TextDecoder().decode(delivery.rawBody));
    }
  });

  it('keeps a delivery larger than the whole history as text, and drops it in its turn', async () => {
    const store = new MemoryStore({ historyBytes: HISTORY, maxBodyBytes: 4 * HISTORY });
    const large = sized(0, 2 * HISTORY);
    await store.record(large);
    expect((await store.get(large.id))?.body).toBe(new TextDecoder().decode(large.rawBody));
    // More large ones: what is held outside the ring stays bounded by historyBytes (plus the newest).
    const more = Array.from({ length: 5 }, (_, n) => sized(n + 1, 2 * HISTORY));
    for (const delivery of more) await store.record(delivery);
    expect(store.size).toBeLessThanOrEqual(2);
    expect((await store.get(more.at(-1)!.id))?.payload).toEqual(more.at(-1)!.payload);
    expect(await store.get(large.id)).toBeNull();
    // Small ones still come and go as usual.
    for (let n = 10; n < 400; n++) await store.record(sized(n));
    expect(await store.get(more.at(-1)!.id)).toBeNull();
    expect(store.size).toBeGreaterThan(40);
  });

  it('under any mix of sizes, texts, queued jobs, replays and prunes: every read is exact, nothing the inbox waits for is gone', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 8 });
    const command = fc.oneof(
      fc.record({ kind: fc.constant('record' as const), size: fc.nat(9000), text, normalise: fc.boolean() }),
      fc.record({ kind: fc.constant('enqueue' as const), size: fc.nat(3000), text, normalise: fc.boolean() }),
      fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('prune' as const), back: fc.nat(40) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 100 }), async (commands) => {
        const store = new MemoryStore({ historyBytes: HISTORY });
        const recorded = new Map<string, { delivery: DeliveryInput; status: string }>();
        const waiting: string[] = [];
        let n = 0;
        const add = async (kind: 'record' | 'enqueue', size: number, sample: string, normalise: boolean) => {
          const body = JSON.stringify({ n: ++n, text: sample, pad: sample.repeat(Math.ceil(size / Math.max(1, sample.length))) });
          const parsed = JSON.parse(body) as Record<string, unknown>;
          // A normalising parse adds a key: the payload's JSON then differs from the body at its end.
          const payload = normalise ? { ...parsed, added: sample } : parsed;
          const delivery = input({
            receivedAt: new Date(T0 + n).toISOString(),
            dedupeKey: `key-${n}`,
            headers: { 'x-text': sample, 'content-type': 'application/json' },
            rawBody: new TextEncoder().encode(body),
            payload,
            status: kind === 'enqueue' ? 'queued' : 'handled',
          });
          if (kind === 'enqueue') {
            await store.inbox.enqueue({ delivery, now: T0, windowMs: 60_000 });
            waiting.push(delivery.id);
          } else await store.record(delivery);
          recorded.set(delivery.id, { delivery, status: delivery.status });
        };
        /** Every read is what was recorded (or null: dropped), and no waiting delivery is gone. */
        const check = async () => {
          for (const [id, { delivery, status }] of recorded) {
            const read = await store.get(id);
            if (read === null) {
              expect(waiting, 'a delivery the inbox waits for was dropped').not.toContain(id);
              continue;
            }
            expect(read.status).toBe(status);
            expect(read.body).toBe(new TextDecoder().decode(delivery.rawBody));
            expect(read.headers).toEqual(delivery.headers);
            expect(read.payload).toEqual(delivery.payload);
          }
        };
        for (const step of commands) {
          if (step.kind === 'record' || step.kind === 'enqueue') await add(step.kind, step.size, step.text, step.normalise);
          else if (step.kind === 'replay' && waiting.length > 0) {
            // A replay marks a waiting delivery handled; its job still waits, so it stays.
            const id = waiting[step.pick % waiting.length]!;
            const attempt = { id: createDeliveryId(T0), deliveryId: id, attempt: 1, startedAt: new Date(T0).toISOString(), durationMs: 1, error: null };
            await store.inbox.recordAttempt({ ...attempt, trigger: 'replay', requestedBy: 'test' }, { status: 'handled', reason: null, message: null });
            recorded.get(id)!.status = 'handled';
          } else if (step.kind === 'prune') {
            const cutoff = T0 + Math.max(0, n - step.back);
            await store.prune({ olderThan: new Date(cutoff) });
            for (const [id, entry] of recorded) if (Date.parse(entry.delivery.receivedAt) < cutoff) recorded.delete(id);
            for (let index = waiting.length - 1; index >= 0; index--) if (!recorded.has(waiting[index]!)) waiting.splice(index, 1);
          }
        }
        await check();
        // A worker finishes every job: those deliveries rejoin the history's turn, and new ones push them out.
        const subscription = await store.inbox.work({
          concurrency: 4,
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
          leaseMs: 60_000,
          pollIntervalMs: 1,
          workerId: 'test',
          process: async () => ({ ok: true }),
        });
        try {
          for (let tries = 0; tries < 500 && (await store.inbox.pending()) > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 1));
        } finally {
          await subscription.stop();
        }
        expect(await store.inbox.pending()).toBe(0);
        for (const id of waiting) recorded.get(id)!.status = 'handled';
        waiting.length = 0;
        for (let more = 0; more < 40; more++) await add('record', 2000, 'é', false);
        await check();
      }),
      // No shrinking: each run drains a worker, and shrinking would re-run it hundreds of times.
      { numRuns: 40, endOnFailure: true },
    );
  }, 60_000);
});
