// The request/response loop of every Node-based adapter.
import { providerIdFromPath, resolveTarget, stripQuery, type WebhookTarget } from './adapter-routing.js';
import { HookgateError } from './errors.js';
import { methodNotAllowed, rawBodyUnavailable, toHttpResponse, type HttpResponse } from './http-response.js';
import { readNodeBody, type NodeBodySource } from './node-body.js';
import type { HandleOutcome } from './outcome.js';
import type { HeadersInput } from './request.js';

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
