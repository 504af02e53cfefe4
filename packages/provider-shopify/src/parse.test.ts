// Topics from X-Shopify-Topic, light typed payloads, dedupe by X-Shopify-Webhook-Id (or Event-Id).
import { createWebhookHandler, MemoryStore, type WebhookHandler } from '@hookgate/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { parseWebhookEvent, shopify, type ShopifyEventMap } from './provider.js';
import { signShopify } from './sign.js';

const SECRET = 'shpss_parse_tests';
const encoder = new TextEncoder();

describe('parse', () => {
  it.each(Object.entries(fixtures.valid))('fixture %s parses as that topic', async (topic, payload) => {
    expect(await parseWebhookEvent(JSON.stringify(payload), topic)).toMatchObject({ kind: 'event', event: topic, variant: topic, payload });
  });

  it.each([...Object.entries(fixtures.invalid), ...Object.entries(fixtures.unknown)])('fixture %s → its expected outcome', async (_name, sample) => {
    const text = sample.raw ?? JSON.stringify(sample.payload);
    const headers: Record<string, string> = sample.topic === null ? {} : { 'x-shopify-topic': sample.topic };
    expect(await shopify().parse(encoder.encode(text), { method: 'POST', headers, rawBody: encoder.encode(text) })).toMatchObject(sample.expected);
  });

  it('the topic comes from the header: an order body under products/update is checked as a product', async () => {
    const result = await parseWebhookEvent(JSON.stringify(fixtures.valid['orders/create']), 'products/update');
    expect(result).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch', event: 'products/update' });
  });

  it('ids above 2^53 (Shopify’s own sample payloads) parse; a fractional id does not', async () => {
    const order = structuredClone(fixtures.valid['orders/create']) as Record<string, unknown> & { line_items: Array<Record<string, unknown>> };
    // Shopify's sample order and line item ids, as the JSON text carries them.
    const text = JSON.stringify({ ...order, id: 0, line_items: [{ ...order.line_items[0], id: 1, product_id: 2 }] })
      .replace('"id":0', '"id":820982911946154508')
      .replace('"id":1', '"id":866550311766439020')
      .replace('"product_id":2', '"product_id":788032119674292922');
    const result = await parseWebhookEvent(text, 'orders/create');
    expect(result).toMatchObject({ kind: 'event', event: 'orders/create' });
    expect(result.kind === 'event' && result.payload.id).toBe(JSON.parse('820982911946154508'));
    for (const topic of ['products/create', 'customers/create'] as const) {
      expect(await parseWebhookEvent(`{"id":788032119674292922,"title":"IPod Nano - 8GB"}`, topic)).toMatchObject({ kind: 'event', event: topic });
    }
    expect(await parseWebhookEvent(text.replace('"id":820982911946154508', '"id":1.5'), 'orders/create')).toMatchObject({
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
    });
  });

  it('unknown keys are kept', async () => {
    const result = await parseWebhookEvent(JSON.stringify(fixtures.valid['orders/create']), 'orders/create');
    expect(result.kind === 'event' && result.payload).toMatchObject({ shipping_address: { city: 'Lyon' } });
  });
});

describe('handle(): dedupe', () => {
  const order = fixtures.valid['orders/create'];
  const send = (handler: WebhookHandler<ShopifyEventMap>, ids: { webhookId: string; eventId: string }) => {
    const { headers, body } = signShopify({ topic: 'orders/create', payload: order, secret: SECRET, ...ids });
    return handler.handle({ method: 'POST', headers, rawBody: encoder.encode(body) });
  };

  it('by X-Shopify-Webhook-Id (default): a retry is a duplicate, the same event to another subscription is not', async () => {
    const handler = createWebhookHandler({ provider: shopify(), secret: SECRET, store: new MemoryStore() });
    const names: string[] = [];
    handler.on('orders/create', (payload) => void names.push(payload.name));
    const first = await send(handler, { webhookId: 'wh-1', eventId: 'ev-1' });
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    expect(await send(handler, { webhookId: 'wh-1', eventId: 'ev-1' })).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(await send(handler, { webhookId: 'wh-2', eventId: 'ev-1' })).toMatchObject({ kind: 'handled' });
    expect(names).toEqual(['#1042', '#1042']);
  });

  it("dedupeBy: 'event-id' processes one event once across subscriptions", async () => {
    const handler = createWebhookHandler({ provider: shopify({ dedupeBy: 'event-id' }), secret: SECRET, store: new MemoryStore() });
    expect(await send(handler, { webhookId: 'wh-1', eventId: 'ev-9' })).toMatchObject({ kind: 'handled' });
    expect(await send(handler, { webhookId: 'wh-2', eventId: 'ev-9' })).toMatchObject({ kind: 'duplicate' });
  });

  it('an unknown dedupeBy is a configuration error', () => {
    expect(() => shopify({ dedupeBy: 'order-id' as never })).toThrow(/dedupeBy/);
  });

  it('types: listeners get the topic’s payload', () => {
    const handler = createWebhookHandler({ provider: shopify(), secret: SECRET });
    handler.on('orders/create', (order) => {
      expectTypeOf(order.total_price).toBeString();
      expectTypeOf(order.line_items[0]!.quantity).toBeNumber();
    });
    handler.on('customers/redact', (request) => expectTypeOf(request.orders_to_redact).toEqualTypeOf<number[]>());
    handler.on('products/delete', (product) => expectTypeOf(product.id).toBeNumber());
  });
});
