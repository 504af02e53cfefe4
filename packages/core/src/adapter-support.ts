import { HookgateError } from './errors.js';
import { unknownProvider, type GatewayRouter } from './gateway.js';
import type { WebhookEndpoint } from './handler.js';
import { outcomeResponseBody, refusal, type HandleOutcome } from './outcome.js';
import type { HeadersInput } from './request.js';

/** What an adapter accepts: one handler (fixed provider) or a gateway (provider from the route). */
export type WebhookTarget = WebhookEndpoint | GatewayRouter;

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
): { handler: WebhookEndpoint } | { outcome: HandleOutcome } {
  if (!isGateway(target)) return { handler: target };
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
export function isGateway(target: WebhookTarget): target is GatewayRouter {
  return (target as GatewayRouter).kind === 'gateway';
}

/** A framework-neutral HTTP answer. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The HTTP answer for an outcome: status from the contract table and the JSON body
 * `{ ok, kind, reason?, deliveryId? }`; a `Retry-After` header (seconds) when the outcome says
 * when to come back (409 `in_progress`). A 2xx outcome carrying a provider `reply` (Slack's
 * challenge echo) is answered with that reply instead.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toHttpResponse(outcome);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function toHttpResponse(outcome: HandleOutcome): HttpResponse {
  if (outcome.reply !== undefined && outcome.status < 300) {
    const { reply } = outcome;
    return {
      status: reply.status ?? outcome.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
      body: reply.body,
    };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // The sender may still be uploading a body we refused: close rather than drain it.
  if (outcome.kind === 'too_large') headers.connection = 'close';
  // RFC 9110 §15.5.16: a 415 caused by a content coding says which codings are accepted.
  if (outcome.kind === 'unsupported_encoding') headers['accept-encoding'] = 'identity';
  if (outcome.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(outcome.retryAfterSeconds)));
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
  /** Set by a body parser that ran first (`express.json()`, `express.raw()`, Next's `bodyParser`). */
  readonly body?: unknown;
  /** Bytes a body parser's `verify` callback kept (`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`). */
  readonly rawBody?: unknown;
  /** body-parser's "this request was parsed" flag. */
  readonly _body?: unknown;
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
 * discarded). An aborted request resolves `aborted`, so no handler runs for half a body. When a
 * body parser ran first, the bytes it kept are used (`req.rawBody` from a `verify` callback, or a
 * Buffer `req.body` from `express.raw()`); a stream it consumed without keeping them resolves
 * `consumed` instead of hanging.
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
  const kept = keptRawBody(source);
  if (kept) return Promise.resolve(kept.byteLength > maxBytes ? tooLarge(String(kept.byteLength)) : { ok: true, body: kept });
  const declared = Number(source.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    source.resume();
    return Promise.resolve(tooLarge(String(declared)));
  }
  // body-parser 1.x sets `req.body = {}` without reading a body it does not parse, so only a
  // finished stream (or its own `_body` flag) means the bytes are gone.
  if (source.readableEnded || source._body === true) {
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

/** The raw bytes a body parser kept for us, if any. */
function keptRawBody(source: NodeBodySource): Uint8Array | undefined {
  if (source.rawBody instanceof Uint8Array) return source.rawBody;
  if (typeof source.rawBody === 'string') return Buffer.from(source.rawBody, 'utf8');
  if (source.body instanceof Uint8Array) return source.body;
  return undefined;
}

/**
 * The gateway route id in a URL or path: its last non-empty segment, percent-decoded
 * (`/webhooks/pylon/?x=1` → `pylon`). Undefined for `/`.
 *
 * @example
 * ```ts
 * resolveTarget(gateway, providerIdFromPath(new URL(request.url).pathname));
 * ```
 */
export function providerIdFromPath(path: string): string | undefined {
  const segments = stripQuery(path).split('/');
  for (let index = segments.length - 1; index >= 0; index--) {
    const segment = segments[index];
    if (!segment) continue;
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return undefined;
}

/**
 * The 500 answer when a body parser consumed the request before the adapter could read the raw
 * bytes (which the signature covers). `message` should say how to fix the mounting order; it is
 * returned to the caller because it is a deployment mistake, not something about the sender.
 *
 * @example
 * ```ts
 * send(rawBodyUnavailable('Mount the webhook route before express.json().'));
 * ```
 */
export function rawBodyUnavailable(message: string): HttpResponse {
  return {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ok: false, kind: 'raw_body_unavailable', reason: 'raw_body_unavailable', message }),
  };
}

/** A Node request as {@link createNodeListener} reads it (`IncomingMessage` satisfies it). */
export interface NodeRequest extends NodeBodySource {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** Its `remoteAddress` becomes the request's `peerAddress`. */
  readonly socket?: { readonly remoteAddress?: string | undefined } | null | undefined;
}

/** A Node response as {@link createNodeListener} writes it (`ServerResponse` satisfies it). */
export interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
  destroy(error?: Error): unknown;
}

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /**
   * How to keep the raw bytes in this framework, appended to the 500 answer and the log line
   * when a body parser consumed the request first.
   */
  rawBodyHint: string;
  /** Where the one-time diagnostic goes. Default `console.error`. */
  log?: ((message: string) => void) | undefined;
  /** A body limit below the handler's own `maxBodyBytes` (which always applies). */
  maxBodyBytes?: number | undefined;
}

/** Per-request routing facts only the framework knows. */
export interface NodeRoute {
  /** Gateway route id from the framework's router (`req.params.provider`); else the last segment of `routePath`. */
  providerId?: string | undefined;
  /** Path the provider id is taken from when `providerId` is absent. Default: `path`. */
  routePath?: string | undefined;
  /** Path as the sender addressed it, without query (signed-message templates may read it). Default: `req.url`. */
  path?: string | undefined;
  /**
   * The headers to hand to the handler (and record) when the framework added some of its own to
   * `req.headers` (Next.js adds `x-forwarded-*`). Default: `req.headers`.
   */
  headers?: HeadersInput | undefined;
}

/**
 * The request/response loop every Node-based adapter shares: 405 for anything but POST, route to
 * a handler (404 for an unknown provider, body unread), read the raw body within the handler's
 * limit (413), call `handle()` and write the outcome. An aborted request never reaches a handler.
 * The raw-body diagnostic is logged once per listener. Resolves to the outcome written, if any;
 * never rejects.
 *
 * @throws {HookgateError} `invalid_config` for a `maxBodyBytes` that is not a positive integer.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const listener = createNodeListener(gateway, { rawBodyHint: 'Do not parse the body before Hookgate.' });
 * createServer((req, res) => void listener(req, res)).listen(3000);
 * ```
 */
export function createNodeListener(
  target: WebhookTarget,
  options: NodeListenerOptions,
): (req: NodeRequest, res: NodeResponse, route?: NodeRoute) => Promise<HandleOutcome | undefined> {
  const limit = options.maxBodyBytes;
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new HookgateError('invalid_config', `maxBodyBytes must be a positive integer, got ${String(limit)}.`);
  }
  const log = options.log ?? ((message: string) => console.error(message));
  let warned = false;
  return async (req, res, route = {}) => {
    if (req.method !== 'POST') return void send(res, methodNotAllowed());
    const path = route.path ?? stripQuery(req.url ?? '/');
    const resolved = resolveTarget(target, route.providerId ?? providerIdFromPath(route.routePath ?? path));
    if ('outcome' in resolved) return answer(res, resolved.outcome);
    const read = await readNodeBody(req, Math.min(resolved.handler.maxBodyBytes, limit ?? Infinity));
    if (!read.ok) {
      if (read.reason === 'too_large') return answer(res, read.outcome);
      if (read.reason === 'aborted') return void res.destroy();
      const message = `Hookgate: ${read.message}, so the raw bytes the signature covers are gone. ${options.rawBodyHint}`;
      if (!warned) {
        warned = true;
        log(message);
      }
      return void send(res, rawBodyUnavailable(message));
    }
    const outcome = await resolved.handler.handle({
      method: req.method,
      path,
      headers: route.headers ?? req.headers,
      rawBody: read.body,
      peerAddress: req.socket?.remoteAddress,
    });
    return answer(res, outcome);
  };
}

function send(res: NodeResponse, response: HttpResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

function answer(res: NodeResponse, outcome: HandleOutcome): HandleOutcome {
  send(res, toHttpResponse(outcome));
  return outcome;
}

function stripQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query === -1 ? url : url.slice(0, query);
}
