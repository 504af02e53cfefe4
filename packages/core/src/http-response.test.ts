import { describe, expect, it } from 'vitest';
import { SECRET, shop } from '../test/helpers.js';
import { isGateway } from './adapter-routing.js';
import { methodNotAllowed, toHttpResponse } from './http-response.js';
import { createGateway } from './gateway.js';
import { createWebhookHandler } from './handler.js';

describe('toHttpResponse()', () => {
  it('status from the outcome, JSON body without message or payload', () => {
    const response = toHttpResponse({ status: 401, kind: 'rejected_signature', reason: 'signature_mismatch', message: 'detail', deliveryId: 'd1' });
    expect(response).toEqual({
      status: 401,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"ok":false,"kind":"rejected_signature","reason":"signature_mismatch","deliveryId":"d1"}',
    });
  });

  it('413 and 404 (no handler at this route) close the connection instead of draining an unwanted upload', () => {
    expect(toHttpResponse({ status: 413, kind: 'too_large', reason: 'too_large' }).headers.connection).toBe('close');
    expect(toHttpResponse({ status: 404, kind: 'unknown_provider', reason: 'unknown_provider' }).headers.connection).toBe('close');
    expect(toHttpResponse({ status: 401, kind: 'rejected_signature', reason: 'signature_mismatch' }).headers).not.toHaveProperty('connection');
    expect(toHttpResponse({ status: 200, kind: 'handled' }).headers).not.toHaveProperty('connection');
  });

  it('409 in_progress carries Retry-After in whole seconds, at least 1', () => {
    const outcome = { status: 409, kind: 'in_progress', reason: 'in_progress', deliveryId: 'd2', retryAfterSeconds: 42 } as const;
    expect(toHttpResponse(outcome)).toEqual({
      status: 409,
      headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '42' },
      body: '{"ok":false,"kind":"in_progress","reason":"in_progress","deliveryId":"d2"}',
    });
    expect(toHttpResponse({ ...outcome, retryAfterSeconds: 0.2 }).headers['retry-after']).toBe('1');
    expect(toHttpResponse({ ...outcome, retryAfterSeconds: 2.1 }).headers['retry-after']).toBe('3');
    expect(toHttpResponse({ status: 200, kind: 'handled' }).headers).not.toHaveProperty('retry-after');
  });
});

describe('methodNotAllowed()', () => {
  it('405 with Allow: POST', () => {
    const response = methodNotAllowed();
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.headers.connection).toBe('close'); // answered without reading any body it carries
    expect(JSON.parse(response.body)).toEqual({ ok: false, kind: 'method_not_allowed', reason: 'method_not_allowed' });
  });
});

describe('isGateway()', () => {
  it('tells gateways from handlers', () => {
    const handler = createWebhookHandler({ provider: shop, secret: SECRET });
    expect(isGateway(handler)).toBe(false);
    expect(isGateway(createGateway({ handlers: { shop: handler } }))).toBe(true);
  });
});
