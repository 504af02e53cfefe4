import { unknownProvider, type Gateway } from './gateway.js';
import type { WebhookHandler } from './handler.js';
import { outcomeResponseBody, refusal, type HandleOutcome } from './outcome.js';
import type { EventMap } from './results.js';

/** What an adapter accepts: one handler (fixed provider) or a gateway (provider from the route). */
export type WebhookTarget = WebhookHandler<any> | Gateway<any>;

/**
 * Finds the handler an adapter should call. For a gateway, `providerId` comes from the route;
 * unknown ids give the 404 outcome (answered without reading the body).
 *
 * @example
 * ```ts
 * const route = resolveTarget(gateway, req.params.provider);
 * if ('outcome' in route) return send(route.outcome);
 * const outcome = await route.handler.handle(request);
 * ```
 */
export function resolveTarget(
  target: WebhookTarget,
  providerId?: string,
): { handler: WebhookHandler<EventMap> } | { outcome: HandleOutcome } {
  if (!isGateway(target)) return { handler: target as WebhookHandler<EventMap> };
  const handler = providerId ? target.handler(providerId) : undefined;
  return handler ? { handler } : { outcome: unknownProvider(providerId ?? '') };
}

/**
 * True for a value made by `createGateway()`.
 *
 * @example
 * ```ts
 * isGateway(createGateway({ handlers: { pylon: handler } })); // true
 * ```
 */
export function isGateway(target: WebhookTarget): target is Gateway<any> {
  return (target as Gateway).kind === 'gateway';
}

/** A framework-neutral HTTP answer. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The HTTP answer for an outcome: status from the contract table and the JSON body
 * `{ ok, kind, reason?, deliveryId? }`.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toHttpResponse(outcome);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function toHttpResponse(outcome: HandleOutcome): HttpResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // The sender may still be uploading a body we refused: close rather than drain it.
  if (outcome.kind === 'too_large') headers.connection = 'close';
  return { status: outcome.status, headers, body: JSON.stringify(outcomeResponseBody(outcome)) };
}

/**
 * The 405 answer for anything but POST on a webhook endpoint.
 *
 * @example
 * ```ts
 * if (req.method !== 'POST') return send(methodNotAllowed());
 * ```
 */
export function methodNotAllowed(): HttpResponse {
  return {
    status: 405,
    headers: { allow: 'POST', 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ok: false, kind: 'method_not_allowed', reason: 'method_not_allowed' }),
  };
}

/** A Node readable request as adapters see it (IncomingMessage satisfies it). */
export interface NodeBodySource {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly readableEnded?: boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
}

/** Result of {@link readNodeBody}. */
export type ReadBodyResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; reason: 'too_large'; outcome: HandleOutcome }
  | { ok: false; reason: 'aborted' | 'consumed'; message: string };

/**
 * Reads a Node request body up to `maxBytes`. A declared `Content-Length` over the limit is
 * refused before reading; a body that grows past it stops being buffered (the rest is
 * discarded). An aborted request resolves `aborted`, so no handler runs for half a body. A
 * stream someone else already consumed resolves `consumed` instead of hanging.
 *
 * @example
 * ```ts
 * const read = await readNodeBody(req, handler.maxBodyBytes);
 * if (!read.ok) return read.reason === 'too_large' ? send(toHttpResponse(read.outcome)) : res.destroy();
 * ```
 */
export function readNodeBody(source: NodeBodySource, maxBytes: number): Promise<ReadBodyResult> {
  const tooLarge = (size: string): ReadBodyResult => ({
    ok: false,
    reason: 'too_large',
    outcome: refusal('too_large', `body is ${size} bytes; the limit is ${maxBytes}`),
  });
  const declared = Number(source.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    source.resume();
    return Promise.resolve(tooLarge(String(declared)));
  }
  if (source.readableEnded) {
    return Promise.resolve({ ok: false, reason: 'consumed', message: 'the request body stream was already read by another middleware' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: ReadBodyResult): void => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      source.removeListener('error', onError);
      source.removeListener('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        chunks.length = 0;
        settle(tooLarge(`more than ${maxBytes}`));
        source.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = (error: Error): void => settle({ ok: false, reason: 'aborted', message: error.message });
    const onClose = (): void => settle({ ok: false, reason: 'aborted', message: 'the client closed the connection before the body ended' });
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}
