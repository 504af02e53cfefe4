import { createFetchListener, methodNotAllowed, toFetchResponse, type WebhookTarget } from '@hookgate/core/adapter';
import { senderView, type ForwardedHeadersPolicy } from './sender-headers.js';

type RouteParams = Record<string, string | string[] | undefined>;

/** The second argument Next passes to route handlers (`params` is a Promise since Next 15). */
export interface NextRouteContext {
  params?: Promise<RouteParams> | RouteParams | undefined;
}

/** An App Router route handler. */
export type NextRouteMethod = (request: Request, context?: NextRouteContext) => Promise<Response>;

/** What {@link createNextRouteHandler} returns: export them from `route.ts`. */
export interface NextRouteHandlers {
  POST: NextRouteMethod;
  /** 405 with `Allow: POST`. */
  GET: NextRouteMethod;
  /** 405 with `Allow: POST`. */
  HEAD: NextRouteMethod;
}

/** Options of {@link createNextRouteHandler}. */
export interface NextRouteOptions {
  /**
   * What to record of `x-forwarded-for`, `-host`, `-port` and `-proto` when
   * `installSenderStamp()` is not running: `next start` adds all four to every request that
   * arrives without them, and a route handler alone cannot tell those from a reverse proxy's or
   * the sender's. `drop` (default) records none of them, so recorded headers never hold values
   * the sender did not send; `keep` records them all. With the stamp installed this is not
   * consulted: exactly the headers that arrived on the wire are recorded.
   */
  forwardedHeaders?: ForwardedHeadersPolicy | undefined;
}

const RAW_BODY_HINT = 'Pass the route handler the request untouched: do not call request.json(), request.text() or request.formData() before it.';

/**
 * App Router route handlers for a Hookgate handler (fixed provider) or gateway (provider id from
 * the `[provider]` dynamic segment, else the last path segment), on the Node.js or the Edge
 * runtime: built on `@hookgate/core`'s Fetch entry point. Reads the body as raw bytes, refusing
 * more than the handler's `maxBodyBytes` with 413 (a declared Content-Length before reading, a
 * streamed body as soon as it grows past the limit). On the Edge runtime core verifies with Web
 * Crypto. Records the sender's headers only: see {@link NextRouteOptions.forwardedHeaders} and
 * `installSenderStamp()` (Node.js runtime).
 *
 * @example
 * ```ts
 * // app/api/webhooks/[provider]/route.ts
 * import { createNextRouteHandler } from '@hookgate/adapter-next';
 * import { gateway } from '@/lib/webhooks';
 *
 * export const runtime = 'nodejs'; // or 'edge'
 * export const { POST, GET, HEAD } = createNextRouteHandler(gateway);
 * ```
 */
export function createNextRouteHandler(target: WebhookTarget, options: NextRouteOptions = {}): NextRouteHandlers {
  const forwardedHeaders = options.forwardedHeaders ?? 'drop';
  const listener = createFetchListener(target, { rawBodyHint: RAW_BODY_HINT });
  const notAllowed: NextRouteMethod = async () => toFetchResponse(methodNotAllowed());
  return {
    GET: notAllowed,
    HEAD: notAllowed,
    async POST(request, context) {
      const param = (await context?.params)?.provider;
      const { headers, peerAddress } = senderView(request, forwardedHeaders);
      return listener(request, { providerId: Array.isArray(param) ? param.at(-1) : param, headers, peerAddress });
    },
  };
}
