// The Fetch entry point: `(request: Request) => Promise<Response>` for Bun, Deno, Cloudflare
// Workers, Hono, the Next.js Edge runtime and anything else built on Web standards.
import { providerIdFromPath, resolveTarget, type WebhookTarget } from './adapter-routing.js';
import { HookgateError } from './errors.js';
import { methodNotAllowed, rawBodyUnavailable, toHttpResponse, type HttpResponse } from './http-response.js';
import type { HeadersInput } from './request.js';
import { readWebBody } from './web-body.js';

/**
 * Options of {@link createFetchHandler} and `createFetchListener()`.
 *
 * @example
 * ```ts
 * const options: FetchHandlerOptions = { maxBodyBytes: 256 * 1024 };
 * ```
 */
export interface FetchHandlerOptions {
  /** A body limit below the handler's own `maxBodyBytes` (which always applies). */
  maxBodyBytes?: number | undefined;
  /**
   * How to keep the raw bytes in this framework, appended to the 500 answer and the log line
   * when something read the body before Hookgate. Default: a generic hint.
   */
  rawBodyHint?: string | undefined;
  /** Where the one-time diagnostic goes. Default `console.error`. */
  log?: ((message: string) => void) | undefined;
}

/**
 * Per-request routing facts only a framework knows (see `createFetchListener()`).
 *
 * @example
 * ```ts
 * await listener(request, { providerId: c.req.param('provider') });
 * ```
 */
export interface FetchRoute {
  /** Gateway route id from the framework's router; else the last segment of `path`. */
  providerId?: string | undefined;
  /** Path as the sender addressed it, without query. Default: the request URL's path. */
  path?: string | undefined;
  /** Headers to hand to the handler (and record). Default: `request.headers`. */
  headers?: HeadersInput | undefined;
  /** The TCP peer, when the runtime tells it (Deno's `info.remoteAddr`, Bun's `server.requestIP`). */
  peerAddress?: string | undefined;
}

/**
 * The Fetch request/response loop with framework routing facts: what adapters on Web standards
 * (Hono, Next.js) are built from. Applications use {@link createFetchHandler}.
 *
 * @throws {HookgateError} `invalid_config` for a `maxBodyBytes` that is not a positive integer.
 * @example
 * ```ts
 * const listener = createFetchListener(gateway);
 * const response = await listener(request, { providerId: 'pylon' });
 * ```
 */
export function createFetchListener(target: WebhookTarget, options: FetchHandlerOptions = {}): (request: Request, route?: FetchRoute) => Promise<Response> {
  const limit = options.maxBodyBytes;
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new HookgateError('invalid_config', `maxBodyBytes must be a positive integer, got ${String(limit)}.`);
  }
  const hint = options.rawBodyHint ?? 'Give Hookgate the request before anything reads its body (request.text(), request.json(), a body parser).';
  const log = options.log ?? ((message: string) => console.error(message));
  let warned = false;
  return async (request, route = {}) => {
    if (request.method !== 'POST') return toFetchResponse(methodNotAllowed());
    const path = route.path ?? new URL(request.url).pathname;
    const resolved = resolveTarget(target, route.providerId ?? providerIdFromPath(path));
    if ('outcome' in resolved) return toFetchResponse(toHttpResponse(resolved.outcome));
    const read = await readWebBody(request, Math.min(resolved.handler.maxBodyBytes, limit ?? Number.POSITIVE_INFINITY));
    if (!read.ok) {
      if (read.reason === 'too_large') return toFetchResponse(toHttpResponse(read.outcome));
      // The sender is gone: answer something, but never run a handler on half a body.
      if (read.reason === 'aborted') return new Response(null, { status: 400 });
      const message = `Hookgate: ${read.message}, so the raw bytes the signature covers are gone. ${hint}`;
      if (!warned) {
        warned = true;
        log(message);
      }
      return toFetchResponse(rawBodyUnavailable(message));
    }
    const outcome = await resolved.handler.handle({
      method: request.method,
      path,
      headers: route.headers ?? request.headers,
      rawBody: read.body,
      peerAddress: route.peerAddress,
    });
    return toFetchResponse(toHttpResponse(outcome));
  };
}

/**
 * A Fetch handler for a Hookgate handler (fixed provider) or gateway (provider id = the last path
 * segment): `(request: Request) => Promise<Response>`, what Bun, Deno, Cloudflare Workers and
 * other Web-standard runtimes serve. Same answers as every adapter: 405 with `Allow: POST` for
 * other methods, 404 for an unknown provider (body unread), 413 for a body over the handler's
 * `maxBodyBytes` (a declared Content-Length before reading, a streamed body as soon as it grows
 * past the limit, never buffered further), then the outcome's status. Never rejects.
 *
 * @throws {HookgateError} `invalid_config` for a `maxBodyBytes` that is not a positive integer.
 * @example
 * ```ts
 * import { createFetchHandler, createGateway, createWebhookHandler } from '@hookgate/core';
 * import { pylon } from '@hookgate/provider-pylon';
 *
 * const gateway = createGateway({ handlers: { pylon: createWebhookHandler({ provider: pylon(), secret }) } });
 * const fetch = createFetchHandler(gateway); // POST /webhooks/pylon
 * Bun.serve({ port: 8080, fetch });          // Bun
 * Deno.serve({ port: 8080 }, fetch);         // Deno
 * export default { fetch };                  // Cloudflare Workers
 * ```
 */
export function createFetchHandler(target: WebhookTarget, options: FetchHandlerOptions = {}): (request: Request) => Promise<Response> {
  const listener = createFetchListener(target, options);
  // Runtimes pass more arguments (Workers' env, Deno's info, Bun's server): never read them as a route.
  return (request) => listener(request);
}

/**
 * A Fetch `Response` for a framework-neutral answer.
 *
 * @example
 * ```ts
 * return toFetchResponse(toHttpResponse(outcome));
 * ```
 */
export function toFetchResponse({ status, headers, body }: HttpResponse): Response {
  return new Response(body, { status, headers });
}
