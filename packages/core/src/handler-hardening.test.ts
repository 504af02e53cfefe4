// Regression tests for issue 11's hostile-input items: a validly signed, deeply nested body must
// never look like an outage; credential headers are redacted; a throwing listener is logged;
// a Content-Encoding core does not decode is refused.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOW, object, SECRET, shop, signedRequest } from '../test/helpers.js';
import { toHttpResponse } from './http-response.js';
import { HookgateError } from './errors.js';
import { createWebhookHandler, type HandlerLogger } from './handler.js';
import { CREDENTIAL_HEADERS, REDACTED } from './headers.js';
import { DEFAULT_MAX_JSON_DEPTH } from './json-body.js';
import { MemoryStore } from './memory-store.js';
import { compileTemplate } from './message-template.js';
import { defineProvider } from './provider.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { hmac } from './verify-hmac.js';

/** `{"type":"order.paid","id":…,"amount":1,"x":[[…1…]]}`: the whole body nests `depth` levels. */
function deepOrder(depth: number, id = 'ord_deep'): string {
  const x = '['.repeat(depth - 1) + '1' + ']'.repeat(depth - 1);
  return `{"type":"order.paid","id":"${id}","amount":1,"x":${x}}`;
}

function shopHandler(store: MemoryStore, options: { maxJsonDepth?: number } = {}) {
  const runs: string[] = [];
  const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW, ...options });
  handler.on('order.paid', (order) => {
    runs.push(order.id);
  });
  return { handler, runs };
}

describe('deep JSON (issue 11: "a validly signed deeply nested body loops on 503 forever")', () => {
  it('refuses a signed body deeper than the limit as invalid_payload json_too_deep, recorded, listeners never run', async () => {
    const store = new MemoryStore();
    const { handler, runs } = shopHandler(store);
    const outcome = await handler.handle(signedRequest(shop, deepOrder(5_000)));
    expect(outcome).toMatchObject({ status: 400, kind: 'invalid_payload', reason: 'json_too_deep' });
    expect(runs).toEqual([]);
    const row = await store.get(outcome.deliveryId!);
    expect(row).toMatchObject({ status: 'invalid_payload', reason: 'json_too_deep', payload: null, secretIndex: 0 });
    expect(row?.body).toBe(deepOrder(5_000));
  });

  it('3 retries of the same deep delivery: 0 listener runs, each answered 400 and recorded', async () => {
    const store = new MemoryStore();
    const { handler, runs } = shopHandler(store);
    const outcomes = [];
    for (let attempt = 0; attempt < 4; attempt++) outcomes.push(await handler.handle(signedRequest(shop, deepOrder(5_000))));
    expect(outcomes.map((o) => [o.status, o.kind, o.reason])).toEqual(Array(4).fill([400, 'invalid_payload', 'json_too_deep']));
    expect(runs).toEqual([]);
    const page = await store.list({ provider: 'shop' });
    expect(page.items.map((d) => d.status)).toEqual(Array(4).fill('invalid_payload'));
  });

  it('a body at exactly the limit parses, is handled once and stored with its payload', async () => {
    const store = new MemoryStore();
    const { handler, runs } = shopHandler(store);
    const body = deepOrder(DEFAULT_MAX_JSON_DEPTH, 'ord_limit');
    const outcome = await handler.handle(signedRequest(shop, body));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    expect(runs).toEqual(['ord_limit']);
    expect((await store.get(outcome.deliveryId!))?.payload).toEqual(JSON.parse(body));
    expect(await handler.handle(signedRequest(shop, deepOrder(DEFAULT_MAX_JSON_DEPTH + 1, 'ord_over')))).toMatchObject({
      status: 400,
      reason: 'json_too_deep',
    });
  });

  it('maxJsonDepth raises or lowers the limit, for handle() and verifyAndParse()', async () => {
    const lower = shopHandler(new MemoryStore(), { maxJsonDepth: 3 }).handler;
    expect(await lower.handle(signedRequest(shop, deepOrder(3)))).toMatchObject({ status: 200, kind: 'handled' });
    expect(await lower.verifyAndParse(signedRequest(shop, deepOrder(4)))).toMatchObject({
      kind: 'invalid_payload',
      reason: 'json_too_deep',
      message: 'body nests arrays/objects deeper than 3 levels',
    });
    const higher = shopHandler(new MemoryStore(), { maxJsonDepth: 1_000 }).handler;
    expect(await higher.handle(signedRequest(shop, deepOrder(1_000)))).toMatchObject({ status: 200, kind: 'handled' });
    expect(await higher.handle(signedRequest(shop, deepOrder(1_001, 'other')))).toMatchObject({ status: 400, reason: 'json_too_deep' });
  });

  it('an unsigned deep body is still a signature failure (401), not a payload problem', async () => {
    const store = new MemoryStore();
    const { handler } = shopHandler(store);
    const forged = signedRequest(shop, deepOrder(5_000), { secret: 'not-the-secret' });
    expect(await handler.handle(forged)).toMatchObject({ status: 401, kind: 'rejected_signature', reason: 'signature_mismatch' });
  });

  it('rejects a maxJsonDepth that is not a positive integer', () => {
    for (const maxJsonDepth of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createWebhookHandler({ provider: shop, secret: SECRET, maxJsonDepth })).toThrow(HookgateError);
    }
  });

  it('a payload the store cannot serialise is recorded without it: handled once, never 503', async () => {
    // The depth limit raised past what JSON.stringify survives: the store must not throw.
    const store = new MemoryStore();
    const { handler, runs } = shopHandler(store, { maxJsonDepth: 100_000 });
    const body = deepOrder(20_000, 'ord_huge');
    const first = await handler.handle(signedRequest(shop, body));
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    const again = await handler.handle(signedRequest(shop, body));
    expect(again).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(runs).toEqual(['ord_huge']);
    expect(await store.get(first.deliveryId!)).toMatchObject({ status: 'handled', payload: null, body });
  });

  it('a schema transform yielding a BigInt is recorded with a null payload, not a store outage', async () => {
    const toBigInt: StandardSchemaV1<unknown, { type: 'order.paid'; id: string; amount: bigint }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) => {
          const record = value as { id: string; amount: number };
          return { value: { type: 'order.paid', id: record.id, amount: BigInt(record.amount) } };
        },
      },
    };
    const bigShop = defineProvider({
      id: 'shop',
      verification: shop.verification,
      events: { 'order.paid': toBigInt },
      eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
    });
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: bigShop, secret: SECRET, store, now: () => NOW });
    const outcome = await handler.handle(signedRequest(shop, { type: 'order.paid', id: 'ord_big', amount: 5 }));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    expect((await store.get(outcome.deliveryId!))?.payload).toBeNull();
  });

  it('a body pointer in the signed-message template does not crash on a deep body', () => {
    const template = compileTemplate('{$request.body#/x}');
    const rawBody = new TextEncoder().encode(deepOrder(10_000));
    const built = template.build({ method: 'POST', headers: {}, rawBody }, { missingHeader: 'fail' });
    expect(built).toMatchObject({ ok: false, reason: 'missing_header' });
  });
});

describe('credential headers (issue 11: "X-Api-Key is stored in clear")', () => {
  it('records every default credential header, the signature and redactHeaders as [redacted]', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({
      provider: shop,
      secret: SECRET,
      store,
      now: () => NOW,
      redactHeaders: ['X-Tenant-Secret', 'x-internal-pass'],
    });
    const sent: Record<string, string> = { 'X-Tenant-Secret': 'tenant-s3cret', 'X-INTERNAL-PASS': 'pass-s3cret', 'X-Request-Id': 'req_1' };
    for (const name of CREDENTIAL_HEADERS) sent[name] = `s3cret-${name}`;
    const outcome = await handler.handle(signedRequest(shop, { type: 'order.paid', id: 'ord_h', amount: 1 }, { headers: sent }));
    expect(outcome.status).toBe(200);
    const row = await store.get(outcome.deliveryId!);
    for (const name of [...CREDENTIAL_HEADERS, 'x-tenant-secret', 'x-internal-pass', 'x-shop-signature']) {
      expect(row?.headers[name], name).toBe(REDACTED);
    }
    expect(row?.headers['x-request-id']).toBe('req_1');
    expect(JSON.stringify(row)).not.toMatch(/s3cret|sha256=/);
  });
});

describe('a throwing listener (issue 11: "with no onError logs nothing")', () => {
  const order = { type: 'order.paid', id: 'ord_fail', amount: 1, card: 'tok_sensitive_body_value' };
  let errorSpy: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    errorSpy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    errorSpy.mockRestore();
  });

  it('logs one line to console.error by default: delivery id, provider, event, error; no body or secret', async () => {
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store: new MemoryStore(), now: () => NOW });
    handler.on('order.paid', () => {
      throw new TypeError('inventory service\nunreachable');
    });
    const outcome = await handler.handle(signedRequest(shop, order));
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error' });
    expect(errorSpy).toHaveBeenCalledTimes(1);
    const [line] = errorSpy.mock.calls[0] as [string];
    expect(line).toContain('[hookgate] listener failed');
    expect(line).toContain(`delivery ${outcome.deliveryId}`);
    expect(line).toContain('provider shop');
    expect(line).toContain('event order.paid');
    expect(line).toContain('TypeError: inventory service unreachable');
    expect(line).not.toContain('\n');
    expect(line).not.toContain('tok_sensitive_body_value');
    expect(line).not.toContain(SECRET);
  });

  it('writes to the logger option instead of console', async () => {
    const lines: string[] = [];
    const logger: HandlerLogger = { error: (message) => lines.push(message) };
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, now: () => NOW, logger });
    handler.on('order.paid', () => Promise.reject(new Error('boom')));
    expect(await handler.handle(signedRequest(shop, order))).toMatchObject({ status: 500 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[hookgate\] listener failed .*provider shop event order\.paid: Error: boom/);
    expect(errorSpy).not.toHaveBeenCalled();
  });

  it('says which attempt failed, not "answered 500", when a stored delivery is run again (inbox worker, replay)', async () => {
    const lines: string[] = [];
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, now: () => NOW, logger: { error: (message) => lines.push(message) } });
    handler.on('order.paid', () => {
      throw new Error('still down');
    });
    const outcome = await handler.handle(signedRequest(shop, order));
    const delivery = await store.get(outcome.deliveryId!);
    expect(delivery).not.toBeNull();
    expect(await handler.redeliver({ delivery: delivery!, attempt: 2 })).toMatchObject({ ok: false, error: 'still down' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('(answered 500 handler_error)');
    expect(lines[1]).toMatch(/^\[hookgate\] listener failed \(attempt 2 failed\): delivery \S+ provider shop event order\.paid: Error: still down/);
    expect(lines[1]).not.toContain('answered');
  });

  it('logs nothing when an onError listener is registered (it is told instead)', async () => {
    const seen: unknown[] = [];
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, now: () => NOW });
    handler.on('order.paid', () => {
      throw new Error('boom');
    });
    handler.onError((error) => seen.push(error));
    await handler.handle(signedRequest(shop, order));
    expect(seen).toHaveLength(1);
    expect(errorSpy).not.toHaveBeenCalled();
  });

  it('a logger that throws still answers 500', async () => {
    const logger: HandlerLogger = {
      error: () => {
        throw new Error('log sink down');
      },
    };
    const handler = createWebhookHandler({ provider: shop, secret: SECRET, now: () => NOW, logger });
    handler.on('order.paid', () => {
      throw new Error('boom');
    });
    expect(await handler.handle(signedRequest(shop, order))).toMatchObject({ status: 500, kind: 'handler_error' });
  });
});

describe('Content-Encoding (issue 11: "gzip is neither decoded nor documented")', () => {
  const order = { type: 'order.paid', id: 'ord_enc', amount: 1 };

  it.each(['gzip', 'br', 'deflate', 'zstd', 'GZIP', 'identity, gzip', 'x-custom'])('refuses %s with 415, unrecorded, listeners not run', async (coding) => {
    const store = new MemoryStore();
    const { handler, runs } = shopHandler(store);
    const outcome = await handler.handle(signedRequest(shop, order, { headers: { 'Content-Encoding': coding } }));
    expect(outcome).toMatchObject({ status: 415, kind: 'unsupported_encoding', reason: 'unsupported_encoding' });
    expect(outcome.deliveryId).toBeUndefined();
    expect(toHttpResponse(outcome)).toMatchObject({ status: 415, headers: { 'accept-encoding': 'identity' } });
    expect(runs).toEqual([]);
    expect((await store.list({})).items).toEqual([]);
  });

  it.each(['identity', 'Identity', ' identity ', ''])('accepts Content-Encoding %j', async (coding) => {
    const { handler, runs } = shopHandler(new MemoryStore());
    const outcome = await handler.handle(signedRequest(shop, order, { headers: { 'Content-Encoding': coding } }));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    expect(runs).toEqual(['ord_enc']);
  });

  it('names the coding in the message, bounded and quoted', async () => {
    const { handler } = shopHandler(new MemoryStore());
    const outcome = await handler.handle(signedRequest(shop, order, { headers: { 'content-encoding': `gzip${'x'.repeat(500)}` } }));
    expect(outcome.message).toMatch(/^Content-Encoding "gzipx+" is not supported/);
    expect(outcome.message!.length).toBeLessThan(200);
  });
});

describe('body pointer templates under the depth limit', () => {
  it('a provider signing a value inside the body still verifies a shallow body', async () => {
    const pointer = defineProvider({
      id: 'pointer',
      verification: hmac({ header: 'X-Sig', message: '{$request.body#/id}' }),
      events: { ping: object({ type: { literal: 'ping' }, id: 'string' }) },
      eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
    });
    const handler = createWebhookHandler({ provider: pointer, secret: SECRET, now: () => NOW });
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify({ type: 'ping', id: 'p_1' });
    const signature = createHmac('sha256', SECRET).update('p_1').digest('hex');
    expect(await handler.verifyAndParse({ method: 'POST', headers: { 'x-sig': signature }, rawBody: new TextEncoder().encode(body) })).toMatchObject({
      kind: 'event',
      event: 'ping',
    });
  });
});
