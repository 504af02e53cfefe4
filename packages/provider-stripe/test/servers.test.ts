// Officially signed Stripe deliveries over real servers (Express, Fastify, Next's route handler).
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { realServers, type RealServer } from '@hookgate/testkit/servers';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, stripe } from '../src/index.js';

const SECRET = 'whsec_serverTestSecret';
const official = new Stripe('sk_test_hookgate_offline').webhooks;

const signed = (payload: unknown, options: { secret?: string; timestamp?: number } = {}) => {
  const body = JSON.stringify(payload);
  const header = official.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return { headers: { 'content-type': 'application/json', 'stripe-signature': header }, body };
};

for (const [name, start] of realServers({ createExpressMiddleware, hookgatePlugin, createNextRouteHandler })) {
  describe(`Stripe over ${name}`, () => {
    const received: string[] = [];
    let target: RealServer;
    const send = async (delivery: { headers: Record<string, string>; body: string }) => (await target.post('stripe', delivery)).status;
    beforeAll(async () => {
      const handler = createWebhookHandler({ provider: stripe(), secret: SECRET });
      handler.on('payment_intent.succeeded', (event) => void received.push(`${event.type}:${event.data.object.id}`));
      handler.on('invoice.paid', (event) => void received.push(`${event.type}:${event.data.object.id}`));
      target = await start(createGateway({ handlers: { stripe: handler }, store: new MemoryStore() }));
    });
    afterAll(() => target.close());

    it('an officially signed delivery is handled (200) and dispatched with its typed payload', async () => {
      expect(await send(signed(fixtures.valid['payment_intent.succeeded']))).toBe(200);
      expect(received).toContain(`payment_intent.succeeded:${fixtures.valid['payment_intent.succeeded'].data.object.id}`);
    });

    it('the same event again (a Stripe retry) is a duplicate: 200, not dispatched twice', async () => {
      const payload = fixtures.valid['invoice.paid'];
      const before = received.length;
      expect(await send(signed(payload))).toBe(200);
      expect(await send(signed(payload))).toBe(200);
      expect(received.length).toBe(before + 1);
    });

    it('wrong secret, tampered body and a stale timestamp are 401; an untyped event is 202', async () => {
      expect(await send(signed(fixtures.valid['invoice.paid'], { secret: 'whsec_other' }))).toBe(401);
      const good = signed(fixtures.valid['invoice.paid']);
      expect(await send({ ...good, body: good.body.replace('4900', '4901') })).toBe(401);
      expect(await send(signed(fixtures.valid['invoice.paid'], { timestamp: Math.floor(Date.now() / 1000) - 3600 }))).toBe(401);
      expect(await send(signed(fixtures.unknown.untypedEvent!.payload))).toBe(202);
    });
  });
}
