/**
 * The shared adapter conformance kit (no test-runner imports): a gateway whose routes produce
 * every outcome status, signed deliveries for it, and raw HTTP helpers for what `fetch` cannot
 * express (chunked bodies, keep-alive reuse, aborted uploads). Used by all three adapters' tests.
 */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { createGateway, createWebhookHandler, defineProvider, hmac, signRequest, MemoryStore, type Gateway, type StandardSchemaV1 } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';

export const SECRET = 'whsec_conformance_secret';
/** The inline provider's handler refuses bodies above this (so 413 is cheap to provoke). */
export const ACME_MAX_BODY_BYTES = 4096;

/** A hand-written Standard Schema: an object whose `keys` are non-empty strings. */
function objectWith(keys: readonly string[]): StandardSchemaV1<unknown, Record<string, string>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'hookgate-test',
      validate: (value) => {
        const record = value as Record<string, unknown>;
        const missing = keys.filter((key) => typeof record[key] !== 'string' || record[key] === '');
        return missing.length === 0
          ? { value: record as Record<string, string> }
          : { issues: missing.map((key) => ({ message: `${key} must be a non-empty string`, path: [key] })) };
      },
    },
  };
}

/**
 * A small discriminated provider: `order.paid` is handled, `order.explode` makes the listener
 * throw, `order.hold` keeps its listener running until an `order.release` naming it (`holds`)
 * arrives, so a copy can be sent while the first attempt is provably still processing.
 */
export const acme = defineProvider({
  id: 'acme',
  verification: hmac({ header: 'X-Acme-Signature', signature: 'sha256={digest}' }),
  events: {
    'order.paid': objectWith(['id', 'amount']),
    'order.explode': objectWith(['id']),
    'order.hold': objectWith(['id']),
    'order.release': objectWith(['id', 'holds']),
  },
  eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
  eventId: (payload) => (payload as { id?: string }).id,
});

/** Longest an `order.hold` listener waits for its release, so a failed test cannot hang the server. */
export const HOLD_MAX_MS = 10_000;

/** A store that went away: a closed `MemoryStore` rejects every call (handlers answer 503). */
export function unavailableStore(): MemoryStore {
  const store = new MemoryStore();
  void store.close();
  return store;
}

export interface ConformanceGateway {
  gateway: Gateway;
  /** The gateway's store: every delivery the handlers saw, recorded. */
  store: MemoryStore;
  /** Ids of deliveries that reached a listener, in order. */
  dispatched: string[];
}

/**
 * Routes: `acme` (handled / 401 / 202 / 400 / 409 / 413 / 500), `offline` (same provider, store down → 503),
 * and the real providers `pylon` and `webhooks-b` for their fixtures.
 *
 * @example
 * ```ts
 * const { gateway, dispatched } = createConformanceGateway();
 * ```
 */
export function createConformanceGateway(): ConformanceGateway {
  const dispatched: string[] = [];
  const record = (_event: unknown, context: { deliveryId: string }) => void dispatched.push(context.deliveryId);
  const handler = createWebhookHandler({ provider: acme, secret: SECRET, maxBodyBytes: ACME_MAX_BODY_BYTES });
  const held = new Map<string, () => void>();
  handler.onAny(async (event, context) => {
    dispatched.push(context.deliveryId);
    const payload = event.payload as Record<string, string>;
    if (event.event === 'order.explode') throw new Error('listener failed on purpose');
    if (event.event === 'order.release') held.get(payload.holds!)?.();
    if (event.event === 'order.hold') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HOLD_MAX_MS);
        held.set(payload.id!, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      held.delete(payload.id!);
    }
  });
  const offline = createWebhookHandler({ provider: acme, secret: SECRET, store: unavailableStore() }).onAny(record);
  const pylonHandler = createWebhookHandler({ provider: pylon(), secret: SECRET }).onAny(record);
  const webhooksBHandler = createWebhookHandler({ provider: webhooksB(), secret: SECRET }).onAny(record);
  const store = new MemoryStore();
  const gateway = createGateway({
    handlers: { acme: handler, offline, pylon: pylonHandler, 'webhooks-b': webhooksBHandler },
    store,
  }) as unknown as Gateway;
  return { gateway, store, dispatched };
}

let sequence = 0;
/** A unique order id, so the dedupe store never turns a test's delivery into a duplicate. */
export function nextId(): string {
  return `ord_${process.pid}_${++sequence}`;
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * A delivery signed as the sender would sign it. `tamper` changes the body after signing.
 *
 * @example
 * ```ts
 * const { body, headers } = signedAcme({ type: 'order.paid', id: nextId(), amount: '10' });
 * ```
 */
export function signedAcme(payload: unknown, options: { tamper?: boolean; contentType?: string | null } = {}): Delivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers = lowerCaseNames(signRequest(acme, { secret: SECRET, body }));
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  return { body: options.tamper ? body.replace('"amount":"', '"amount":"9') : body, headers };
}

/** Header names in lower case, as Node hands them to servers (easier assertions). */
export function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

/**
 * Sends a request with node:http: `chunks` are written one by one without a Content-Length
 * (chunked transfer encoding) unless `headers` declares one.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: readonly string[]; agent?: Agent },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: options.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, reusedSocket: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

/**
 * Starts an upload that declares more bytes than it sends and, once `received` resolves (the
 * server has the request), closes the connection: the server sees an aborted request.
 */
export function abortedUpload(url: string, delivery: Delivery, received: Promise<unknown>): Promise<void> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      const head = [`POST ${pathname} HTTP/1.1`, `Host: ${hostname}:${port}`, `Content-Length: ${delivery.body.length + 100}`];
      for (const [name, value] of Object.entries(delivery.headers)) head.push(`${name}: ${value}`);
      socket.write(`${head.join('\r\n')}\r\n\r\n${delivery.body}`);
      void received.then(() => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}
