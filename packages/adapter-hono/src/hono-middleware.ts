import { createFetchListener, type FetchRoute, type WebhookTarget } from '@hookgate/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * Options of {@link hookgate}.
 *
 * @example
 * ```ts
 * import { getConnInfo } from 'hono/bun';
 * app.post('/webhooks/:provider', hookgate(gateway, { maxBodyBytes: 256 * 1024, peerAddress: (c) => getConnInfo(c).remote.address }));
 * ```
 */
export interface HonoMiddlewareOptions {
  /**
   * Refuse larger bodies with 413 before buffering them. Default and upper bound: the handler's
   * `maxBodyBytes` (`createWebhookHandler({ maxBodyBytes })`, 1 MiB unless configured).
   */
  maxBodyBytes?: number | undefined;
  /** Where the one-time "the body was read before Hookgate" diagnostic goes. Default `console.error`. */
  log?: ((message: string) => void) | undefined;
  /**
   * The TCP peer to record with each delivery. Hono's connection info is per runtime
   * (`getConnInfo` from `hono/bun`, `hono/deno`, `@hono/node-server/conninfo`, …), so pass the
   * one of yours. Default: none recorded.
   */
  peerAddress?: ((c: Context) => string | undefined) | undefined;
}

const RAW_BODY_HINT =
  'Register the Hookgate middleware before anything that parses the body (c.req.json(), validator("json"), …) on its route, ' +
  'or read it there as c.req.arrayBuffer() (kept bytes are used).';

/**
 * Hono 4 middleware that serves a Hookgate handler (one provider) or gateway (provider id from
 * the `:provider` route parameter, else the last path segment). Runs wherever Hono runs (Node,
 * Bun, Deno, Cloudflare Workers, …): it is the Fetch entry point of `@hookgate/core` with Hono's
 * routing facts. It answers every request it gets (405 with `Allow: POST` for other methods) and
 * never calls `next()`.
 *
 * @throws {HookgateError} `invalid_config` for a `maxBodyBytes` that is not a positive integer.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { hookgate } from '@hookgate/adapter-hono';
 *
 * const app = new Hono();
 * app.post('/webhooks/:provider', hookgate(gateway)); // POST /webhooks/pylon, /webhooks/webhooks-b
 * export default app; // Bun, Deno (Deno.serve(app.fetch)), Cloudflare Workers
 * ```
 */
export function hookgate(target: WebhookTarget, options: HonoMiddlewareOptions = {}): MiddlewareHandler {
  const listener = createFetchListener(target, { maxBodyBytes: options.maxBodyBytes, log: options.log, rawBodyHint: RAW_BODY_HINT });
  return async (c) => {
    const route: FetchRoute = { providerId: c.req.param('provider') || undefined, path: c.req.path, peerAddress: options.peerAddress?.(c) };
    return listener(requestWithBody(c), route);
  };
}

/**
 * The request to read. When an earlier middleware read the body as bytes through Hono
 * (`c.req.arrayBuffer()`), Hono keeps them: they are exactly what the sender sent, so a request
 * carrying them is handed on. Any other earlier read leaves `bodyUsed`, answered as
 * `raw_body_unavailable`.
 */
function requestWithBody(c: Context): Request {
  const raw = c.req.raw;
  if (!raw.bodyUsed) return raw;
  const kept = (c.req as unknown as { bodyCache?: { arrayBuffer?: Promise<ArrayBuffer> | ArrayBuffer } }).bodyCache?.arrayBuffer;
  if (kept === undefined) return raw;
  return new Request(raw.url, {
    method: raw.method,
    headers: raw.headers,
    body: new ReadableStream({
      async start(controller) {
        controller.enqueue(new Uint8Array(await kept));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
}
