import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HookgateError } from '@hookgate/core';
import {
  isGateway,
  methodNotAllowed,
  readNodeBody,
  refusal,
  resolveTarget,
  stripQuery,
  toHttpResponse,
  type HttpResponse,
  type WebhookTarget,
} from '@hookgate/core/adapter';

type HandlerTarget = Exclude<WebhookTarget, { kind: 'gateway' }>;

/** Fastify's built-in methods other than POST (what a webhook route answers 405). */
const NOT_POST = ['DELETE', 'GET', 'HEAD', 'PATCH', 'PUT', 'OPTIONS'];
/** A gateway as `createGateway()` returns it: its provider ids become static routes. */
type GatewayTarget = Extract<WebhookTarget, { kind: 'gateway' }> & { readonly providers: ReadonlyArray<string> };

/** Options of {@link hookgatePlugin} (plus Fastify's own `prefix`). */
export type HookgatePluginOptions = (
  | { /** One provider, served at the prefix itself. */ handler: HandlerTarget; gateway?: never }
  | { /** Several providers, served at `<prefix>/<provider id>`. */ gateway: GatewayTarget; handler?: never }
) & {
  /**
   * Largest body in bytes; more is refused with 413 before it is buffered. Default and upper
   * bound: each handler's `maxBodyBytes` (1 MiB unless configured).
   */
  bodyLimit?: number | undefined;
};

/**
 * An encapsulated Fastify 5 plugin (deliberately not wrapped in `fastify-plugin`): its
 * catch-all raw-body parser and its routes (each with its own error handler) stay inside its own
 * context, so `prefix` applies and the app's JSON parser elsewhere is untouched. With a gateway
 * each provider gets `POST <prefix>/<id>` (and `<id>/`) with that handler's body limit, and any
 * other id answers 404 unread. Any Content-Type is accepted, even one Fastify cannot parse.
 *
 * @throws {HookgateError} `invalid_config` without `handler` or `gateway`, or with both.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { hookgatePlugin } from '@hookgate/adapter-fastify';
 *
 * const app = Fastify();
 * await app.register(hookgatePlugin, { prefix: '/webhooks', gateway }); // POST /webhooks/pylon, …
 * await app.register(hookgatePlugin, { prefix: '/hooks/pylon', handler }); // POST /hooks/pylon
 * await app.listen({ port: 3000 });
 * ```
 */
export async function hookgatePlugin(app: FastifyInstance, options: HookgatePluginOptions): Promise<void> {
  const target: WebhookTarget | undefined = options.gateway ?? options.handler;
  if (!target || (options.gateway && options.handler)) {
    throw new HookgateError('invalid_config', 'hookgatePlugin needs exactly one of `handler` or `gateway`.');
  }
  // Signatures cover the exact bytes: whatever the Content-Type (or none), hand them over unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const routes = options.gateway
    ? options.gateway.providers.map((id) => ({ url: `/${id}`, handler: options.gateway.handler(id)! }))
    : [{ url: '/', handler: target as HandlerTarget }];
  for (const { url, handler } of routes) {
    const bodyLimit = Math.min(options.bodyLimit ?? Infinity, handler.maxBodyBytes);
    // With a trailing slash too, as the other adapters route it (Fastify matches paths exactly).
    for (const path of url === '/' ? [url] : [url, `${url}/`]) {
      app.post(path, { bodyLimit, errorHandler: bodyErrors(handler) }, async (request, reply) =>
        serve(handler, request, reply, Buffer.isBuffer(request.body) ? request.body : new Uint8Array(0)),
      );
      // Every other method is 405 with `Allow: POST`, as on a gateway mount and in the other adapters.
      app.route({ method: NOT_POST, url: path, handler: async (_request, reply) => send(reply, methodNotAllowed()) });
    }
  }
  if (isGateway(target)) {
    // Any other id (404) or method (405): answered in onRequest, before a byte of the body is read.
    const early = async (request: FastifyRequest, reply: FastifyReply) => {
      const resolved = resolveTarget(target, (request.params as { provider: string }).provider);
      return send(reply, 'outcome' in resolved ? toHttpResponse(resolved.outcome) : methodNotAllowed());
    };
    app.all('/:provider', { onRequest: early }, async () => undefined);
  }
}

/**
 * A webhook route's error handler: a body over the limit is a typed 413; a Content-Type Fastify
 * cannot parse (empty, `json`, a folded duplicate), which it would refuse with its own 415 before
 * any parser runs, is read here and handled like any other delivery: the signature does not cover
 * the header, and a 4xx is final for most senders.
 */
function bodyErrors(handler: HandlerTarget) {
  return async (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { bodyLimit } = request.routeOptions;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, toHttpResponse(refusal('too_large', `body exceeds the limit of ${bodyLimit} bytes`)));
    }
    if (error.code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw error;
    const read = await readNodeBody(request.raw, bodyLimit);
    if (read.ok) return serve(handler, request, reply, read.body);
    if (read.reason === 'too_large') return send(reply, toHttpResponse(read.outcome));
    // Aborted mid-body: nobody is left to answer, and no handler runs for half a body.
    reply.hijack();
    request.raw.destroy();
    return reply;
  };
}

/** Hands a request's raw body to its handler and writes the outcome. */
async function serve(handler: HandlerTarget, request: FastifyRequest, reply: FastifyReply, rawBody: Uint8Array): Promise<FastifyReply> {
  const outcome = await handler.handle({ method: request.method, path: stripQuery(request.url), headers: request.headers, rawBody });
  return send(reply, toHttpResponse(outcome));
}

function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}
