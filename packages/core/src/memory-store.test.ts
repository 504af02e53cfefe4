import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeliveryId } from './delivery-id.js';
import type { DeliveryInput } from './delivery-store.js';
import { HookgateError } from './errors.js';
import { handOver } from './headers.js';
import { MemoryStore } from './memory-store.js';

// The full DeliveryStore contract (shared with the SQLite and PostgreSQL stores) runs in
// packages/store/test; these tests cover what is specific to the in-memory implementation.

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

function input(overrides: Partial<DeliveryInput> = {}): DeliveryInput {
  const receivedAt = overrides.receivedAt ?? new Date(T0).toISOString();
  return {
    id: createDeliveryId(Date.parse(receivedAt)),
    receivedAt,
    provider: 'pylon',
    event: 'IssueNewEvent',
    variant: 'IssueNewEvent',
    status: 'handled',
    reason: null,
    message: null,
    dedupeKey: 'evt_1',
    duplicateOf: null,
    secretIndex: 0,
    method: 'POST',
    path: '/webhooks/pylon',
    headers: { 'content-type': 'application/json' },
    rawBody: new TextEncoder().encode('{"event_type":"issue_new"}'),
    payload: { event_type: 'issue_new' },
    durationMs: 1.5,
    ...overrides,
  };
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
      fc.asyncProperty(fc.json(), fc.jsonValue(), fc.nat(40), async (text, extra, cut) => {
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

  it('copies headers it is given, and keeps the record the handler handed over as its own', async () => {
    const store = new MemoryStore();
    const handed = { a: '1' };
    const other = { b: '2' };
    handOver(handed);
    const delivery = input({ headers: other });
    await store.record(delivery);
    other.b = 'changed';
    expect((await store.get(delivery.id))!.headers).toEqual({ b: '2' });
    // The mark was for another record and is gone now: this one is copied too.
    const later = input({ headers: handed });
    await store.record(later);
    handed.a = 'changed';
    expect((await store.get(later.id))!.headers).toEqual({ a: '1' });
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
