import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createWebhookHandler, type DeliveryStore } from '@hookgate/core';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import Fastify, { type FastifyInstance } from 'fastify';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The shared secret key the sender signs with. */
  secret: string;
  /** Where event lines go. Default `console.log`. */
  log?: ((line: string) => void) | undefined;
  /** Record deliveries (and deduplicate retries) in a store. */
  store?: DeliveryStore | undefined;
}

/**
 * The generated SDK's "Webhooks B" example, in TypeScript on Fastify: `POST /webhooks` verifies
 * `X-Webhook-Signature`, parses the body into one of the oneOf variants and calls the listener
 * of its event. The plugin answers 200 when handled, 401 when the signature fails and 202 for
 * an unknown (unmatched or ambiguous) event.
 *
 * @example
 * ```ts
 * const app = await createApp({ secret: process.env.WEBHOOKS_B_SECRET! });
 * await app.listen({ port: 3000 });
 * ```
 */
export async function createApp({ secret, log = console.log, store }: AppOptions): Promise<FastifyInstance> {
  // Step 1: create the handler with your shared secret key.
  const handler = createWebhookHandler({ provider: webhooksB(), secret, store });

  // Step 2: handle each event (a listener per event receives any of its variants, typed).
  handler.on('userNotificationEvent', (_event, { variant }) => log(`userNotificationEvent received (${variant})`));
  handler.on('systemNotificationEvent', (_event, { variant }) => log(`systemNotificationEvent received (${variant})`));
  handler.on('inventoryChangeEvent', (_event, { variant }) => log(`inventoryChangeEvent received (${variant})`));

  // Step 3: mount it. The plugin reads the raw body, verifies, parses and answers.
  const app = Fastify();
  await app.register(hookgatePlugin, { prefix: '/webhooks', handler });
  // Signature failures (401) and unknown events (202) never reach a listener: log them here.
  app.addHook('onResponse', async (_request, reply) => {
    if (reply.statusCode === 401) log('Signature verification failed');
    if (reply.statusCode === 202) log('Unknown event');
  });
  return app;
}
