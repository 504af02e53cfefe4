import {
  createGateway,
  createWebhookHandler,
  startWorker,
  type DeliveryStore,
  type EventMap,
  type Gateway,
  type Provider,
  type WebhookEndpoint,
  type Worker,
  type WorkerOptions,
} from '@hookgate/core';
import type { HookgateConfig, RegisteredProvider } from './define-config.js';

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
        provider: underRouteId(entry),
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

/**
 * The entry's provider under its route id: the provider itself when the ids match, else an object
 * that inherits everything from it but its `id` (the provider, maybe registered elsewhere too, is
 * left as it is).
 */
function underRouteId(entry: RegisteredProvider): Provider<EventMap> {
  const provider = entry.provider;
  if (provider.id === entry.id) return provider;
  return Object.create(provider, { id: { value: entry.id, enumerable: true } }) as Provider<EventMap>;
}
