import type { IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokenSchema, encoder, FlakyStore, notify, NOW, object, OLD_SECRET, request, SECRET, shop, signedRequest } from '../test/helpers.js';
import { HookgateError } from './errors.js';
import { createWebhookHandler, DEFAULT_DEDUPE_WINDOW_SECONDS, DEFAULT_MAX_BODY_BYTES, type HandlerContext } from './handler.js';
import { REDACTED } from './headers.js';
import { MemoryStore } from './memory-store.js';
import { defineProvider } from './provider.js';
import type { WebhookRequest } from './request.js';
import { signRequest } from './sign.js';
import { hmac } from './verify-hmac.js';

const paid = { type: 'order.paid', id: 'ord_1', amount: 100 };
const refunded = { type: 'order.refunded', id: 'ord_2', reason: 'dup' };

function shopHandler(options: { store?: MemoryStore; secrets?: string[]; maxBodyBytes?: number; now?: () => number } = {}) {
  return createWebhookHandler({
    provider: shop,
    ...(options.secrets ? { secrets: options.secrets } : { secret: SECRET }),
    store: options.store,
    maxBodyBytes: options.maxBodyBytes,
    now: options.now ?? (() => NOW),
  });
}

function notifyHandler(store?: MemoryStore) {
  return createWebhookHandler({ provider: notify, secret: SECRET, store, now: () => NOW });
}

// Any unhandled rejection during a test is a bug: handle() must absorb every listener failure.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('createWebhookHandler(): configuration', () => {
  const cases: Array<[string, () => unknown]> = [
    ['no provider', () => createWebhookHandler({ provider: undefined as never, secret: SECRET })],
    ['no secret', () => createWebhookHandler({ provider: shop })],
    ['empty secret', () => createWebhookHandler({ provider: shop, secret: '' })],
    ['empty byte secret', () => createWebhookHandler({ provider: shop, secret: new Uint8Array() })],
    ['empty secrets list', () => createWebhookHandler({ provider: shop, secrets: [] })],
    ['an empty secret in the list', () => createWebhookHandler({ provider: shop, secrets: ['a', ''] })],
    ['secret and secrets', () => createWebhookHandler({ provider: shop, secret: 'a', secrets: ['b'] })],
    ['maxBodyBytes 0', () => createWebhookHandler({ provider: shop, secret: SECRET, maxBodyBytes: 0 })],
    ['maxBodyBytes fractional', () => createWebhookHandler({ provider: shop, secret: SECRET, maxBodyBytes: 1.5 })],
    ['negative dedupe window', () => createWebhookHandler({ provider: shop, secret: SECRET, dedupeWindowSeconds: -1 })],
    ['leaseSeconds 0', () => createWebhookHandler({ provider: shop, secret: SECRET, leaseSeconds: 0 })],
    ['negative leaseSeconds', () => createWebhookHandler({ provider: shop, secret: SECRET, leaseSeconds: -5 })],
    ['leaseSeconds NaN', () => createWebhookHandler({ provider: shop, secret: SECRET, leaseSeconds: Number.NaN })],
  ];
  it.each(cases)('%s → HookgateError invalid_config at construction', (_name, build) => {
    expect(build).toThrow(expect.objectContaining({ name: 'HookgateError', code: 'invalid_config' }));
  });

  it('exposes provider, store and limits; defaults are 1 MiB and 24 h', () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store });
    expect(handler.provider).toBe(shop);
    expect(handler.store).toBe(store);
    expect(handler.maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_DEDUPE_WINDOW_SECONDS).toBe(86_400);
  });

  it('on() with a name the provider does not know throws unknown_event_name', () => {
    const handler = shopHandler();
    expect(() => handler.on('order.lost' as never, () => {})).toThrow(expect.objectContaining({ code: 'unknown_event_name' }));
    expect(() => handler.on('order.lost' as never, () => {})).toThrow(HookgateError);
  });

  it('on/onAny/onError return the handler for chaining', () => {
    const handler = shopHandler();
    expect(
      handler
        .on('order.paid', () => {})
        .onAny(() => {})
        .onError(() => {}),
    ).toBe(handler);
  });
});

describe('handler.verifyAndParse()', () => {
  it('kind event with event, variant, payload and secretIndex', async () => {
    const result = await shopHandler().verifyAndParse(signedRequest(shop, paid));
    expect(result).toEqual({ kind: 'event', event: 'order.paid', variant: 'order.paid', payload: paid, secretIndex: 0 });
  });

  it('secretIndex reports the rotated secret that matched', async () => {
    const handler = shopHandler({ secrets: ['brand-new', OLD_SECRET, SECRET] });
    expect(await handler.verifyAndParse(signedRequest(shop, paid, { secret: OLD_SECRET }))).toMatchObject({ kind: 'event', secretIndex: 1 });
    expect(await handler.verifyAndParse(signedRequest(shop, paid))).toMatchObject({ kind: 'event', secretIndex: 2 });
  });

  it('kind signature_failure with the verification reason; nothing is parsed', async () => {
    const result = await shopHandler().verifyAndParse(request({}, 'not even json'));
    expect(result).toEqual({ kind: 'signature_failure', reason: 'missing_signature', message: expect.any(String) });
  });

  it('kind unknown_event and invalid_payload carry secretIndex', async () => {
    const handler = shopHandler();
    expect(await handler.verifyAndParse(signedRequest(shop, { type: 'order.lost' }))).toMatchObject({
      kind: 'unknown_event',
      reason: 'unknown_event_type',
      secretIndex: 0,
    });
    expect(await handler.verifyAndParse(signedRequest(shop, { type: 'order.paid' }))).toMatchObject({
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
      secretIndex: 0,
    });
  });

  it('uses the handler clock for the timestamp window', async () => {
    const late = createWebhookHandler({ provider: notify, secret: SECRET, now: () => NOW + 301_000 });
    expect(await late.verifyAndParse(signedRequest(notify, { userCreated: 'u' }))).toMatchObject({
      kind: 'signature_failure',
      reason: 'timestamp_too_old',
    });
  });

  it('records and dispatches nothing', async () => {
    const store = new MemoryStore();
    const handler = shopHandler({ store });
    let calls = 0;
    handler.onAny(() => calls++);
    await handler.verifyAndParse(signedRequest(shop, paid));
    expect(calls).toBe(0);
    expect(store.size).toBe(0);
  });
});

describe('handler.handle(): dispatch', () => {
  it('on(event) receives the payload and a context', async () => {
    const handler = shopHandler();
    const seen: Array<{ payload: unknown; context: HandlerContext }> = [];
    handler.on('order.paid', (payload, context) => {
      seen.push({ payload, context });
    });
    const req = signedRequest(shop, paid);
    const outcome = await handler.handle(req);
    expect(outcome).toEqual({ status: 200, kind: 'handled', event: 'order.paid', variant: 'order.paid' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.payload).toEqual(paid);
    expect(seen[0]!.context).toMatchObject({
      provider: 'shop',
      event: 'order.paid',
      variant: 'order.paid',
      secretIndex: 0,
      dedupeKey: null,
      receivedAt: new Date(NOW),
      request: req,
    });
    expect(seen[0]!.context.deliveryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('listeners for other events are not called', async () => {
    const handler = shopHandler();
    const calls: string[] = [];
    handler.on('order.refunded', () => calls.push('refunded'));
    await handler.handle(signedRequest(shop, paid));
    expect(calls).toEqual([]);
  });

  it('on(variant) and on(event) for a oneOf provider', async () => {
    const handler = notifyHandler();
    const calls: string[] = [];
    handler.on('userEvent', (payload) => calls.push(`event:${JSON.stringify(payload)}`));
    handler.on('UserCreated', (payload) => calls.push(`created:${payload.userCreated}`));
    handler.on('UserDeleted', (payload) => calls.push(`deleted:${payload.userDeleted}`));
    const created = await handler.handle(signedRequest(notify, { userCreated: 'u1' }));
    expect(created).toMatchObject({ status: 200, kind: 'handled', event: 'userEvent', variant: 'UserCreated' });
    await handler.handle(signedRequest(notify, { userDeleted: 'u2' }));
    expect(calls).toEqual(['event:{"userCreated":"u1"}', 'created:u1', 'event:{"userDeleted":"u2"}', 'deleted:u2']);
  });

  it('onAny receives the whole parsed event', async () => {
    const handler = notifyHandler();
    const events: unknown[] = [];
    handler.onAny((event) => events.push(event));
    await handler.handle(signedRequest(notify, { slow: 's' }));
    expect(events).toEqual([{ kind: 'event', event: 'systemEvent', variant: 'SystemSlow', payload: { slow: 's' }, secretIndex: 0 }]);
  });

  it('listeners run in registration order, each awaited before the next (on and onAny interleaved)', async () => {
    const handler = shopHandler();
    const log: string[] = [];
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    handler.on('order.paid', async () => {
      log.push('a:start');
      await tick();
      log.push('a:end');
    });
    handler.onAny(() => {
      log.push('any');
    });
    handler.on('order.paid', async () => {
      await tick();
      log.push('b');
    });
    await handler.handle(signedRequest(shop, paid));
    expect(log).toEqual(['a:start', 'a:end', 'any', 'b']);
  });

  it('no listeners at all still answers 200 handled', async () => {
    expect(await shopHandler().handle(signedRequest(shop, paid))).toMatchObject({ status: 200, kind: 'handled' });
  });

  it('plain object in mixed case, Node IncomingHttpHeaders with arrays and Fetch Headers all verify', async () => {
    const handler = notifyHandler();
    const body = JSON.stringify({ userCreated: 'u' });
    const signed = signRequest(notify, { secret: SECRET, body, now: NOW });
    const mixed: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed)) mixed[name.toUpperCase()] = value;
    const node: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(signed)) node[name.toLowerCase()] = value;
    // A repeated signature header arrives as an array; one of the values matches.
    node['x-notify-signature'] = ['v1=AAAA', signed['X-Notify-Signature']!];
    const fetchHeaders = new Headers(signed);
    for (const headers of [mixed, node, fetchHeaders]) {
      const outcome = await handler.handle({ method: 'POST', headers, rawBody: encoder.encode(body) });
      expect(outcome.kind).toBe('handled');
    }
  });
});

describe('handler.handle(): failures', () => {
  it('401 rejected_signature with the reason, listeners not called', async () => {
    const handler = shopHandler();
    let calls = 0;
    handler.onAny(() => calls++);
    const tampered = { ...signedRequest(shop, paid), rawBody: encoder.encode(JSON.stringify({ ...paid, amount: 1 })) };
    expect(await handler.handle(tampered)).toMatchObject({ status: 401, kind: 'rejected_signature', reason: 'signature_mismatch' });
    expect(await handler.handle(request({}, '{}'))).toMatchObject({ status: 401, reason: 'missing_signature' });
    expect(calls).toBe(0);
  });

  it('202 unknown_event for an unknown type and for oneOf no/ambiguous matches', async () => {
    expect(await shopHandler().handle(signedRequest(shop, { type: 'order.lost' }))).toMatchObject({
      status: 202,
      kind: 'unknown_event',
      reason: 'unknown_event_type',
    });
    const handler = notifyHandler();
    expect(await handler.handle(signedRequest(notify, { nothing: 1 }))).toMatchObject({ status: 202, reason: 'no_variant_matched' });
    const ambiguous = await handler.handle(signedRequest(notify, { userCreated: 'a', userDeleted: 'b' }));
    expect(ambiguous).toMatchObject({ status: 202, reason: 'ambiguous_variants' });
    expect(ambiguous.message).toContain('[candidates: UserCreated, UserDeleted]');
  });

  it('400 invalid_payload for bad JSON and schema mismatches, with the event when known', async () => {
    const handler = shopHandler();
    expect(await handler.handle(signedRequest(shop, '{oops'))).toMatchObject({ status: 400, kind: 'invalid_payload', reason: 'invalid_json' });
    expect(await handler.handle(signedRequest(shop, { type: 'order.paid', id: 1 }))).toMatchObject({
      status: 400,
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
      event: 'order.paid',
    });
  });

  it('413 too_large above maxBodyBytes (exactly the limit is fine); nothing recorded or verified', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store, maxBodyBytes: 64 });
    const atLimit = JSON.stringify({ ...paid, pad: '' });
    const padded = JSON.stringify({ ...paid, pad: 'x'.repeat(64 - atLimit.length) });
    expect(encoder.encode(padded).byteLength).toBe(64);
    expect(await handler.handle(signedRequest(shop, padded))).toMatchObject({ status: 200, kind: 'handled' });
    const tooBig = await handler.handle(request({}, 'x'.repeat(65)));
    expect(tooBig).toMatchObject({ status: 413, kind: 'too_large', reason: 'too_large' });
    expect(tooBig).not.toHaveProperty('deliveryId');
    expect(store.size).toBe(1);
  });

  it('a throwing listener → 500 handler_error, onError called with the error and context, later listeners skipped', async () => {
    const handler = shopHandler();
    const errors: Array<{ error: unknown; context: HandlerContext }> = [];
    const after: string[] = [];
    handler.on('order.paid', () => {
      throw new Error('boom');
    });
    handler.on('order.paid', () => after.push('second'));
    handler.onError((error, context) => {
      errors.push({ error, context });
    });
    const outcome = await handler.handle(signedRequest(shop, paid));
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error', reason: 'handler_error', message: 'boom', event: 'order.paid' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBeInstanceOf(Error);
    expect(errors[0]!.context).toMatchObject({ event: 'order.paid', provider: 'shop' });
    expect(after).toEqual([]);
  });

  it('a rejecting async listener and a throwing onError never become an unhandled rejection', async () => {
    const handler = shopHandler();
    const order: string[] = [];
    handler.onAny(async () => {
      await Promise.resolve();
      throw 'a string, not an Error';
    });
    handler.onError(() => {
      order.push('first onError');
      throw new Error('onError itself fails');
    });
    handler.onError(async () => {
      order.push('second onError');
      await Promise.reject(new Error('and rejects'));
    });
    const outcome = await handler.handle(signedRequest(shop, paid));
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error', message: 'a string, not an Error' });
    expect(order).toEqual(['first onError', 'second onError']);
  });

  it('a schema that throws or rejects does not make handle() reject: 500 handler_error (our bug, so the provider retries), recorded', async () => {
    for (const mode of ['throw', 'reject'] as const) {
      const provider = defineProvider({ id: `broken-${mode}`, verification: shop.verification, events: { a: brokenSchema(mode) }, eventType: () => 'a' });
      const store = new MemoryStore();
      const handler = createWebhookHandler({ provider, secret: SECRET, store });
      const body = '{"type":"a"}';
      const outcome = await handler.handle({ method: 'POST', headers: signRequest(provider, { secret: SECRET, body }), rawBody: encoder.encode(body) });
      expect(outcome).toMatchObject({ status: 500, kind: 'handler_error', reason: 'handler_error' });
      expect(outcome.message).toMatch(/^parsing threw: validator (exploded|rejected)/);
      expect(outcome.deliveryId).toBeDefined();
      expect(await store.get(outcome.deliveryId!)).toMatchObject({ status: 'handler_error' });
    }
  });

  it('an eventId function that throws does not make handle() reject: 500, recorded, onError told', async () => {
    const provider = defineProvider({
      id: 'bad-id',
      verification: shop.verification,
      events: { a: object({ type: { literal: 'a' } }) },
      eventType: () => 'a',
      eventId: () => {
        throw new Error('no id here');
      },
    });
    const store = new FlakyStore();
    const handler = createWebhookHandler({ provider, secret: SECRET, store });
    const errors: unknown[] = [];
    let calls = 0;
    handler.on('a', () => calls++);
    handler.onError((error) => errors.push(error));
    const body = '{"type":"a"}';
    const outcome = await handler.handle({ method: 'POST', headers: signRequest(provider, { secret: SECRET, body }), rawBody: encoder.encode(body) });
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error', reason: 'handler_error' });
    expect(outcome.message).toContain('no id here');
    expect(calls).toBe(0);
    expect(errors).toHaveLength(1);
    expect((await store.get(outcome.deliveryId!))?.status).toBe('handler_error');
  });
});

describe('handler.handle(): recording', () => {
  it('every recorded outcome carries the deliveryId of its row, each delivery recorded exactly once', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store });
    handler.on('order.refunded', () => {
      throw new Error('refund failed');
    });
    const requests: WebhookRequest[] = [
      signedRequest(shop, paid), // handled
      signedRequest(shop, paid), // duplicate
      request({ 'x-shop-signature': 'sha256=00' }, '{}'), // rejected_signature
      signedRequest(shop, '[]'), // invalid_payload
      signedRequest(shop, { type: 'order.lost' }), // unknown_event
      signedRequest(shop, refunded), // handler_error
    ];
    const kinds: string[] = [];
    for (const req of requests) {
      const outcome = await handler.handle(req);
      kinds.push(outcome.kind);
      expect(outcome.deliveryId, outcome.kind).toMatch(/^[0-9a-f-]{36}$/);
      const row = await store.get(outcome.deliveryId!);
      expect(row?.status).toBe(outcome.kind);
      expect(row?.reason ?? undefined).toBe(outcome.reason);
    }
    expect(kinds).toEqual(['handled', 'duplicate', 'rejected_signature', 'invalid_payload', 'unknown_event', 'handler_error']);
    expect(store.recorded.map((d) => d.id)).toEqual([...new Set(store.recorded.map((d) => d.id))]);
    expect(store.size).toBe(6);
  });

  it('without a store nothing carries a deliveryId', async () => {
    const outcome = await shopHandler().handle(signedRequest(shop, paid));
    expect(outcome).not.toHaveProperty('deliveryId');
  });

  it('records the delivery fields: provider, event, variant, payload, body, method, path, secretIndex, dedupeKey', async () => {
    const store = new MemoryStore();
    const handler = shopHandler({ store, secrets: [OLD_SECRET, SECRET] });
    const outcome = await handler.handle(signedRequest(shop, paid, { path: '/webhooks/shop' }));
    const row = await store.get(outcome.deliveryId!);
    expect(row).toMatchObject({
      provider: 'shop',
      event: 'order.paid',
      variant: 'order.paid',
      status: 'handled',
      reason: null,
      message: null,
      dedupeKey: 'ord_1',
      duplicateOf: null,
      secretIndex: 1,
      method: 'POST',
      path: '/webhooks/shop',
      body: JSON.stringify(paid),
      bodyEncoding: 'utf8',
      payload: paid,
      receivedAt: new Date(NOW).toISOString(),
    });
    expect(row!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a rejected delivery is recorded with its reason, no secretIndex and no payload', async () => {
    const store = new MemoryStore();
    const outcome = await shopHandler({ store }).handle(request({ 'X-Shop-Signature': `sha256=${'0'.repeat(64)}` }, JSON.stringify(paid)));
    expect(await store.get(outcome.deliveryId!)).toMatchObject({
      status: 'rejected_signature',
      reason: 'signature_mismatch',
      secretIndex: null,
      payload: null,
      dedupeKey: null,
      event: null,
    });
  });

  it('redacts the signature header case-insensitively and credential headers; keeps the rest', async () => {
    const store = new MemoryStore();
    const handler = notifyHandler(store);
    const signed = signedRequest(
      notify,
      { userCreated: 'u' },
      {
        headers: { Authorization: 'Bearer t0ken', Cookie: 'sid=1', 'Proxy-Authorization': 'Basic x', 'X-Trace': 'abc' },
      },
    );
    const shouted: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers as Record<string, string>)) shouted[name.toUpperCase()] = value;
    const outcome = await handler.handle({ ...signed, headers: shouted });
    expect(outcome.kind).toBe('handled');
    const row = await store.get(outcome.deliveryId!);
    expect(row!.headers).toEqual({
      'content-type': 'application/json',
      authorization: REDACTED,
      cookie: REDACTED,
      'proxy-authorization': REDACTED,
      'x-trace': 'abc',
      'x-notify-timestamp': String(NOW / 1000),
      'x-notify-signature': REDACTED,
    });
    expect(JSON.stringify(row)).not.toContain((signed.headers as Record<string, string>)['X-Notify-Signature']);
  });

  it('redacts on rejected deliveries too (a wrong signature is still a credential attempt)', async () => {
    const store = new MemoryStore();
    const outcome = await shopHandler({ store }).handle(request({ 'x-shop-signature': 'sha256=deadbeef' }, '{}'));
    expect((await store.get(outcome.deliveryId!))!.headers['x-shop-signature']).toBe(REDACTED);
  });
});

describe('handler.handle(): dedupe', () => {
  it('a repeated event id is a duplicate: 200, recorded with duplicateOf, listener called once', async () => {
    const store = new MemoryStore();
    const handler = shopHandler({ store });
    let calls = 0;
    handler.on('order.paid', () => calls++);
    const first = await handler.handle(signedRequest(shop, paid));
    // A different body with the same provider event id is still the same event.
    const second = await handler.handle(signedRequest(shop, { ...paid, amount: 999 }));
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    expect(second).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId, event: 'order.paid' });
    expect(second.deliveryId).not.toBe(first.deliveryId);
    expect(calls).toBe(1);
    expect(await store.get(second.deliveryId!)).toMatchObject({ status: 'duplicate', duplicateOf: first.deliveryId, dedupeKey: 'ord_1' });
  });

  it('an event id no store could key on as it is (long, NUL, lone surrogate) is hashed, and ids that differ stay distinct', async () => {
    const store = new MemoryStore();
    const handler = shopHandler({ store });
    const seen: string[] = [];
    handler.on('order.paid', (event) => void seen.push(event.id));
    const long = `ord_${'x'.repeat(3000)}`;
    const ids = [long, `${long}y`, 'ord_\u0000a', 'ord_\ud800', 'ord_\udbff', 'ord_\udc00', `ord_${'\u{1F600}'.repeat(50)}`];
    const outcomes = [];
    for (const id of ids) outcomes.push(await handler.handle(signedRequest(shop, { ...paid, id })));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(ids.map(() => 'handled'));
    expect(seen).toEqual(ids);
    const keys = await Promise.all(outcomes.map(async (outcome) => (await store.get(outcome.deliveryId!))!.dedupeKey!));
    expect(new Set(keys).size).toBe(ids.length);
    for (const key of keys.slice(0, 6)) expect(key).toMatch(/^event-id-sha256:[0-9a-f]{64}$/);
    expect(keys[6]).toBe(ids[6]); // 50 surrogate pairs: well-formed and short, kept as it is
    // The same long id again is still a duplicate of the first.
    const again = await handler.handle(signedRequest(shop, { ...paid, id: long, amount: 1 }));
    expect(again).toMatchObject({ kind: 'duplicate', duplicateOf: outcomes[0]!.deliveryId });
  });

  it('without an event id the key is the SHA-256 of the signed message (same bytes → duplicate)', async () => {
    const store = new MemoryStore();
    const handler = notifyHandler(store);
    let calls = 0;
    handler.onAny(() => calls++);
    const req = signedRequest(notify, { userCreated: 'u' });
    const first = await handler.handle(req);
    const again = await handler.handle(req);
    const other = await handler.handle(signedRequest(notify, { userCreated: 'v' }));
    expect([first.kind, again.kind, other.kind]).toEqual(['handled', 'duplicate', 'handled']);
    expect(calls).toBe(2);
    const row = await store.get(first.deliveryId!);
    expect(row!.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('concurrent deliveries of the same event: exactly one is handled, the overlapping copies are 409 in_progress', async () => {
    const store = new MemoryStore();
    const handler = shopHandler({ store });
    let calls = 0;
    handler.on('order.paid', async () => {
      calls++;
      await new Promise((resolve) => setImmediate(resolve));
    });
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => handler.handle(signedRequest(shop, paid))));
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['handled', 'in_progress', 'in_progress', 'in_progress']);
    const handled = outcomes.find((o) => o.kind === 'handled')!;
    for (const copy of outcomes.filter((o) => o.kind === 'in_progress')) {
      expect(copy).toMatchObject({ status: 409, reason: 'in_progress', duplicateOf: handled.deliveryId, retryAfterSeconds: 60 });
    }
    expect(calls).toBe(1);
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: handled.deliveryId });
  });

  it('the window expires: the same id after dedupeWindowSeconds is handled again', async () => {
    const store = new MemoryStore();
    let clock = NOW;
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, dedupeWindowSeconds: 60, now: () => clock });
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('handled');
    clock = NOW + 59_999;
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('duplicate');
    clock = NOW + 60_000;
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('handled');
  });

  it('keys are per provider: the same event id from two providers is not a duplicate', async () => {
    const store = new MemoryStore();
    const twin = defineProvider({ ...shopOptions(), id: 'twin' });
    const a = shopHandler({ store });
    const b = createWebhookHandler({ provider: twin, secret: SECRET, store, now: () => NOW });
    expect((await a.handle(signedRequest(shop, paid))).kind).toBe('handled');
    const body = JSON.stringify(paid);
    const outcome = await b.handle({ method: 'POST', headers: signRequest(twin, { secret: SECRET, body }), rawBody: encoder.encode(body) });
    expect(outcome.kind).toBe('handled');
  });

  it('a handler error releases the claim, so the provider retry is handled', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store });
    let attempts = 0;
    handler.on('order.paid', () => {
      attempts++;
      if (attempts === 1) throw new Error('downstream timeout');
    });
    const first = await handler.handle(signedRequest(shop, paid));
    const retry = await handler.handle(signedRequest(shop, paid));
    expect(first).toMatchObject({ status: 500, kind: 'handler_error' });
    expect(store.released).toEqual([first.deliveryId]);
    expect(retry).toMatchObject({ status: 200, kind: 'handled' });
    expect(attempts).toBe(2);
    const third = await handler.handle(signedRequest(shop, paid));
    expect(third).toMatchObject({ kind: 'duplicate', duplicateOf: retry.deliveryId });
  });
});

/** A promise with its resolve/reject exposed: lets a listener block until the test lets it go. */
function gate(): { promise: Promise<void>; open(): void; fail(error: Error): void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets pending promise callbacks run (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('handler.handle(): claim lifecycle (processing under a lease → done)', () => {
  it('a copy overlapping a first attempt that later fails is refused 409, and the retry after the failure is handled once', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store });
    const firstRun = gate();
    let runs = 0;
    let completed = 0;
    handler.on('order.paid', async () => {
      runs++;
      if (runs === 1) {
        await firstRun.promise; // "sleeps" until the test lets it fail
        throw new Error('downstream timeout');
      }
      completed++;
    });
    const first = handler.handle(signedRequest(shop, paid));
    await settle();
    expect(runs).toBe(1); // the first attempt is inside its listener, holding the claim

    const overlapping = await handler.handle(signedRequest(shop, paid));
    expect(overlapping).toMatchObject({ status: 409, kind: 'in_progress', reason: 'in_progress', retryAfterSeconds: 60 });
    expect(runs).toBe(1); // not dispatched

    firstRun.fail(new Error('downstream timeout'));
    const failed = await first;
    expect(failed).toMatchObject({ status: 500, kind: 'handler_error' });
    expect(overlapping.duplicateOf).toBe(failed.deliveryId);
    expect(store.released).toEqual([failed.deliveryId]);

    const retry = await handler.handle(signedRequest(shop, paid));
    expect(retry).toMatchObject({ status: 200, kind: 'handled' });
    expect(completed).toBe(1);
    const later = await handler.handle(signedRequest(shop, paid));
    expect(later).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: retry.deliveryId });
    expect(completed).toBe(1);

    // Every delivery recorded exactly once, the 409 with the holder it waited for.
    expect(await store.get(overlapping.deliveryId!)).toMatchObject({ status: 'in_progress', duplicateOf: failed.deliveryId, dedupeKey: 'ord_1' });
    const rows = (await store.list()).items;
    expect(rows.map((row) => row.status).sort()).toEqual(['duplicate', 'handled', 'handler_error', 'in_progress']);
  });

  it('a hung attempt holds the key for its lease only: the handler clock moves past it and the next copy is handled', async () => {
    const store = new MemoryStore();
    let clock = NOW;
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, leaseSeconds: 30, now: () => clock });
    const hung = gate();
    let runs = 0;
    handler.on('order.paid', async () => {
      runs++;
      if (runs === 1) await hung.promise;
    });
    const first = handler.handle(signedRequest(shop, paid));
    await settle();

    clock = NOW + 10_000;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 409, kind: 'in_progress', retryAfterSeconds: 20 });
    clock = NOW + 29_500;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 409, retryAfterSeconds: 1 }); // never 0
    clock = NOW + 30_000;
    const takeover = await handler.handle(signedRequest(shop, paid));
    expect(takeover).toMatchObject({ status: 200, kind: 'handled' });
    expect(runs).toBe(2);

    clock = NOW + 31_000;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: takeover.deliveryId });
    // The hung attempt finally returns: it ran its listeners, so it is recorded as handled, but the
    // completion that came first stays the one later copies point at.
    hung.open();
    const late = await first;
    expect(late).toMatchObject({ status: 200, kind: 'handled' });
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ kind: 'duplicate', duplicateOf: takeover.deliveryId });
  });

  it('the done window starts when handling completes, not when the delivery arrived', async () => {
    const store = new MemoryStore();
    let clock = NOW;
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, dedupeWindowSeconds: 60, now: () => clock });
    handler.on('order.paid', () => {
      clock = NOW + 50_000; // a slow listener: completes 50 s after receipt
    });
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('handled');
    clock = NOW + 100_000; // 100 s after receipt, 50 s after completion
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('duplicate');
    clock = NOW + 110_000;
    handler.on('order.paid', () => undefined);
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('handled');
  });

  it('complete failing releases the claim: 503, and the retry is handled', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store });
    let calls = 0;
    handler.on('order.paid', () => calls++);
    store.failComplete = true;
    const failed = await handler.handle(signedRequest(shop, paid));
    expect(failed).toMatchObject({ status: 503, kind: 'store_unavailable' });
    expect(failed.message).toContain('connection refused (complete)');
    expect(store.released).toHaveLength(1);
    expect(store.size).toBe(0); // nothing half-recorded
    store.failComplete = false;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 200, kind: 'handled' });
    expect(calls).toBe(2);
  });

  it('complete and release both failing: copies get 409 until the lease ends, then the retry is handled', async () => {
    const store = new FlakyStore();
    let clock = NOW;
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => clock });
    let calls = 0;
    handler.on('order.paid', () => calls++);
    store.failComplete = true;
    store.failRelease = true;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 503 });
    store.failComplete = false;
    store.failRelease = false;
    clock = NOW + 1000;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 409, kind: 'in_progress', retryAfterSeconds: 59 });
    clock = NOW + 60_000;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 200, kind: 'handled' });
    expect(calls).toBe(2);
  });

  it('complete committed but its answer was lost: 503, the done key is kept, and the retry is a duplicate of the recorded row', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store });
    let calls = 0;
    handler.on('order.paid', () => calls++);
    store.failAfterComplete = true;
    const lost = await handler.handle(signedRequest(shop, paid));
    expect(lost).toMatchObject({ status: 503, kind: 'store_unavailable' });
    store.failAfterComplete = false;
    const retry = await handler.handle(signedRequest(shop, paid));
    expect(retry).toMatchObject({ status: 200, kind: 'duplicate' });
    expect(await store.get(retry.duplicateOf!)).toMatchObject({ status: 'handled' });
    expect(calls).toBe(1);
  });
});

describe('handler.handle(): answers only after the record is durable', () => {
  it('handle() does not resolve until the handled delivery is recorded (complete() resolves)', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    class SlowStore extends MemoryStore {
      override async complete(input: Parameters<MemoryStore['complete']>[0]): Promise<void> {
        await gate;
        return super.complete(input);
      }
    }
    const store = new SlowStore();
    const handler = shopHandler({ store });
    let settled = false;
    const pending = handler.handle(signedRequest(shop, paid)).then((outcome) => {
      settled = true;
      return outcome;
    });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(store.size).toBe(0);
    open();
    const outcome = await pending;
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    expect(await store.get(outcome.deliveryId!)).not.toBeNull();
  });

  it('dedupeWindowSeconds 0 turns dedupe off', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, dedupeWindowSeconds: 0, now: () => NOW });
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('handled');
    expect((await handler.handle(signedRequest(shop, paid))).kind).toBe('handled');
  });
});

describe('handler.handle(): store failures', () => {
  it('record rejecting → 503 store_unavailable for every kind of delivery, never a 2xx', async () => {
    const store = new FlakyStore();
    store.failRecord = true;
    const handler = shopHandler({ store });
    for (const req of [signedRequest(shop, paid), request({}, '{}'), signedRequest(shop, '[]'), signedRequest(shop, { type: 'x' })]) {
      const outcome = await handler.handle(req);
      expect(outcome).toMatchObject({ status: 503, kind: 'store_unavailable', reason: 'store_unavailable' });
      expect(outcome.message).toMatch(/connection refused \((record|complete)\)/);
      expect(outcome).not.toHaveProperty('deliveryId');
    }
  });

  it('a store failure is logged: the first at once, then at most one line every 10 s counting the others', async () => {
    const store = new FlakyStore();
    store.failRecord = true;
    const lines: string[] = [];
    let clock = NOW;
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => clock, logger: { error: (line) => lines.push(line) } });
    const send = async (at: number) => {
      clock = at;
      return handler.handle(signedRequest(shop, { type: 'x', at }));
    };
    for (const at of [NOW, NOW + 1_000, NOW + 2_000, NOW + 9_999]) expect((await send(at)).status).toBe(503);
    expect(lines).toEqual([expect.stringMatching(/^hookgate: shop: answered 503 store_unavailable: the delivery could not be recorded: connection refused/)]);
    expect((await send(NOW + 10_000)).status).toBe(503);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^hookgate: shop: answered 503 store_unavailable \(3 more since the last line\): the delivery could not be recorded/);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('record rejecting after a handled event releases the claim, so the retry is processed once the store is back', async () => {
    const store = new FlakyStore();
    const handler = shopHandler({ store });
    let calls = 0;
    handler.on('order.paid', () => calls++);
    store.failRecord = true;
    expect((await handler.handle(signedRequest(shop, paid))).status).toBe(503);
    store.failRecord = false;
    expect(await handler.handle(signedRequest(shop, paid))).toMatchObject({ status: 200, kind: 'handled' });
    expect(calls).toBe(2); // at-least-once: the listener ran for the unrecorded attempt too
  });

  it('release rejecting after a handler error still answers 500 (the claim then expires with its lease)', async () => {
    const store = new FlakyStore();
    store.failRelease = true;
    const handler = shopHandler({ store });
    handler.on('order.paid', () => {
      throw new Error('boom');
    });
    const outcome = await handler.handle(signedRequest(shop, paid));
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error' });
    expect(store.released).toEqual([outcome.deliveryId]);
    expect((await store.get(outcome.deliveryId!))?.status).toBe('handler_error');
  });

  it('claim rejecting → 503 before any listener runs, nothing recorded', async () => {
    const store = new FlakyStore();
    store.failClaim = true;
    const handler = shopHandler({ store });
    let calls = 0;
    handler.onAny(() => calls++);
    const outcome = await handler.handle(signedRequest(shop, paid));
    expect(outcome).toMatchObject({ status: 503, kind: 'store_unavailable' });
    expect(outcome.message).toContain('connection refused (claim)');
    expect(calls).toBe(0);
    expect(store.size).toBe(0);
  });

  it('a closed MemoryStore (every call rejects) → 503', async () => {
    const store = new MemoryStore();
    await store.close();
    expect(await shopHandler({ store }).handle(signedRequest(shop, paid))).toMatchObject({ status: 503, kind: 'store_unavailable' });
  });
});

describe('handle(request, { defaultStore })', () => {
  it('records into the default store only when the handler has none', async () => {
    const own = new MemoryStore();
    const fallback = new MemoryStore();
    const request = signedRequest(shop, paid);
    await shopHandler({ store: own }).handle(request, { defaultStore: fallback });
    expect([own.size, fallback.size]).toEqual([1, 0]);
    const without = shopHandler();
    expect((await without.handle(request, { defaultStore: fallback })).deliveryId).toBeDefined();
    expect(fallback.size).toBe(1);
    expect(without.store).toBeUndefined();
  });
});

function shopOptions() {
  return {
    id: 'shop',
    verification: hmac({ header: 'X-Shop-Signature', signature: 'sha256={digest}' }),
    events: { 'order.paid': object({ type: { literal: 'order.paid' }, id: 'string', amount: 'number' }) },
    eventType: (body: Record<string, unknown>) => (typeof body.type === 'string' ? body.type : undefined),
    eventId: (payload: unknown) => (payload as { id: string }).id,
  };
}

describe('property: handle() never rejects and answers from the contract table', () => {
  const headerValue = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
    fc.constant(undefined),
    fc.constantFrom('v1=', `v1=${'A'.repeat(43)}=`, String(NOW / 1000), String(NOW / 1000 - 301), '0'.repeat(64)),
  );
  const headers = fc.dictionary(
    fc.constantFrom('x-notify-signature', 'X-Notify-Timestamp', 'X-SHOP-SIGNATURE', 'content-type', 'authorization', 'x-other'),
    headerValue,
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => encoder.encode(JSON.stringify(value) ?? 'null')),
    fc.constantFrom('{"userCreated":"u"}', '{"type":"order.paid","id":"o","amount":1}', '{"slow":"s","alert":"a"}').map((text) => encoder.encode(text)),
  );

  it('random headers and bodies, signed or not, with a store', async () => {
    const store = new MemoryStore();
    const handlers = [notifyHandler(store), shopHandler({ store, maxBodyBytes: 150 })];
    await fc.assert(
      fc.asyncProperty(fc.nat(1), headers, body, fc.boolean(), async (which, randomHeaders, rawBody, sign) => {
        const handler = handlers[which]!;
        const signed = sign
          ? { ...(randomHeaders as Record<string, string>), ...signRequest(handler.provider, { secret: SECRET, body: rawBody, now: NOW }) }
          : randomHeaders;
        const outcome = await handler.handle({ method: 'POST', headers: signed, rawBody });
        expect([200, 202, 400, 401, 413]).toContain(outcome.status);
        if (outcome.status !== 413) expect(outcome.deliveryId).toBeDefined();
        if (!sign) expect(outcome.status === 401 || outcome.status === 413).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
