import {
  createGateway,
  createWebhookHandler,
  startWorker,
  type DeliveryStore,
  type Gateway,
  type WebhookEndpoint,
  type Worker,
  type WorkerOptions,
  withProviderId,
} from '@hookgate/core';
import type { HookgateConfig } from './define-config.js';

/**
 * One handler per registered provider, keyed by route id, with its secrets, handler options and
 * listeners (the entry's `listen`). Each handler works under its route id: deliveries are recorded
 * with it as their `provider`, their dedupe keys are the route's own, and a worker runs them with
 * that route's listeners, so two routes of one provider (two accounts) never mix.
 *
 * @throws {HookgateError} `invalid_config` from core when a provider has no secret or an option is out of range.
 * @example
 * ```ts
 * const handlers = handlersFromConfig(config, { acme: ['secret'] });
 * handlers.acme!.handle(request);
 * ```
 */
export function handlersFromConfig(config: HookgateConfig, secrets: Readonly<Record<string, readonly string[]>>): Record<string, WebhookEndpoint> {
  return Object.fromEntries(
    config.providers.map((entry) => {
      const handler = createWebhookHandler({
        ...entry.handler,
        provider: withProviderId(entry.provider, entry.id),
        secrets: Object.hasOwn(secrets, entry.id) ? secrets[entry.id] : undefined,
      });
      entry.listen?.(handler);
      return [entry.id, handler];
    }),
  );
}

/**
 * A gateway serving every registered provider at its route id (`/webhooks/:id` behind an adapter),
 * in the config's `inbox.mode` (inline by default).
 *
 * @throws {HookgateError} `invalid_config` as {@link handlersFromConfig}.
 * @example
 * ```ts
 * const gateway = gatewayFromConfig(config, { secrets, store: await openStore('sqlite:./data/hookgate.db') });
 * app.use('/webhooks', createExpressMiddleware(gateway));
 * ```
 */
export function gatewayFromConfig(
  config: HookgateConfig,
  options: { secrets: Readonly<Record<string, readonly string[]>>; store?: DeliveryStore | undefined },
): Gateway {
  return createGateway({ handlers: handlersFromConfig(config, options.secrets), store: options.store, mode: config.inbox?.mode });
}

/**
 * Starts a worker for the inbox of `options.store` with the config's `inbox` settings
 * (`concurrency`, `retry`, `leaseSeconds`); an option given here wins over the config. Pass the
 * gateway the config built (or {@link handlersFromConfig}) as `handlers`, so the worker runs the
 * listeners the config's `listen` hooks registered. What `hookgate worker` and the dashboard's
 * in-process worker start.
 *
 * @throws {HookgateError} `invalid_config` from core's `startWorker()` (store without inbox, bad option).
 * @example
 * ```ts
 * const gateway = gatewayFromConfig(config, { secrets, store });
 * const worker = await workerFromConfig(config, { store, handlers: gateway });
 * process.once('SIGTERM', () => void worker.stop());
 * ```
 */
export function workerFromConfig(config: HookgateConfig, options: WorkerOptions): Promise<Worker> {
  const inbox = config.inbox;
  return startWorker({
    ...options,
    concurrency: options.concurrency ?? inbox?.concurrency,
    retry: options.retry ?? inbox?.retry,
    leaseSeconds: options.leaseSeconds ?? inbox?.leaseSeconds,
  });
}
