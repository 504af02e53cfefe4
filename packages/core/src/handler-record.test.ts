// What handle() hands a store (issue 14's lean record path): one complete delivery per outcome,
// the instant as text and as a number, headers redacted from a list prepared once.
import { describe, expect, it } from 'vitest';
import { FlakyStore, NOW, SECRET, shop, signedRequest } from '../test/helpers.js';
import type { DeliveryInput } from './delivery-store.js';
import { createWebhookHandler } from './handler.js';
import { REDACTED } from './headers.js';
import { MemoryStore } from './memory-store.js';

/** A delivery input as a store receives it, minus what each test sets. */
const stored = {
  receivedAt: new Date(NOW).toISOString(),
  provider: 'shop',
  event: null,
  variant: null,
  status: 'handled',
  reason: null,
  message: null,
  dedupeKey: null,
  duplicateOf: null,
  secretIndex: null,
  method: 'POST',
  path: null,
  headers: {},
  rawBody: new Uint8Array(),
  payload: null,
  durationMs: 1,
} as const;

/** Every key of a recorded DeliveryInput: the same set whatever the outcome. */
const DELIVERY_KEYS = [
  'dedupeKey',
  'duplicateOf',
  'durationMs',
  'event',
  'headers',
  'id',
  'message',
  'method',
  'path',
  'payload',
  // The payload's JSON text when the parse left the body unchanged (undefined otherwise).
  'payloadJson',
  'provider',
  'rawBody',
  'reason',
  'receivedAt',
  'receivedAtMs',
  'secretIndex',
  'status',
  'variant',
];

/** A store that keeps what complete() and record() were given. */
class CapturingStore extends FlakyStore {
  readonly completed: DeliveryInput[] = [];
  override async complete(input: Parameters<MemoryStore['complete']>[0]): Promise<void> {
    this.completed.push(input.delivery);
    return super.complete(input);
  }
}

describe('handle(): the delivery a store receives', () => {
  it('handled, duplicate and rejected deliveries are complete records of one shape, with the instant as text and as a number', async () => {
    let clock = NOW + 123;
    const store = new CapturingStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => clock });
    const body = { type: 'order.paid', id: 'ord_1', amount: 5 };
    const handled = await handler.handle(signedRequest(shop, body));
    clock += 1_001;
    const duplicate = await handler.handle(signedRequest(shop, body));
    const rejected = await handler.handle(signedRequest(shop, body, { secret: 'wrong' }));
    expect([handled.kind, duplicate.kind, rejected.kind]).toEqual(['handled', 'duplicate', 'rejected_signature']);

    const seen = [...store.completed, ...store.recorded];
    const byStatus = (status: string) => seen.find((delivery) => delivery.status === status);
    const [first, second, third] = [byStatus('handled'), byStatus('duplicate'), byStatus('rejected_signature')];
    for (const delivery of [first!, second!, third!]) {
      expect(Object.keys(delivery).sort()).toEqual(DELIVERY_KEYS);
      expect(delivery.receivedAt).toBe(new Date(delivery.receivedAtMs!).toISOString());
    }
    expect(first).toMatchObject({
      id: handled.deliveryId,
      receivedAt: new Date(NOW + 123).toISOString(),
      receivedAtMs: NOW + 123,
      provider: 'shop',
      event: 'order.paid',
      variant: 'order.paid',
      status: 'handled',
      reason: null,
      message: null,
      dedupeKey: 'ord_1',
      duplicateOf: null,
      secretIndex: 0,
      method: 'POST',
      path: '/webhooks/shop',
      payload: body,
    });
    expect(second).toMatchObject({ status: 'duplicate', duplicateOf: handled.deliveryId, receivedAtMs: NOW + 1_124, dedupeKey: 'ord_1' });
    expect(third).toMatchObject({ status: 'rejected_signature', reason: 'signature_mismatch', event: null, payload: null, secretIndex: null, dedupeKey: null });
    // What the store kept reads back with the same instant.
    expect((await store.get(duplicate.deliveryId!))?.receivedAt).toBe(new Date(NOW + 1_124).toISOString());
  });

  it('redacts the signature, credential and configured headers in any case, on every delivery of a handler', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW, redactHeaders: ['X-Tenant-Key'] });
    for (const id of ['ord_a', 'ord_b']) {
      const request = signedRequest(
        shop,
        { type: 'order.paid', id, amount: 1 },
        { headers: { Authorization: 'Bearer t', 'x-tenant-KEY': 'k', 'X-Trace': id } },
      );
      const outcome = await handler.handle(request);
      const row = await store.get(outcome.deliveryId!);
      expect(row?.headers).toMatchObject({ 'x-shop-signature': REDACTED, authorization: REDACTED, 'x-tenant-key': REDACTED, 'x-trace': id });
    }
  });
});

describe('handle(): what a record keeps of sender-chosen text', () => {
  it('cuts an event name and a message at their limits (a signed sender chose an 800 KB type)', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW });
    const huge = `order.${'\u{1F600}'.repeat(200_000)}`; // a surrogate pair at every cut point
    const outcome = await handler.handle(signedRequest(shop, { type: huge, id: 'ord_huge', amount: 1 }));
    expect(outcome).toMatchObject({ status: 202, kind: 'unknown_event' });
    const row = await store.get(outcome.deliveryId!);
    expect(row?.message?.length).toBeLessThanOrEqual(1000);
    expect(row?.message).toMatch(/^unknown event type "order\.(\u{1F600})+…$/u);
    // Ordinary names and messages are kept whole.
    const paid = await handler.handle(signedRequest(shop, { type: 'order.paid', id: 'ord_ok', amount: 1 }));
    expect((await store.get(paid.deliveryId!))?.event).toBe('order.paid');
  });

  it('redacts headers named like credentials whatever provider received them (another provider’s signature at the wrong route)', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW });
    const foreign = {
      'Stripe-Signature': 't=1,v1=abc',
      'Webhook-Signature': 'v1,abc',
      'X-Twilio-Signature': 'abc',
      'X-Hub-Signature-256': 'sha256=abc',
      'X-Shopify-Hmac-Sha256': 'abc',
      'X-Secret': 's',
      Password: 'p',
      'X-Authorization': 'a',
      'X-Event-Type': 'kept',
      'X-Request-Id': 'kept',
    };
    const outcome = await handler.handle(signedRequest(shop, { type: 'order.paid', id: 'ord_h', amount: 1 }, { headers: foreign }));
    const headers = (await store.get(outcome.deliveryId!))?.headers ?? {};
    for (const name of Object.keys(foreign)) {
      expect(headers[name.toLowerCase()]).toBe(foreign[name as keyof typeof foreign] === 'kept' ? 'kept' : REDACTED);
    }
    expect(headers['content-type']).toBe('application/json');
  });
});

describe('MemoryStore: receivedAtMs', () => {
  it('orders and writes receivedAt from the number when given, from the text otherwise (same result)', async () => {
    const store = new MemoryStore();
    await store.record({ ...stored, id: 'b', receivedAt: new Date(NOW + 5).toISOString(), receivedAtMs: NOW + 5 });
    await store.record({ ...stored, id: 'a', receivedAt: '2024-11-25T16:00:00.001+00:00' });
    const { items } = await store.list();
    expect(items.map((d) => [d.id, d.receivedAt])).toEqual([
      ['b', new Date(NOW + 5).toISOString()],
      ['a', new Date(NOW + 1).toISOString()],
    ]);
    expect(Object.keys(items[0]!)).not.toContain('receivedAtMs');
  });
});

describe('handle(): listeners (issue 14: dispatched without a promise per listener unless one returns one)', () => {
  const order = (id: string) => signedRequest(shop, { type: 'order.paid', id, amount: 1 });

  it('runs listeners in registration order, each awaited (promise or thenable) before the next starts', async () => {
    const log: string[] = [];
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store: new MemoryStore(), now: () => NOW });
    handler
      .on('order.paid', () => {
        log.push('sync 1');
      })
      .onAny(async () => {
        log.push('async start');
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push('async end');
      })
      .on('order.paid', () => ({
        // A thenable that is not a Promise: awaited like one.
        // biome-ignore lint/suspicious/noThenProperty: a thenable listener result is what this test is about
        then(resolve: (value: unknown) => void) {
          log.push('thenable');
          setTimeout(() => {
            log.push('thenable done');
            resolve(undefined);
          }, 10);
        },
      }))
      .on('order.refunded', () => {
        log.push('never');
      })
      .onAny(() => {
        log.push('sync 2');
      });
    const outcome = await handler.handle(order('ord_listeners'));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    expect(log).toEqual(['sync 1', 'async start', 'async end', 'thenable', 'thenable done', 'sync 2']);
  });

  it('a listener that throws synchronously, or rejects after an async one, is a 500 with the claim released (the retry runs)', async () => {
    for (const failure of ['throw', 'reject'] as const) {
      const store = new FlakyStore();
      let calls = 0;
      const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW, logger: { error: () => undefined } });
      handler.onAny(async () => undefined);
      handler.on('order.paid', () => {
        calls++;
        if (calls > 1) return;
        if (failure === 'throw') throw new Error('boom');
        return Promise.reject(new Error('boom'));
      });
      const first = await handler.handle(order(`ord_${failure}`));
      expect(first).toMatchObject({ status: 500, kind: 'handler_error', message: 'boom' });
      expect(store.released).toHaveLength(1);
      const retry = await handler.handle(order(`ord_${failure}`));
      expect(retry).toMatchObject({ status: 200, kind: 'handled' });
      expect(calls).toBe(2);
    }
  });

  it('without listeners a delivery is handled and recorded once, a copy is a duplicate', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW });
    const first = await handler.handle(order('ord_quiet'));
    const copy = await handler.handle(order('ord_quiet'));
    expect([first.kind, copy.kind]).toEqual(['handled', 'duplicate']);
    expect((await store.get(first.deliveryId!))?.status).toBe('handled');
  });
});

describe('MemoryStore: payload text shared with the body when equal', () => {
  it('reads back the same body and payload whether the payload serialises to the body text or not', async () => {
    const store = new MemoryStore();
    const compact = '{"type":"order.paid","id":"a","amount":1}';
    const spaced = '{ "type": "order.paid", "id": "b", "amount": 1 }';
    await store.record({ ...stored, id: 'a', rawBody: new TextEncoder().encode(compact), payload: JSON.parse(compact) });
    await store.record({ ...stored, id: 'b', rawBody: new TextEncoder().encode(spaced), payload: { ...JSON.parse(spaced), normalised: true } });
    const a = await store.get('a');
    const b = await store.get('b');
    expect([a?.body, a?.payload]).toEqual([compact, { type: 'order.paid', id: 'a', amount: 1 }]);
    expect([b?.body, b?.payload]).toEqual([spaced, { type: 'order.paid', id: 'b', amount: 1, normalised: true }]);
    // Reads hand out copies: mutating one changes nothing stored.
    (a!.payload as { amount: number }).amount = 2;
    expect((await store.get('a'))?.payload).toEqual({ type: 'order.paid', id: 'a', amount: 1 });
  });
});
