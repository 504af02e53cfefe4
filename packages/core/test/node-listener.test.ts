// What core gives Node adapters besides readNodeBody: createNodeListener on a real HTTP server,
// the bytes a body parser kept, and providerIdFromPath.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerIdFromPath } from '../src/adapter-routing.js';
import { readNodeBody } from '../src/node-body.js';
import { createNodeListener } from '../src/node-listener.js';
import { createGateway } from '../src/gateway.js';
import { createWebhookHandler } from '../src/handler.js';
import { signRequest } from '../src/sign.js';
import { SECRET, shop } from '../test/helpers.js';

describe('providerIdFromPath', () => {
  it.each([
    ['/webhooks/pylon', 'pylon'],
    ['/webhooks/pylon/', 'pylon'],
    ['/webhooks/webhooks-b?attempt=2#x', 'webhooks-b'],
    ['/api/webhooks/a%2Db', 'a-b'],
    ['/bad/%E0%A4%A', '%E0%A4%A'],
    ['/', undefined],
    ['', undefined],
  ])('%s → %s', (path, id) => {
    expect(providerIdFromPath(path)).toBe(id);
  });
});

describe('readNodeBody with a body parser that ran first', () => {
  // Parsers leave these on the request; a stream that already ended stands in for a consumed one.
  const consumed = (extra: Record<string, unknown>) =>
    Object.assign({ headers: {}, readableEnded: true, on: () => undefined, removeListener: () => undefined, resume: () => undefined }, extra);

  it('uses req.rawBody (Buffer or string) and a Buffer req.body', async () => {
    expect(await readNodeBody(consumed({ rawBody: Buffer.from('{"a":1}'), body: { a: 1 } }), 64)).toEqual({ ok: true, body: Buffer.from('{"a":1}') });
    expect(await readNodeBody(consumed({ rawBody: 'héllo' }), 64)).toEqual({ ok: true, body: Buffer.from('héllo', 'utf8') });
    expect(await readNodeBody(consumed({ body: Buffer.from([0, 255]) }), 64)).toEqual({ ok: true, body: Buffer.from([0, 255]) });
  });

  it('applies the limit to kept bytes', async () => {
    const read = await readNodeBody(consumed({ rawBody: Buffer.alloc(65) }), 64);
    expect(read).toMatchObject({ ok: false, reason: 'too_large', outcome: { status: 413 } });
  });

  it("reports a parsed body without kept bytes as consumed (stream ended, or body-parser's _body flag)", async () => {
    expect(await readNodeBody(consumed({ body: { a: 1 } }), 64)).toMatchObject({ ok: false, reason: 'consumed' });
    expect(await readNodeBody(consumed({ readableEnded: false, _body: true, body: {} }), 64)).toMatchObject({ ok: false, reason: 'consumed' });
  });
});

describe('createNodeListener over real HTTP', () => {
  let server: Server;
  let base: string;
  const logged: string[] = [];
  beforeAll(async () => {
    const handler = createWebhookHandler({ provider: shop, secret: SECRET });
    const listener = createNodeListener(createGateway({ handlers: { shop: handler } }), {
      rawBodyHint: 'Mount Hookgate first.',
      log: (message) => logged.push(message),
    });
    server = createServer((req: IncomingMessage & { body?: unknown }, res) => {
      if (!req.url?.startsWith('/parsed/')) return void listener(req, res);
      // A JSON body parser that ran first and kept nothing.
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        req.body = JSON.parse(Buffer.concat(parts).toString());
        void listener(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const body = JSON.stringify({ type: 'order.paid', id: 'ord_1', amount: 5 });
  const post = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: signRequest(shop, { secret: SECRET, body }), body });

  it('routes by the last path segment and answers the outcome', async () => {
    const response = await post('/hooks/shop?x=1');
    expect([response.status, await response.json()]).toEqual([200, { ok: true, kind: 'handled' }]);
    expect((await post('/hooks/other')).status).toBe(404);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const response = await fetch(`${base}/hooks/shop`);
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('answers 500 raw_body_unavailable with the hint when the body was consumed, logged once', async () => {
    const first = await post('/parsed/shop');
    const second = await post('/parsed/shop');
    const json = (await first.json()) as { kind: string; message: string };
    expect([first.status, second.status, json.kind]).toEqual([500, 500, 'raw_body_unavailable']);
    expect(json.message).toContain('Mount Hookgate first.');
    expect(logged).toEqual([json.message]);
  });
});
