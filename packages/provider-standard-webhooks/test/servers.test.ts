// Officially signed Standard Webhooks deliveries over real servers (Express, Fastify, Next's route handler).
import { randomUUID } from 'node:crypto';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { realServers, type RealServer } from '@hookgate/testkit/servers';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixtures, standardWebhooks } from '../src/index.js';

const SECRET = `whsec_${Buffer.from('server-tests-key-of-24-b').toString('base64')}`;

/** A delivery signed by the official library, as a sender would send it. */
function signed(payload: unknown, options: { secret?: string; id?: string; ageSeconds?: number } = {}) {
  const body = JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = new Date(Date.now() - (options.ageSeconds ?? 0) * 1000);
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, body),
  };
  return { headers, body };
}

for (const [name, start] of realServers({ createExpressMiddleware, hookgatePlugin, createNextRouteHandler })) {
  describe(`Standard Webhooks over ${name}`, () => {
    const untyped: string[] = [];
    const paid: string[] = [];
    let target: RealServer;
    const send = async (provider: string, delivery: { headers: Record<string, string>; body: string }) => (await target.post(provider, delivery)).status;
    beforeAll(async () => {
      const any = createWebhookHandler({ provider: standardWebhooks(), secret: SECRET });
      any.onAny((event) => void untyped.push(event.event));
      const billing = createWebhookHandler({
        provider: standardWebhooks({
          id: 'billing',
          events: { 'invoice.paid': z.object({ type: z.literal('invoice.paid'), data: z.object({ id: z.string() }) }) },
        }),
        secret: SECRET,
      });
      billing.on('invoice.paid', (event) => void paid.push(event.data.id));
      target = await start(createGateway({ handlers: { 'standard-webhooks': any, billing }, store: new MemoryStore() }));
    });
    afterAll(() => target.close());

    it('untyped: any officially signed type is handled (200) and reaches onAny under its type', async () => {
      expect(await send('standard-webhooks', signed(fixtures.valid['user.created']))).toBe(200);
      expect(await send('standard-webhooks', signed(fixtures.valid['email.delivered']))).toBe(200);
      expect(untyped.slice(-2)).toEqual(['user.created', 'email.delivered']);
    });

    it('typed: a declared type is dispatched to on(type); another type is 202', async () => {
      expect(await send('billing', signed(fixtures.valid['invoice.paid']))).toBe(200);
      expect(paid.at(-1)).toBe((fixtures.valid['invoice.paid'].data as { id: string }).id);
      expect(await send('billing', signed(fixtures.valid['user.created']))).toBe(202);
    });

    it('a retry with the same webhook-id is a duplicate: 200, dispatched once', async () => {
      const before = untyped.length;
      const id = `msg_${randomUUID()}`;
      expect(await send('standard-webhooks', signed(fixtures.valid['subscription.cancelled'], { id }))).toBe(200);
      expect(await send('standard-webhooks', signed(fixtures.valid['subscription.cancelled'], { id }))).toBe(200);
      expect(untyped.length).toBe(before + 1);
    });

    it('wrong secret, tampered body, a stale timestamp and a bare signature are 401', async () => {
      const other = `whsec_${Buffer.from('a different key, 24 byte').toString('base64')}`;
      expect(await send('standard-webhooks', signed(fixtures.valid['user.created'], { secret: other }))).toBe(401);
      const good = signed(fixtures.valid['user.created']);
      expect(await send('standard-webhooks', { ...good, body: good.body.replace('Hank', 'Hans') })).toBe(401);
      expect(await send('standard-webhooks', signed(fixtures.valid['user.created'], { ageSeconds: 3600 }))).toBe(401);
      const bare = signed(fixtures.valid['user.created']);
      bare.headers['webhook-signature'] = String(bare.headers['webhook-signature']).slice('v1,'.length);
      expect(await send('standard-webhooks', bare)).toBe(401);
    });
  });
}
