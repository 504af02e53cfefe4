// Shopify deliveries over a real Express app, a real Fastify app (127.0.0.1:0) and Next's App
// Router handler.
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { realServers, type RealServer } from '@hookgate/testkit/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, shopify, signShopify } from '../src/index.js';

const SECRET = 'shpss_e2e_client_secret';

const SERVERS = realServers({ createExpressMiddleware, hookgatePlugin, createNextRouteHandler });

describe.each(SERVERS)('Shopify over %s', (_name, start) => {
  let server: RealServer;
  const orders: string[] = [];
  beforeAll(async () => {
    const handler = createWebhookHandler({ provider: shopify(), secret: SECRET });
    handler.on('orders/create', (order) => void orders.push(order.name));
    server = await start(createGateway({ handlers: { shopify: handler }, store: new MemoryStore() }));
  });
  afterAll(() => server.close());

  it('orders/create: 200 handled, listener ran; Shopify’s retry (same webhook id) is a duplicate', async () => {
    const delivery = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: SECRET });
    const first = await server.post('shopify', delivery);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ ok: true, kind: 'handled' });
    expect(orders).toContain('#1042');
    expect(JSON.parse((await server.post('shopify', delivery)).text)).toMatchObject({ kind: 'duplicate' });
  });

  it('every compliance topic: 200', async () => {
    for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact'] as const) {
      expect((await server.post('shopify', signShopify({ topic, payload: fixtures.valid[topic], secret: SECRET }))).status).toBe(200);
    }
  });

  it('tampered body and wrong secret: 401; an untyped topic: 202; a bad order: 400', async () => {
    const good = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: SECRET });
    expect((await server.post('shopify', { headers: good.headers, body: good.body.replace('54.90', '5.90') })).status).toBe(401);
    expect((await server.post('shopify', signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: 'wrong' }))).status).toBe(401);
    const untyped = fixtures.unknown['untyped-topic']!;
    expect((await server.post('shopify', signShopify({ topic: untyped.topic!, payload: untyped.payload, secret: SECRET }))).status).toBe(202);
    const bad = fixtures.invalid['order-price-number']!;
    expect((await server.post('shopify', signShopify({ topic: bad.topic!, payload: bad.payload, secret: SECRET }))).status).toBe(400);
  });
});
