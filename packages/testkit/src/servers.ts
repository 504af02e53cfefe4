/**
 * Real servers for the provider packages' end-to-end tests: an Express app and a Fastify app
 * listening on 127.0.0.1:0, and Next's App Router handler called with real `Request` objects.
 * Every one serves a gateway at `/webhooks/:provider`.
 *
 * The adapters are handed in by the test ({@link realServers}): they test themselves with this
 * kit, so the kit cannot depend on them (a workspace cycle turbo refuses).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayRouter } from '@hookgate/core';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';

/** A gateway as every adapter accepts it (what `createGateway()` returns). */
export type AnyGateway = GatewayRouter & { readonly providers: readonly string[] };

/** What a server answered. */
export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** A delivery as a sender posts it. */
export interface Posted {
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** A running server: post to `/webhooks/:providerId`, then close. */
export interface RealServer {
  post(providerId: string, delivery: Posted): Promise<Answer>;
  close(): Promise<void>;
}

/** Starts a {@link RealServer} serving `gateway`. */
export type StartServer = (gateway: AnyGateway) => Promise<RealServer>;

/**
 * The three adapters' entry points, as the test imports them (method signatures: each adapter's
 * own option types are wider than what the kit passes).
 */
export interface Adapters {
  /** `createExpressMiddleware` from `@hookgate/adapter-express`. */
  createExpressMiddleware(gateway: AnyGateway): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  /** `hookgatePlugin` from `@hookgate/adapter-fastify`. */
  hookgatePlugin(app: FastifyInstance, options: { prefix: string; gateway: AnyGateway }): Promise<void>;
  /** `createNextRouteHandler` from `@hookgate/adapter-next`. */
  createNextRouteHandler(gateway: AnyGateway): { POST(request: Request, context: { params: Promise<{ provider: string }> }): Promise<Response> };
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

function fetchAt(base: string): RealServer['post'] {
  return async (providerId, delivery) =>
    answerOf(await fetch(`${base}/webhooks/${providerId}`, { method: 'POST', headers: delivery.headers, body: delivery.body }));
}

/**
 * `[name, start]` pairs for `describe.each`: Express (the webhooks mounted before
 * `express.json()`, as documented), Fastify, and Next's App Router handler.
 *
 * @example
 * ```ts
 * import { createExpressMiddleware } from '@hookgate/adapter-express';
 * import { hookgatePlugin } from '@hookgate/adapter-fastify';
 * import { createNextRouteHandler } from '@hookgate/adapter-next';
 * import { realServers, type RealServer } from '@hookgate/testkit/servers';
 *
 * describe.each(realServers({ createExpressMiddleware, hookgatePlugin, createNextRouteHandler }))('over %s', (_name, start) => {
 *   let server: RealServer;
 *   beforeAll(async () => void (server = await start(createGateway({ handlers: { pylon: handler } }))));
 *   afterAll(() => server.close());
 *   it('answers 200', async () => expect((await server.post('pylon', signPylon({ payload, secret }))).status).toBe(200));
 * });
 * ```
 */
export function realServers(adapters: Adapters): ReadonlyArray<readonly [string, StartServer]> {
  const startExpress: StartServer = async (gateway) => {
    const app = express();
    app.use('/webhooks', adapters.createExpressMiddleware(gateway));
    app.use(express.json()); // the rest of the app parses JSON after the webhooks
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const { port } = server.address() as AddressInfo;
    return {
      post: fetchAt(`http://127.0.0.1:${port}`),
      close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
    };
  };
  const startFastify: StartServer = async (gateway) => {
    const app = Fastify();
    await app.register(adapters.hookgatePlugin, { prefix: '/webhooks', gateway });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { post: fetchAt(`http://127.0.0.1:${port}`), close: () => app.close() };
  };
  const startNext: StartServer = async (gateway) => {
    const { POST } = adapters.createNextRouteHandler(gateway);
    return {
      post: async (providerId, delivery) => {
        const request = new Request(`http://127.0.0.1/api/webhooks/${providerId}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
        return answerOf(await POST(request, { params: Promise.resolve({ provider: providerId }) }));
      },
      close: async () => {},
    };
  };
  return [
    ['express', startExpress],
    ['fastify', startFastify],
    ['next (App Router handler, real Request objects)', startNext],
  ];
}
