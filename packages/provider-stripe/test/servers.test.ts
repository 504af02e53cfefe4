// Officially signed Stripe deliveries over real servers: Express and Fastify on 127.0.0.1:0, and
// the Next adapter's route handler called with real Fetch `Request` objects.
import type { AddressInfo } from 'node:net';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import express from 'express';
import Fastify from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, stripe } from '../src/index.js';

const SECRET = 'whsec_serverTestSecret';
const official = new Stripe('sk_test_hookgate_offline').webhooks;

function gateway() {
  const handler = createWebhookHandler({ provider: stripe(), secret: SECRET });
  const received: string[] = [];
  handler.on('payment_intent.succeeded', (event) => void received.push(`${event.type}:${event.data.object.id}`));
  handler.on('invoice.paid', (event) => void received.push(`${event.type}:${event.data.object.id}`));
  return { gateway: createGateway({ handlers: { stripe: handler }, store: new MemoryStore() }), received };
}

type Send = (headers: Record<string, string>, body: string) => Promise<number>;
interface Target {
  send: Send;
  received: string[];
  close(): Promise<void>;
}

const targets: Record<string, () => Promise<Target>> = {
  async express() {
    const { gateway: target, received } = gateway();
    const app = express();
    app.post('/webhooks/:provider', createExpressMiddleware(target));
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      received,
      send: async (headers, body) => (await fetch(`${base}/webhooks/stripe`, { method: 'POST', headers, body })).status,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  },
  async fastify() {
    const { gateway: target, received } = gateway();
    const app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: target });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      received,
      send: async (headers, body) => (await fetch(`${base}/webhooks/stripe`, { method: 'POST', headers, body })).status,
      close: () => app.close(),
    };
  },
  async next() {
    const { gateway: target, received } = gateway();
    const { POST } = createNextRouteHandler(target);
    return {
      received,
      send: async (headers, body) => {
        const request = new Request('http://127.0.0.1/api/webhooks/stripe', { method: 'POST', headers, body });
        return (await POST(request, { params: Promise.resolve({ provider: 'stripe' }) })).status;
      },
      close: async () => {},
    };
  },
};

const signed = (payload: unknown, options: { secret?: string; timestamp?: number } = {}) => {
  const body = JSON.stringify(payload);
  const header = official.generateTestHeaderString({ payload: body, secret: options.secret ?? SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
  return { headers: { 'content-type': 'application/json', 'stripe-signature': header }, body };
};

for (const [name, start] of Object.entries(targets)) {
  describe(`Stripe over ${name}`, () => {
    let target: Target;
    beforeAll(async () => {
      target = await start();
    });
    afterAll(() => target.close());

    it('an officially signed delivery is handled (200) and dispatched with its typed payload', async () => {
      const { headers, body } = signed(fixtures.valid['payment_intent.succeeded']);
      expect(await target.send(headers, body)).toBe(200);
      expect(target.received).toContain(`payment_intent.succeeded:${fixtures.valid['payment_intent.succeeded'].data.object.id}`);
    });

    it('the same event again (a Stripe retry) is a duplicate: 200, not dispatched twice', async () => {
      const payload = fixtures.valid['invoice.paid'];
      const before = target.received.length;
      expect(await target.send(signed(payload).headers, signed(payload).body)).toBe(200);
      expect(await target.send(signed(payload).headers, signed(payload).body)).toBe(200);
      expect(target.received.length).toBe(before + 1);
    });

    it('wrong secret, tampered body and a stale timestamp are 401; an untyped event is 202', async () => {
      const wrong = signed(fixtures.valid['invoice.paid'], { secret: 'whsec_other' });
      expect(await target.send(wrong.headers, wrong.body)).toBe(401);
      const good = signed(fixtures.valid['invoice.paid']);
      expect(await target.send(good.headers, good.body.replace('4900', '4901'))).toBe(401);
      const stale = signed(fixtures.valid['invoice.paid'], { timestamp: Math.floor(Date.now() / 1000) - 3600 });
      expect(await target.send(stale.headers, stale.body)).toBe(401);
      const untyped = signed(fixtures.unknown.untypedEvent!.payload);
      expect(await target.send(untyped.headers, untyped.body)).toBe(202);
    });
  });
}
