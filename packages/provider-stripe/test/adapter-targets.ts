/**
 * Real servers for provider tests: a gateway served by Express and Fastify on 127.0.0.1:0, and
 * by the Next adapter's route handler called with real Fetch `Request` objects. Shared by the
 * provider packages' server tests (it lives with the first one, like the adapters' conformance kit).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import type { GatewayRouter } from '@hookgate/core';
import express from 'express';
import Fastify from 'fastify';

/** What `createGateway()` returns, as the adapters take it. */
export type ServedGateway = GatewayRouter & { readonly providers: readonly string[] };

/** A gateway being served: POST a delivery to `/webhooks/<provider>` and get the HTTP status. */
export interface RunningTarget {
  send(provider: string, headers: Record<string, string>, body: string): Promise<number>;
  close(): Promise<void>;
}

const post = async (url: string, headers: Record<string, string>, body: string) => (await fetch(url, { method: 'POST', headers, body })).status;

/** Start functions by adapter name. */
export const adapterTargets: Record<'express' | 'fastify' | 'next', (gateway: ServedGateway) => Promise<RunningTarget>> = {
  async express(gateway) {
    const app = express();
    app.post('/webhooks/:provider', createExpressMiddleware(gateway));
    const server = await new Promise<Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      send: (provider, headers, body) => post(`${base}/webhooks/${provider}`, headers, body),
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  },
  async fastify(gateway) {
    const app = Fastify();
    await app.register(hookgatePlugin, { prefix: '/webhooks', gateway });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { send: (provider, headers, body) => post(`${base}/webhooks/${provider}`, headers, body), close: () => app.close() };
  },
  async next(gateway) {
    const { POST } = createNextRouteHandler(gateway);
    return {
      async send(provider, headers, body) {
        const request = new Request(`http://127.0.0.1/api/webhooks/${provider}`, { method: 'POST', headers, body });
        return (await POST(request, { params: Promise.resolve({ provider }) })).status;
      },
      close: async () => {},
    };
  },
};
