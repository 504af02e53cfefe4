import { describe, expect, it } from 'vitest';
import { SECRET, shop } from '../test/helpers.js';
import { createFetchHandler, createFetchListener } from './fetch.js';
import { createGateway } from './gateway.js';
import { createWebhookHandler } from './handler.js';
import { HookgateError } from './errors.js';
import { MemoryStore } from './memory-store.js';
import { signRequest } from './sign.js';

const URL_BASE = 'http://127.0.0.1/webhooks';
const LIMIT = 1024;
let sequence = 0;

function setup() {
  const store = new MemoryStore();
  const handled: string[] = [];
  const handler = createWebhookHandler({ provider: shop, secret: SECRET, store, maxBodyBytes: LIMIT }).onAny((event) => void handled.push(event.event));
  const gateway = createGateway({ handlers: { shop: handler } });
  return { store, handled, handler, gateway, fetch: createFetchHandler(gateway) };
}

function paid(extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({ type: 'order.paid', id: `ord_${++sequence}`, amount: 1, ...extra });
  return { body, headers: signRequest(shop, { secret: SECRET, body }) };
}

/** A body stream that yields `chunks` on demand and counts how many were pulled. */
function countingStream(chunks: readonly Uint8Array[]) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[state.pulled++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const streamed = (stream: ReadableStream<Uint8Array>, headers: Record<string, string>, path = '/shop') =>
  new Request(`${URL_BASE}${path}`, { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);

describe('createFetchHandler()', () => {
  it('answers a signed delivery 200 handled through a gateway, routed by the last path segment', async () => {
    const { fetch, handled, store } = setup();
    const { body, headers } = paid();
    const response = await fetch(new Request(`${URL_BASE}/shop?x=1`, { method: 'POST', headers, body }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, kind: 'handled', deliveryId: expect.any(String) });
    expect(handled).toEqual(['order.paid']);
    const [recorded] = (await store.list({})).items;
    expect(recorded).toMatchObject({ path: '/webhooks/shop', method: 'POST', status: 'handled' });
  });

  it('answers a copy 200 duplicate and a tampered body 401, each as JSON', async () => {
    const { fetch } = setup();
    const { body, headers } = paid();
    const send = (text: string) => fetch(new Request(`${URL_BASE}/shop`, { method: 'POST', headers, body: text }));
    expect((await send(body)).status).toBe(200);
    const again = await send(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ kind: 'duplicate' });
    const tampered = await send(body.replace('"amount":1', '"amount":9'));
    expect(tampered.status).toBe(401);
    expect(tampered.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await tampered.json()).toMatchObject({ ok: false, kind: 'rejected_signature', reason: 'signature_mismatch' });
  });

  it('serves one handler directly (no routing)', async () => {
    const { handler } = setup();
    const { body, headers } = paid();
    const response = await createFetchHandler(handler)(new Request('http://127.0.0.1/anything', { method: 'POST', headers, body }));
    expect(response.status).toBe(200);
  });

  it.each(['GET', 'HEAD', 'PUT'])('answers %s with 405 and Allow: POST', async (method) => {
    const { fetch } = setup();
    const response = await fetch(new Request(`${URL_BASE}/shop`, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 404 for an unknown provider without reading the body', async () => {
    const { fetch } = setup();
    const { stream, state } = countingStream([new Uint8Array(10)]);
    const response = await fetch(streamed(stream, {}, '/nope'));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ kind: 'unknown_provider' });
    // A stream fills its one-chunk queue by itself; nothing beyond that was read.
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it('answers 413 for a declared Content-Length over the limit without reading a byte', async () => {
    const { fetch, store } = setup();
    const { stream, state } = countingStream([new Uint8Array(LIMIT + 1)]);
    const response = await fetch(streamed(stream, { 'content-length': String(LIMIT + 1) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, kind: 'too_large' });
    expect(state.pulled).toBeLessThanOrEqual(1);
    expect(state.cancelled).toBe(true);
    expect(store.size).toBe(0);
  });

  it('answers 413 for a streamed body as soon as it grows past the limit, cancelling the rest unread', async () => {
    const { fetch, handled } = setup();
    const chunks = Array.from({ length: 100 }, () => new Uint8Array(300));
    const { stream, state } = countingStream(chunks);
    const response = await fetch(streamed(stream, {}));
    expect(response.status).toBe(413);
    // 4 chunks of 300 bytes pass 1024: nothing after the fourth was pulled (one may be queued ahead).
    expect(state.pulled).toBeLessThanOrEqual(5);
    expect(state.cancelled).toBe(true);
    expect(handled).toEqual([]);
  });

  it('reads a streamed body of several chunks exactly', async () => {
    const { fetch } = setup();
    const { body, headers } = paid();
    const bytes = new TextEncoder().encode(body);
    const { stream } = countingStream([bytes.subarray(0, 5), bytes.subarray(5, 9), bytes.subarray(9)]);
    const response = await fetch(streamed(stream, headers));
    expect(response.status).toBe(200);
  });

  it('answers 400 without calling a handler when the body stream fails midway (sender gone)', async () => {
    const { fetch, handled, store } = setup();
    const { body, headers } = paid();
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('connection reset'));
        sent = true;
        controller.enqueue(new TextEncoder().encode(body.slice(0, 10)));
      },
    });
    const response = await fetch(streamed(stream, headers));
    expect(response.status).toBe(400);
    expect(handled).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('answers 500 raw_body_unavailable when the body was read before, logging once', async () => {
    const { gateway } = setup();
    const logged: string[] = [];
    const listener = createFetchListener(gateway, { log: (line) => logged.push(line), rawBodyHint: 'Call it before c.req.json().' });
    for (let round = 0; round < 2; round++) {
      const { body, headers } = paid();
      const request = new Request(`${URL_BASE}/shop`, { method: 'POST', headers, body });
      await request.text();
      const response = await listener(request);
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ kind: 'raw_body_unavailable', message: expect.stringContaining('Call it before c.req.json().') });
    }
    expect(logged).toHaveLength(1);
  });

  it('takes the provider id, path, headers and peer from the route when a framework knows them', async () => {
    const { gateway, store } = setup();
    const { body, headers } = paid();
    const listener = createFetchListener(gateway);
    const request = new Request('http://127.0.0.1/in/whatever', { method: 'POST', headers: { ...headers, 'x-extra': 'dropped' }, body });
    const response = await listener(request, { providerId: 'shop', path: '/in', headers, peerAddress: '10.0.0.1' });
    expect(response.status).toBe(200);
    const [recorded] = (await store.list({})).items;
    expect(recorded).toMatchObject({ path: '/in' });
    expect(Object.keys(recorded!.headers)).not.toContain('x-extra');
  });

  it('a smaller maxBodyBytes option applies before the handler limit; a bad one is refused at creation', async () => {
    const { gateway } = setup();
    const fetch = createFetchHandler(gateway, { maxBodyBytes: 10 });
    const { body, headers } = paid();
    expect((await fetch(new Request(`${URL_BASE}/shop`, { method: 'POST', headers, body }))).status).toBe(413);
    expect(() => createFetchHandler(gateway, { maxBodyBytes: 0 })).toThrow(HookgateError);
  });

  it('ignores the extra arguments runtimes pass (Workers env, Deno info, Bun server)', async () => {
    const { fetch } = setup();
    const { body, headers } = paid();
    const call = fetch as unknown as (request: Request, env: unknown) => Promise<Response>;
    const response = await call(new Request(`${URL_BASE}/shop`, { method: 'POST', headers, body }), { providerId: 'nope', path: '/x' });
    expect(response.status).toBe(200);
  });
});
