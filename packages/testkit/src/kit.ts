/**
 * The shared adapter conformance kit (no test-runner imports): a gateway whose routes produce
 * every outcome status, signed deliveries for it, and raw HTTP helpers for what `fetch` cannot
 * express (chunked bodies, keep-alive reuse, aborted uploads). Used by all three adapters' tests.
 */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { signRequest } from '@hookgate/core';
import { SECRET, acme } from './conformance-gateway.js';

// The gateway itself loads on any runtime (Bun, Deno, workerd serve it): it lives in its own module.
export * from './conformance-gateway.js';

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
