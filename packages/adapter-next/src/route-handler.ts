import type { HandleOutcome } from '@hookgate/core';
import { methodNotAllowed, providerIdFromPath, refusal, resolveTarget, toHttpResponse, type HttpResponse, type WebhookTarget } from '@hookgate/core/adapter';
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

/**
 * App Router route handlers for a Hookgate handler (fixed provider) or gateway (provider id from
 * the `[provider]` dynamic segment, else the last path segment). Reads the body as raw bytes,
 * refusing more than the handler's `maxBodyBytes` with 413 (a declared Content-Length before
 * reading, a streamed body as soon as it grows past the limit). Needs the Node.js runtime.
 * Records the sender's headers only: see {@link NextRouteOptions.forwardedHeaders} and
 * `installSenderStamp()`.
 *
 * @example
 * ```ts
 * // app/api/webhooks/[provider]/route.ts
 * import { createNextRouteHandler } from '@hookgate/adapter-next';
 * import { gateway } from '@/lib/webhooks';
 *
 * export const runtime = 'nodejs';
 * export const { POST, GET, HEAD } = createNextRouteHandler(gateway);
 * ```
 */
export function createNextRouteHandler(target: WebhookTarget, options: NextRouteOptions = {}): NextRouteHandlers {
  const forwardedHeaders = options.forwardedHeaders ?? 'drop';
  const notAllowed: NextRouteMethod = async () => toResponse(methodNotAllowed());
  return {
    GET: notAllowed,
    HEAD: notAllowed,
    async POST(request, context) {
      const path = new URL(request.url).pathname;
      const param = (await context?.params)?.provider;
      const resolved = resolveTarget(target, (Array.isArray(param) ? param.at(-1) : param) ?? providerIdFromPath(path));
      if ('outcome' in resolved) return toResponse(toHttpResponse(resolved.outcome));
      const read = await readBody(request, resolved.handler.maxBodyBytes);
      // The sender is gone: answer something, but never run a handler on half a body.
      if ('aborted' in read) return new Response(null, { status: 400 });
      if ('outcome' in read) return toResponse(toHttpResponse(read.outcome));
      const { headers, peerAddress } = senderView(request, forwardedHeaders);
      const outcome = await resolved.handler.handle({ method: request.method, path, headers, rawBody: read.body, peerAddress });
      return toResponse(toHttpResponse(outcome));
    },
  };
}

type ReadResult = { body: Uint8Array } | { outcome: HandleOutcome } | { aborted: true };

/** Reads the body stream up to `maxBytes`, cancelling it (not buffering the rest) once over. */
async function readBody(request: Request, maxBytes: number): Promise<ReadResult> {
  const tooLarge = (size: string): ReadResult => ({ outcome: refusal('too_large', `body is ${size} bytes; the limit is ${maxBytes}`) });
  const declared = Number(request.headers.get('content-length') ?? undefined);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(String(declared));
  if (!request.body) return { body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return tooLarge(`more than ${maxBytes}`);
      }
      chunks.push(next.value);
    }
  } catch {
    return { aborted: true };
  }
  return { body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
}

function toResponse({ status, headers, body }: HttpResponse): Response {
  return new Response(body, { status, headers });
}
