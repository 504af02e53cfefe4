/**
 * Real servers for the provider packages' end-to-end tests (shared by provider-github,
 * provider-shopify and provider-slack; it lives with the first one): an Express app with
 * `@hookgate/adapter-express` and a Fastify app with `@hookgate/adapter-fastify`, both listening
 * on 127.0.0.1:0, and Next's App Router handler from `@hookgate/adapter-next` called with real
 * `Request` objects. Every one serves a gateway at `/webhooks/:provider`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import type { GatewayRouter } from '@hookgate/core';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';

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

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

function fetchAt(base: string): RealServer['post'] {
  return async (providerId, delivery) =>
    answerOf(await fetch(`${base}/webhooks/${providerId}`, { method: 'POST', headers: delivery.headers, body: delivery.body }));
}

async function startExpress(gateway: AnyGateway): Promise<RealServer> {
  const app = express();
  app.use('/webhooks', createExpressMiddleware(gateway));
  app.use(express.json()); // the rest of the app parses JSON after the webhooks, as documented
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    post: fetchAt(`http://127.0.0.1:${port}`),
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function startFastify(gateway: AnyGateway): Promise<RealServer> {
  const app = Fastify();
  await app.register(hookgatePlugin, { prefix: '/webhooks', gateway });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { post: fetchAt(`http://127.0.0.1:${port}`), close: () => app.close() };
}

async function startNext(gateway: AnyGateway): Promise<RealServer> {
  const { POST } = createNextRouteHandler(gateway);
  return {
    post: async (providerId, delivery) => {
      const request = new Request(`http://127.0.0.1/api/webhooks/${providerId}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
      return answerOf(await POST(request, { params: Promise.resolve({ provider: providerId }) }));
    },
    close: async () => {},
  };
}

/** `[name, start]` for `describe.each`: Express, Fastify and Next. */
export const SERVERS: ReadonlyArray<readonly [string, (gateway: AnyGateway) => Promise<RealServer>]> = [
  ['express', startExpress],
  ['fastify', startFastify],
  ['next (App Router handler, real Request objects)', startNext],
];
