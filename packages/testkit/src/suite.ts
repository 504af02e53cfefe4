/**
 * The adapter conformance suite: the same real-HTTP assertions for every adapter. An adapter's
 * test passes a `start` function that serves the gateway on 127.0.0.1:0 the way users mount it.
 */
import { Agent, type IncomingMessage, type Server } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { Gateway, MemoryStore } from '@hookgate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_MAX_BODY_BYTES, SECRET, abortedUpload, createConformanceGateway, nextId, rawRequest, signedAcme, type Delivery, type PresetKit } from './kit.js';
import { providerCases } from './provider-cases.js';

export interface ConformanceServer {
  /**
   * The Node server underneath, when the gateway runs in this process: enables the assertions
   * about what reached listeners and the aborted-upload test. Absent for a server in another
   * process (`next start`), which gets its own gateway from `createConformanceGateway()`.
   */
  server?: Server;
  /** URL of the endpoint serving gateway route `providerId`. */
  url(providerId: string): string;
  close(): Promise<void>;
}

const paid = () => ({ type: 'order.paid', id: nextId(), amount: '42' });

/** Options of {@link describeConformance}. */
export interface ConformanceOptions {
  /** `false` for a server in another process: skips what needs the gateway in this process. */
  inProcess?: boolean;
  /**
   * Also serve these providers and send every one of their cases, plus a tampered copy of each
   * route's first handled case (401). A server in another process must build its gateway with
   * `createConformanceGateway({ presets })` using the same kit's handlers.
   */
  presets?: PresetKit;
}

/**
 * Registers the suite. `start` serves the given gateway (or, for a server in another process, one
 * built the same way by `createConformanceGateway()`).
 */
export function describeConformance(name: string, start: (gateway: Gateway) => Promise<ConformanceServer>, options: ConformanceOptions = {}): void {
  describe(name, () => {
    let app: ConformanceServer;
    let dispatched: string[];
    let store: MemoryStore;
    beforeAll(async () => {
      const conformance = createConformanceGateway({ presets: options.presets });
      dispatched = conformance.dispatched;
      store = conformance.store;
      app = await start(conformance.gateway);
    });
    afterAll(() => app?.close());

    /** How many deliveries reached a listener, when the gateway runs in this process. */
    const dispatchedCount = (): number | undefined => (app.server ? dispatched.length : undefined);
    const plus = (count: number | undefined, more: number) => (count === undefined ? undefined : count + more);

    async function post(providerId: string, delivery: Delivery): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }> {
      const response = await fetch(app.url(providerId), { method: 'POST', headers: delivery.headers, body: delivery.body });
      const text = await response.text();
      return { status: response.status, json: JSON.parse(text) as Record<string, unknown>, text, headers: response.headers };
    }

    it('answers 200 handled for a signed delivery and dispatches it once', async () => {
      const before = dispatchedCount();
      const { status, json } = await post('acme', signedAcme(paid()));
      expect(status).toBe(200);
      expect(json).toMatchObject({ ok: true, kind: 'handled', deliveryId: expect.any(String) });
      expect(dispatchedCount()).toBe(plus(before, 1));
    });

    it('answers 200 duplicate for a redelivery, without dispatching it again', async () => {
      const delivery = signedAcme(paid());
      const first = await post('acme', delivery);
      const before = dispatchedCount();
      const again = await post('acme', delivery);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ ok: true, kind: 'duplicate' });
      expect(again.json.deliveryId).not.toBe(first.json.deliveryId);
      expect(dispatchedCount()).toBe(before);
    });

    it('answers 409 in_progress with Retry-After to a copy sent while the first attempt still runs, then handles the event once', async () => {
      const id = nextId();
      const delivery = signedAcme({ type: 'order.hold', id });
      // Two copies at once: one claims the event and waits in its listener, the other is refused.
      const attempts = [post('acme', delivery), post('acme', delivery)];
      const refused = await Promise.race(attempts);
      expect(refused.status).toBe(409);
      expect(refused.json).toEqual({ ok: false, kind: 'in_progress', reason: 'in_progress', deliveryId: expect.any(String) });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${refused.headers.get('retry-after')}`).toBe(true);

      const release = await post('acme', signedAcme({ type: 'order.release', id: nextId(), holds: id }));
      expect(release.status).toBe(200);
      const [a, b] = await Promise.all(attempts);
      const handled = [a!, b!].find((response) => response !== refused)!;
      expect(handled.status).toBe(200);
      expect(handled.json).toMatchObject({ ok: true, kind: 'handled' });
      expect(handled.headers.get('retry-after')).toBeNull();
      // Completed now, so a later copy is a plain duplicate.
      const again = await post('acme', delivery);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ ok: true, kind: 'duplicate' });
    });

    it('answers 401 for a tampered body without echoing the signature or secret', async () => {
      const delivery = signedAcme(paid(), { tamper: true });
      const { status, json, text } = await post('acme', delivery);
      expect(status).toBe(401);
      expect(json).toEqual({ ok: false, kind: 'rejected_signature', reason: 'signature_mismatch', deliveryId: expect.any(String) });
      expect(text).not.toContain(delivery.headers['x-acme-signature']!.slice(7, 27));
      expect(text).not.toContain(SECRET);
    });

    it('answers 202 for a verified but unknown event type', async () => {
      const { status, json } = await post('acme', signedAcme({ type: 'order.refunded', id: nextId() }));
      expect(status).toBe(202);
      expect(json).toMatchObject({ ok: true, kind: 'unknown_event', reason: 'unknown_event_type' });
    });

    it('answers 400 for a known event that fails its schema', async () => {
      const { status, json } = await post('acme', signedAcme({ type: 'order.paid', id: nextId() }));
      expect(status).toBe(400);
      expect(json).toMatchObject({ ok: false, kind: 'invalid_payload', reason: 'schema_mismatch' });
    });

    it('answers 415 unsupported_encoding with Accept-Encoding: identity for a gzip body, without dispatching or recording', async () => {
      const before = dispatchedCount();
      const recorded = app.server ? store.size : undefined;
      const delivery = signedAcme(paid());
      const response = await fetch(app.url('acme'), {
        method: 'POST',
        headers: { ...delivery.headers, 'content-encoding': 'gzip' },
        body: gzipSync(delivery.body),
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({ ok: false, kind: 'unsupported_encoding', reason: 'unsupported_encoding' });
      expect(response.headers.get('accept-encoding')).toBe('identity');
      expect(dispatchedCount()).toBe(before);
      if (recorded !== undefined) expect(store.size).toBe(recorded);
      // identity is no encoding at all: handled as usual.
      const plain = await post('acme', { ...delivery, headers: { ...delivery.headers, 'content-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.json).toMatchObject({ ok: true, kind: 'handled' });
    });

    it('answers 413 for a declared Content-Length over the limit, without dispatching', async () => {
      const before = dispatchedCount();
      const big = signedAcme({ ...paid(), pad: 'x'.repeat(ACME_MAX_BODY_BYTES) });
      const { status, json } = await post('acme', big);
      expect(status).toBe(413);
      expect(json).toMatchObject({ ok: false, kind: 'too_large' });
      expect(dispatchedCount()).toBe(before);
    });

    it('answers 413 for a chunked body that grows over the limit', async () => {
      const big = signedAcme({ ...paid(), pad: 'x'.repeat(ACME_MAX_BODY_BYTES) });
      const half = big.body.length >> 1;
      const response = await rawRequest(app.url('acme'), { headers: big.headers, chunks: [big.body.slice(0, half), big.body.slice(half)] });
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ kind: 'too_large' });
    });

    it('answers 500 when a listener throws', async () => {
      const { status, json } = await post('acme', signedAcme({ type: 'order.explode', id: nextId() }));
      expect(status).toBe(500);
      expect(json).toMatchObject({ ok: false, kind: 'handler_error' });
    });

    it('answers 503 when the store rejects, without dispatching', async () => {
      const before = dispatchedCount();
      const { status, json } = await post('offline', signedAcme(paid()));
      expect(status).toBe(503);
      expect(json).toMatchObject({ ok: false, kind: 'store_unavailable' });
      expect(dispatchedCount()).toBe(before);
    });

    it('answers 404 for a provider the gateway does not serve', async () => {
      const { status, json } = await post('nope', signedAcme(paid()));
      expect(status).toBe(404);
      expect(json).toMatchObject({ ok: false, kind: 'unknown_provider' });
    });

    it.each(['GET', 'HEAD'])('answers 405 with Allow: POST to %s', async (method) => {
      const response = await fetch(app.url('acme'), { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it('closes the connection after a 404 or 405 answered without reading the body (a Node server in this process)', async () => {
      const delivery = signedAcme(paid());
      const headers = { ...delivery.headers, 'content-length': String(delivery.body.length) };
      const unknown = await rawRequest(app.url('nope'), { headers, chunks: [delivery.body] });
      const put = await rawRequest(app.url('acme'), { method: 'PUT', headers, chunks: [delivery.body] });
      expect([unknown.status, put.status]).toEqual([404, 405]);
      // Other runtimes (workerd, `next start`) own their connections and may drop the header.
      if (app.server) expect([unknown.headers.connection, put.headers.connection]).toEqual(['close', 'close']);
    });

    it('reads a chunked body (no Content-Length)', async () => {
      const delivery = signedAcme(paid());
      const response = await rawRequest(app.url('acme'), { headers: delivery.headers, chunks: [delivery.body.slice(0, 5), delivery.body.slice(5)] });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ kind: 'handled' });
    });

    it('reads a body sent without a Content-Type', async () => {
      const delivery = signedAcme(paid(), { contentType: null });
      expect(delivery.headers['content-type']).toBeUndefined();
      const { status } = await post('acme', delivery);
      expect(status).toBe(200);
    });

    it('reads a body with a non-JSON Content-Type', async () => {
      const { status } = await post('acme', signedAcme(paid(), { contentType: 'text/plain' }));
      expect(status).toBe(200);
    });

    it.each(['', 'json', 'application/', 'application/json, text/plain', 'application/json; charset'])(
      'reads a body whose Content-Type is malformed (%j) and records the header as sent',
      async (contentType) => {
        const delivery = signedAcme(paid(), { contentType });
        const response = await rawRequest(app.url('acme'), { headers: delivery.headers, chunks: [delivery.body] });
        expect(response.status, response.body).toBe(200);
        const { kind, deliveryId } = JSON.parse(response.body) as { kind: string; deliveryId: string };
        expect(kind).toBe('handled');
        if (app.server) expect((await store.get(deliveryId))?.headers['content-type']).toBe(contentType);
      },
    );

    it('keeps a body that starts with a UTF-8 byte-order mark exactly as received', async () => {
      const delivery = signedAcme(`\ufeff${JSON.stringify(paid())}`);
      const response = await rawRequest(app.url('acme'), { headers: delivery.headers, chunks: [delivery.body] });
      expect(response.status, response.body).toBe(200);
      const { deliveryId } = JSON.parse(response.body) as { deliveryId: string };
      if (app.server) expect((await store.get(deliveryId))?.body).toBe(delivery.body);
    });

    it('serves consecutive deliveries over one keep-alive connection', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const statuses: number[] = [];
        const reused: boolean[] = [];
        for (let index = 0; index < 3; index++) {
          const delivery = signedAcme(paid());
          const response = await rawRequest(app.url('acme'), {
            agent,
            headers: { ...delivery.headers, 'content-length': String(delivery.body.length) },
            chunks: [delivery.body],
          });
          statuses.push(response.status);
          reused.push(response.reusedSocket);
        }
        expect(statuses).toEqual([200, 200, 200]);
        expect(reused).toEqual([false, true, true]);
      } finally {
        agent.destroy();
      }
    });

    it.each(providerCases().map((entry) => [entry.name, entry] as const))('answers a signed %s as its fixture expects', async (_name, entry) => {
      const { status, json } = await post(entry.providerId, entry.delivery);
      expect({ status, kind: json.kind, reason: json.reason }).toEqual({ status: entry.status, kind: entry.kind, reason: entry.reason });
    });

    it.each(['pylon', 'webhooks-b'])('answers 401 for a tampered %s delivery', async (providerId) => {
      const valid = providerCases().find((entry) => entry.providerId === providerId && entry.kind === 'handled')!;
      const { status, json } = await post(providerId, { ...valid.delivery, body: valid.delivery.body.replace('"', '{"extra":1,"') });
      expect(status).toBe(401);
      expect(json).toMatchObject({ ok: false, kind: 'rejected_signature' });
    });

    const presetCases = options.presets?.cases?.() ?? [];
    if (presetCases.length > 0) {
      it.each(presetCases.map((entry) => [entry.name, entry] as const))('answers a signed %s as its fixture expects', async (_name, entry) => {
        const { status, json } = await post(entry.providerId, entry.delivery);
        expect({ status, kind: json.kind, reason: json.reason }).toEqual({ status: entry.status, kind: entry.kind, reason: entry.reason });
      });

      const routes = [...new Set(presetCases.map((entry) => entry.providerId))];
      it.each(routes)('answers 401 for a tampered %s delivery', async (providerId) => {
        const valid = presetCases.find((entry) => entry.providerId === providerId && entry.kind === 'handled')!;
        const { status, json } = await post(providerId, { ...valid.delivery, body: valid.delivery.body.replace('{', '{"extra":1,') });
        expect(status).toBe(401);
        expect(json).toMatchObject({ ok: false, kind: 'rejected_signature', reason: 'signature_mismatch' });
      });
    }

    if (options.inProcess === false) return;
    it('never calls a handler for an aborted upload', async () => {
      const before = dispatchedCount();
      const recorded = store.size;
      let received!: () => void;
      const requestSeen = new Promise<void>((resolve) => (received = resolve));
      const requestClosed = new Promise<void>((resolve) => {
        app.server!.once('request', (req: IncomingMessage) => {
          req.once('close', () => resolve());
          received();
        });
      });
      await abortedUpload(app.url('acme'), signedAcme(paid()), requestSeen);
      await requestClosed;
      await nextTurn(); // let any (wrongly) resolved body read reach the handler
      expect(dispatchedCount()).toBe(before);
      expect(store.size).toBe(recorded);
    });
  });
}
