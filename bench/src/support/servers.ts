import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createGateway, createWebhookHandler, type DeliveryStore, type Gateway } from '@hookgate/core';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import express from 'express';
import Fastify from 'fastify';
import { SECRET } from '../samples.js';

/** A running HTTP server and how to stop it. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Options of {@link buildGateway}. */
export interface GatewayBuildOptions {
  store?: DeliveryStore | undefined;
  /** Clock for the handlers (replay tests move it). */
  now?: (() => number) | undefined;
  /**
   * Called for every dispatched event (counts listener calls). Awaited: a returned promise that
   * rejects is a failing listener (500, claim released).
   */
  onEvent?: ((provider: string, key: string) => unknown) | undefined;
  /** Lease of a dedupe claim while listeners run (core's default 60 s). */
  leaseSeconds?: number | undefined;
  /** Largest body the handlers accept (413 above). Default core's 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Turns on Webhooks B's opt-in timestamp window (off by default, as in the spec). */
  webhooksBToleranceSeconds?: number | undefined;
}

/**
 * The gateway every bench and reliability test uses: Pylon and Webhooks B with the bench secret.
 *
 * @example
 * ```ts
 * const gateway = buildGateway({ store: new MemoryStore() });
 * ```
 */
export function buildGateway(options: GatewayBuildOptions = {}): Gateway {
  const pylonHandler = createWebhookHandler({
    provider: pylon(),
    secret: SECRET,
    now: options.now,
    maxBodyBytes: options.maxBodyBytes,
    leaseSeconds: options.leaseSeconds,
  });
  const bHandler = createWebhookHandler({
    provider: webhooksB({ toleranceSeconds: options.webhooksBToleranceSeconds }),
    secret: SECRET,
    now: options.now,
    maxBodyBytes: options.maxBodyBytes,
    leaseSeconds: options.leaseSeconds,
  });
  if (options.onEvent) {
    const onEvent = options.onEvent;
    pylonHandler.onAny((event) => onEvent('pylon', String((event.payload as { issue_id?: unknown }).issue_id)));
    bHandler.onAny((event) => onEvent('webhooks-b', String((event.payload as { id?: unknown }).id)));
    // Scenarios make listeners fail on purpose and count the failures themselves: no log line each.
    for (const handler of [pylonHandler, bHandler]) handler.onError(() => undefined);
  }
  return createGateway({ handlers: { pylon: pylonHandler, 'webhooks-b': bHandler }, store: options.store }) as unknown as Gateway;
}

/**
 * Express 5 with the Hookgate middleware at `/webhooks/:provider`, on 127.0.0.1 (port 0 = any).
 *
 * @example
 * ```ts
 * const server = await startExpress(gateway);
 * ```
 */
export async function startExpress(gateway: Gateway, port = 0): Promise<RunningServer> {
  const app = express();
  app.post('/webhooks/:provider', createExpressMiddleware(gateway));
  return listen(app.listen(port, '127.0.0.1'));
}

/**
 * Fastify 5 with the Hookgate plugin under `/webhooks`, on 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startFastify(gateway);
 * ```
 */
export async function startFastify(gateway: Gateway, port = 0): Promise<RunningServer> {
  const app = Fastify({ logger: false });
  await app.register(hookgatePlugin, { prefix: '/webhooks', gateway });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/**
 * Waits for a Node server to listen and wraps it as a {@link RunningServer}.
 *
 * @example
 * ```ts
 * const running = await listen(http.createServer(handler).listen(0, '127.0.0.1'));
 * ```
 */
export function listen(server: Server): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const ready = (): void => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    };
    if (server.listening) ready();
    else server.once('listening', ready).once('error', reject);
  });
}
