import { createGateway, createWebhookHandler, type DeliveryStore } from '@hookgate/core';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import { openStore, redactStoreUrl } from '@hookgate/store';
import { readConfig, type DashboardConfig, type ProviderId } from './config';
import { describeSecretsFile, resolveSecrets } from './secrets-file';

/** Everything the server side shares: one store connection, one gateway. */
export interface DashboardRuntime {
  config: DashboardConfig;
  store: DeliveryStore;
  gateway: ReturnType<typeof buildGateway>;
  /** Route handlers for `app/api/webhooks/[provider]/route.ts`. */
  webhookRoutes: ReturnType<typeof createNextRouteHandler>;
}

const cacheKey = Symbol.for('hookgate.dashboard.runtime');
type RuntimeCache = { [cacheKey]?: Promise<DashboardRuntime> };

/**
 * The process-wide runtime, created on first use. Cached on `globalThis` so dev-server reloads
 * and the separately bundled instrumentation hook share one SQLite connection. A failed start
 * (database down) is not cached, so the next request tries again.
 *
 * @example
 * ```ts
 * const { store } = await getRuntime();
 * const page = await store.list({ limit: 20 });
 * ```
 */
export function getRuntime(): Promise<DashboardRuntime> {
  const cache = globalThis as RuntimeCache;
  let runtime = cache[cacheKey];
  if (!runtime) {
    runtime = createRuntime();
    cache[cacheKey] = runtime;
    runtime.catch(() => {
      if (cache[cacheKey] === runtime) delete cache[cacheKey];
    });
  }
  return runtime;
}

async function createRuntime(): Promise<DashboardRuntime> {
  const config = readConfig();
  const { secrets, file } = await resolveSecrets(config);
  if (file) console.log(describeSecretsFile(file));
  const store = await openStore(config.storeUrl);
  console.log(`[hookgate] Recording deliveries in ${redactStoreUrl(config.storeUrl)}`);
  const gateway = buildGateway(secrets, store);
  return { config, store, gateway, webhookRoutes: createNextRouteHandler(gateway) };
}

function buildGateway(secrets: Record<ProviderId, string[]>, store: DeliveryStore) {
  return createGateway({
    handlers: {
      pylon: createWebhookHandler({ provider: pylon(), secrets: secrets.pylon }),
      'webhooks-b': createWebhookHandler({ provider: webhooksB(), secrets: secrets['webhooks-b'] }),
    },
    store,
  });
}
