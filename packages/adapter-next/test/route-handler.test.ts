import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { createNextRouteHandler, isSenderStampInstalled } from '../src/index.js';
import { ACME_MAX_BODY_BYTES, SECRET, acme, createConformanceGateway, nextId, signedAcme, type Delivery } from '@hookgate/testkit';

// App Router handlers take and return Fetch objects, so real `Request`s exercise them without a server.
const paid = () => ({ type: 'order.paid', id: nextId(), amount: '3' });
const url = (id: string) => `http://localhost/api/webhooks/${id}`;

function request(target: string, delivery: Delivery, init: RequestInit = {}): Request {
  return new Request(target, { method: 'POST', headers: delivery.headers, body: delivery.body, ...init });
}

async function answer(response: Response) {
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('createNextRouteHandler', () => {
  const { gateway, dispatched } = createConformanceGateway();
  const { POST, GET, HEAD } = createNextRouteHandler(gateway);

  it('takes the provider from params given as a Promise (Next 15/16)', async () => {
    const response = await POST(request('http://localhost/anything', signedAcme(paid())), { params: Promise.resolve({ provider: 'acme' }) });
    expect(await answer(response)).toMatchObject({ status: 200, json: { ok: true, kind: 'handled' } });
  });

  it('takes the provider from params given as a plain object (Next 14)', async () => {
    const response = await POST(request('http://localhost/anything', signedAcme(paid())), { params: { provider: 'acme' } });
    expect(response.status).toBe(200);
  });

  it('falls back to the last path segment without params', async () => {
    expect((await POST(request(`${url('acme')}?x=1`, signedAcme(paid())))).status).toBe(200);
    expect(await answer(await POST(request(url('nope'), signedAcme(paid()))))).toMatchObject({ status: 404, json: { kind: 'unknown_provider' } });
  });

  it('maps outcomes: 401 tampered, 202 unknown, 400 invalid, 500 listener threw, 503 store down', async () => {
    const statuses = await Promise.all([
      POST(request(url('acme'), signedAcme(paid(), { tamper: true }))),
      POST(request(url('acme'), signedAcme({ type: 'order.refunded', id: nextId() }))),
      POST(request(url('acme'), signedAcme({ type: 'order.paid', id: nextId() }))),
      POST(request(url('acme'), signedAcme({ type: 'order.explode', id: nextId() }))),
      POST(request(url('offline'), signedAcme(paid()))),
    ]);
    expect(statuses.map((response) => response.status)).toEqual([401, 202, 400, 500, 503]);
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull: () => {
          pulled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const delivery = signedAcme(paid());
    const headers = { ...delivery.headers, 'content-length': String(ACME_MAX_BODY_BYTES + 1) };
    const response = await POST(new Request(url('acme'), { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
    expect(await answer(response)).toMatchObject({ status: 413, json: { ok: false, kind: 'too_large' } });
    expect(response.headers.get('connection')).toBe('close');
    expect(pulled).toBe(false);
  });

  it('stops reading a streamed body once it grows over the limit', async () => {
    let chunksPulled = 0;
    const chunk = new TextEncoder().encode('x'.repeat(1024));
    const body = new ReadableStream<Uint8Array>(
      {
        pull: (controller) => {
          chunksPulled++;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const response = await POST(new Request(url('acme'), { method: 'POST', headers: signedAcme(paid()).headers, body, duplex: 'half' } as RequestInit));
    expect(response.status).toBe(413);
    expect(chunksPulled).toBeLessThanOrEqual(ACME_MAX_BODY_BYTES / 1024 + 2);
  });

  it('never calls a handler when the body stream fails midway (client went away)', async () => {
    const before = dispatched.length;
    const delivery = signedAcme(paid());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(delivery.body));
        controller.error(new Error('aborted'));
      },
    });
    const response = await POST(new Request(url('acme'), { method: 'POST', headers: delivery.headers, body, duplex: 'half' } as RequestInit));
    expect(response.status).toBe(400);
    expect(dispatched.length).toBe(before);
  });

  it('reads a body without Content-Type and an empty body', async () => {
    expect((await POST(request(url('acme'), signedAcme(paid(), { contentType: null })))).status).toBe(200);
    const empty = signedAcme('');
    expect((await POST(new Request(url('acme'), { method: 'POST', headers: empty.headers }))).status).toBe(400);
  });

  it.each([
    ['GET', GET],
    ['HEAD', HEAD],
  ] as const)('answers %s with 405 and Allow: POST', async (method, route) => {
    const response = await route(new Request(url('acme'), { method }));
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('answers 500 raw_body_unavailable, without dispatching, when the request body was read before the handler', async () => {
    const before = dispatched.length;
    const consumed = request(url('acme'), signedAcme(paid()));
    await consumed.text();
    const response = await POST(consumed);
    expect(await answer(response)).toMatchObject({
      status: 500,
      json: { kind: 'raw_body_unavailable', message: expect.stringContaining('request untouched') },
    });
    expect(dispatched.length).toBe(before);
  });

  it('serves a single handler whatever the path', async () => {
    const single = createNextRouteHandler(createWebhookHandler({ provider: acme, secret: SECRET }));
    expect((await single.POST(request('http://localhost/api/acme-hook', signedAcme(paid())))).status).toBe(200);
    const routed = createNextRouteHandler(createGateway({ handlers: { acme: createWebhookHandler({ provider: acme, secret: SECRET }) } }));
    const catchAll = await routed.POST(request('http://localhost/x', signedAcme(paid())), { params: Promise.resolve({ provider: ['v1', 'acme'] }) });
    expect(catchAll.status).toBe(200);
  });
});

describe('createNextRouteHandler without installSenderStamp: forwardedHeaders', () => {
  // What `next start` adds to a request that arrives without them.
  const added = { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': 'localhost:3000', 'x-forwarded-port': '3000', 'x-forwarded-proto': 'http' };

  async function recorded(options: Parameters<typeof createNextRouteHandler>[1]) {
    const store = new MemoryStore();
    const { POST } = createNextRouteHandler(createWebhookHandler({ provider: acme, secret: SECRET, store }), options);
    const delivery = signedAcme(paid());
    const response = await POST(request(url('acme'), { ...delivery, headers: { ...delivery.headers, ...added, 'x-trace': 'abc' } }));
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    return (await store.get(deliveryId))!.headers;
  }

  it('drops the four x-forwarded-* headers by default (they cannot be told from those Next added)', async () => {
    expect(isSenderStampInstalled()).toBe(false);
    const headers = await recorded(undefined);
    expect(Object.keys(headers).filter((name) => name.startsWith('x-forwarded-'))).toEqual([]);
    expect(headers['x-trace']).toBe('abc');
  });

  it("keeps them with forwardedHeaders: 'keep'", async () => {
    expect(await recorded({ forwardedHeaders: 'keep' })).toMatchObject({ ...added, 'x-trace': 'abc' });
  });
});
