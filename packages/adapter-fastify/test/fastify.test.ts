import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createGateway, createWebhookHandler, HookgateError, MemoryStore } from '@hookgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { hookgatePlugin } from '../src/index.js';
import { SECRET, acme, nextId, signedAcme } from '@hookgate/testkit';
import { describeConformance } from '@hookgate/testkit/conformance';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describeConformance("fastify: register(hookgatePlugin, { prefix: '/webhooks', gateway })", async (gateway) => {
  const app = Fastify();
  await app.register(hookgatePlugin, { prefix: '/webhooks', gateway });
  const base = await listen(app);
  return { server: app.server, url: (id) => `${base}/webhooks/${id}`, close: () => app.close() };
});

describe('hookgatePlugin', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const handler = () => createWebhookHandler({ provider: acme, secret: SECRET });
  const paid = () => ({ type: 'order.paid', id: nextId(), amount: '5' });
  async function post(url: string, delivery = signedAcme(paid())) {
    const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('serves one handler at its prefix and answers 405 to any other method there (GET, PUT, DELETE, PATCH, OPTIONS)', async () => {
    app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/hooks/acme', handler: handler() });
    const base = await listen(app);
    expect(await post(`${base}/hooks/acme`)).toMatchObject({ status: 200, json: { ok: true, kind: 'handled' } });
    expect(await post(`${base}/hooks/acme?attempt=2`)).toMatchObject({ status: 200 });
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await fetch(`${base}/hooks/acme`, { method });
      expect([method, answer.status, answer.headers.get('allow')]).toEqual([method, 405, 'POST']);
    }
  });

  it('hands core the path without the query string (what a store records and templates sign)', async () => {
    const store = new MemoryStore();
    app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/hooks/acme', handler: createWebhookHandler({ provider: acme, secret: SECRET, store }) });
    const base = await listen(app);
    const plain = await post(`${base}/hooks/acme`);
    const queried = await post(`${base}/hooks/acme?attempt=2&x=?`);
    for (const answer of [plain, queried]) expect((await store.get(answer.json.deliveryId as string))?.path).toBe('/hooks/acme');
  });

  it("keeps the app's own JSON and text parsers working outside the plugin", async () => {
    app = Fastify();
    app.post('/api/echo', async (request) => ({ type: typeof request.body, body: request.body }));
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: createGateway({ handlers: { acme: handler() } }) });
    app.register(async (child) => {
      child.post('/api/child-echo', async (request) => ({ type: typeof request.body, body: request.body }));
    });
    const base = await listen(app);
    const json = await fetch(`${base}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await json.json()).toEqual({ type: 'object', body: { a: 1 } });
    const text = await fetch(`${base}/api/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(await text.json()).toEqual({ type: 'string', body: 'hi' });
    const sibling = await fetch(`${base}/api/child-echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":2}' });
    expect(await sibling.json()).toEqual({ type: 'object', body: { b: 2 } });
    // An unknown content type is still refused by the app, as before the plugin was registered.
    const octets = await fetch(`${base}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(octets.status).toBe(415);
    expect((await post(`${base}/webhooks/acme`)).status).toBe(200);
  });

  it('applies bodyLimit below the handler limit as a 413 outcome', async () => {
    app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: createGateway({ handlers: { acme: handler() } }), bodyLimit: 64 });
    const base = await listen(app);
    const { status, json } = await post(`${base}/webhooks/acme`, signedAcme({ ...paid(), note: 'x'.repeat(100) }));
    expect(status).toBe(413);
    expect(json).toEqual({ ok: false, kind: 'too_large', reason: 'too_large' });
  });

  it('answers 405 to other methods on a known provider and 404 to unknown ids, body unread', async () => {
    app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: createGateway({ handlers: { acme: handler() } }) });
    const base = await listen(app);
    const put = await fetch(`${base}/webhooks/acme`, { method: 'PUT', body: 'x' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await post(`${base}/webhooks/zzz`)).json).toMatchObject({ kind: 'unknown_provider' });
  });

  it('serves a gateway route with a trailing slash too, as the other adapters do', async () => {
    app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: createGateway({ handlers: { acme: handler() } }) });
    const base = await listen(app);
    expect(await post(`${base}/webhooks/acme/`)).toMatchObject({ status: 200, json: { kind: 'handled' } });
    expect(await post(`${base}/webhooks/acme/?attempt=2`)).toMatchObject({ status: 200 });
    expect((await fetch(`${base}/webhooks/acme/`)).status).toBe(405);
  });

  it('a malformed Content-Type still gets a 413 for a body over the limit (the body is read by the plugin then)', async () => {
    app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: createGateway({ handlers: { acme: handler() } }), bodyLimit: 64 });
    const base = await listen(app);
    const { status, json } = await post(`${base}/webhooks/acme`, signedAcme({ ...paid(), note: 'x'.repeat(100) }, { contentType: 'json' }));
    expect(status).toBe(413);
    expect(json).toMatchObject({ ok: false, kind: 'too_large' });
  });

  it('refuses options without a handler or gateway at registration', async () => {
    app = Fastify();
    await expect(app.register(hookgatePlugin, {} as never)).rejects.toBeInstanceOf(HookgateError);
  });
});
