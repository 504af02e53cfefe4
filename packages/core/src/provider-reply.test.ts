// A provider's own answer (Slack's url_verification challenge must be echoed with 200) carried on
// the outcome and written by toHttpResponse; typed eventId/reply (issue 13).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { encoder, NOW, object, SECRET } from '../test/helpers.js';
import { toHttpResponse } from './http-response.js';
import { createWebhookHandler } from './handler.js';
import { getHeader } from './headers.js';
import { MemoryStore } from './memory-store.js';
import { defineProvider } from './provider.js';
import type { WebhookRequest } from './request.js';
import { signRequest } from './sign.js';
import { hmac } from './verify-hmac.js';

const chat = defineProvider({
  id: 'chat',
  verification: hmac({ header: 'X-Chat-Signature' }),
  events: {
    url_verification: object({ type: { literal: 'url_verification' }, challenge: 'string' }),
    message: object({ type: { literal: 'message' }, id: 'string', text: 'string' }),
  },
  eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
  eventId: (payload, request) => ('id' in payload ? payload.id : getHeader(request.headers, 'x-chat-request')),
  reply: (event) =>
    event.event === 'url_verification' ? { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: event.payload.challenge } : undefined,
});

function signed(body: object, secret = SECRET): WebhookRequest {
  const text = JSON.stringify(body);
  return { method: 'POST', path: '/chat', headers: signRequest(chat, { secret, body: text, now: NOW }), rawBody: encoder.encode(text) };
}

describe('provider reply', () => {
  it('a handled event with a reply is answered with it (status of the outcome, provider headers)', async () => {
    const handler = createWebhookHandler({ provider: chat, secret: SECRET, now: () => NOW });
    const seen: string[] = [];
    handler.on('url_verification', (payload) => void seen.push(payload.challenge));
    const outcome = await handler.handle(signed({ type: 'url_verification', challenge: 'c-123' }));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled', reply: { body: 'c-123' } });
    expect(seen).toEqual(['c-123']);
    expect(toHttpResponse(outcome)).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'c-123' });
  });

  it('a duplicate is answered with the reply too (a retried challenge must still be echoed)', async () => {
    const handler = createWebhookHandler({ provider: chat, secret: SECRET, store: new MemoryStore(), now: () => NOW });
    const request = signed({ type: 'url_verification', challenge: 'again' });
    expect((await handler.handle(request)).kind).toBe('handled');
    const second = await handler.handle(request);
    expect(second).toMatchObject({ status: 200, kind: 'duplicate', reply: { body: 'again' } });
    expect(toHttpResponse(second).body).toBe('again');
  });

  it('events without a reply keep the JSON outcome body', async () => {
    const handler = createWebhookHandler({ provider: chat, secret: SECRET, now: () => NOW });
    const outcome = await handler.handle(signed({ type: 'message', id: 'm1', text: 'hi' }));
    expect(outcome).not.toHaveProperty('reply');
    expect(JSON.parse(toHttpResponse(outcome).body)).toEqual({ ok: true, kind: 'handled' });
  });

  it('no reply for a refused delivery, even one whose body would have one', async () => {
    const handler = createWebhookHandler({ provider: chat, secret: SECRET, now: () => NOW });
    const outcome = await handler.handle(signed({ type: 'url_verification', challenge: 'c' }, 'wrong-secret'));
    expect(outcome).toMatchObject({ status: 401, kind: 'rejected_signature' });
    expect(outcome).not.toHaveProperty('reply');
  });

  it('no reply when a listener throws: the 500 stands', async () => {
    const handler = createWebhookHandler({ provider: chat, secret: SECRET, now: () => NOW });
    handler.on('url_verification', () => {
      throw new Error('boom');
    });
    const outcome = await handler.handle(signed({ type: 'url_verification', challenge: 'c' }));
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error' });
    expect(toHttpResponse(outcome).body).not.toBe('c');
  });

  it('a reply() that throws is a handler error (500), reported to onError, never a rejection', async () => {
    const broken = defineProvider({
      id: 'broken',
      verification: hmac({ header: 'X-Chat-Signature' }),
      events: { ping: object({ type: { literal: 'ping' } }) },
      eventType: () => 'ping',
      reply: () => {
        throw new Error('reply exploded');
      },
    });
    const errors: unknown[] = [];
    const handler = createWebhookHandler({ provider: broken, secret: SECRET, now: () => NOW }).onError((error) => void errors.push(error));
    const text = '{"type":"ping"}';
    const outcome = await handler.handle({
      method: 'POST',
      headers: signRequest(broken, { secret: SECRET, body: text, now: NOW }),
      rawBody: encoder.encode(text),
    });
    expect(outcome).toMatchObject({ status: 500, kind: 'handler_error', message: 'reply() threw: reply exploded' });
    expect(errors).toHaveLength(1);
  });

  it('a reply may set its own status', () => {
    expect(toHttpResponse({ status: 200, kind: 'handled', reply: { status: 204, body: '' } })).toEqual({
      status: 204,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '',
    });
  });

  it('eventId and reply are typed by the provider’s events (no casts)', () => {
    type Payload = { type: 'url_verification'; challenge: string } | { type: 'message'; id: string; text: string };
    defineProvider({
      id: 'typed',
      verification: hmac({ header: 'X' }),
      events: {
        url_verification: object({ type: { literal: 'url_verification' }, challenge: 'string' }),
        message: object({ type: { literal: 'message' }, id: 'string', text: 'string' }),
      },
      eventType: () => 'message',
      eventId: (payload, request) => {
        expectTypeOf(payload).toEqualTypeOf<Payload>();
        expectTypeOf(request).toEqualTypeOf<WebhookRequest>();
        return payload.type === 'message' ? payload.id : undefined;
      },
      reply: (event) => {
        if (event.event === 'url_verification') expectTypeOf(event.payload.challenge).toBeString();
        return undefined;
      },
    });
  });
});

describe('provider probe (an unsigned endpoint check)', () => {
  const probing = defineProvider({
    id: 'probing',
    verification: hmac({ header: 'X-Chat-Signature' }),
    events: { message: object({ type: { literal: 'message' }, id: 'string', text: 'string' }) },
    eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
    probe: (request) => (new TextDecoder().decode(request.rawBody) === 'check=1' ? { body: '' } : undefined),
  });
  const unsigned = (body: string): WebhookRequest => ({ method: 'POST', path: '/p', headers: { 'content-type': 'text/plain' }, rawBody: encoder.encode(body) });

  it('is answered with its reply before verification: not recorded, not dispatched', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: probing, secret: SECRET, store, now: () => NOW });
    const seen: unknown[] = [];
    handler.onAny((event) => void seen.push(event));
    const outcome = await handler.handle(unsigned('check=1'));
    expect(outcome).toEqual({ status: 200, kind: 'probe', reply: { body: '' } });
    expect(toHttpResponse(outcome)).toEqual({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '' });
    expect(seen).toEqual([]);
    expect((await store.list()).items).toEqual([]);
    // Anything else still needs a signature, and is recorded as usual.
    expect(await handler.handle(unsigned('check=2'))).toMatchObject({ status: 401, kind: 'rejected_signature' });
    expect((await store.list()).items).toHaveLength(1);
  });

  it('a body over maxBodyBytes is refused before the probe runs; a probe that throws is a 500', async () => {
    const small = createWebhookHandler({ provider: probing, secret: SECRET, maxBodyBytes: 3, now: () => NOW });
    expect(await small.handle(unsigned('check=1'))).toMatchObject({ status: 413, kind: 'too_large' });
    const throwing = defineProvider({
      ...{ id: 'throwing', verification: hmac({ header: 'X-Chat-Signature' }) },
      events: { message: object({ type: { literal: 'message' } }) },
      eventType: () => 'message',
      probe: () => {
        throw new Error('probe bug');
      },
    });
    const handler = createWebhookHandler({ provider: throwing, secret: SECRET, now: () => NOW });
    expect(await handler.handle(unsigned('check=1'))).toMatchObject({ status: 500, kind: 'handler_error', message: 'probe() threw: probe bug' });
  });
});
