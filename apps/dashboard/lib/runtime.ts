import { gatewayFromConfig } from '@hookgate/config';
import type { DeliveryStore, Gateway } from '@hookgate/core';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { openStore, redactStoreUrl } from '@hookgate/store';
import { readConfig, type DashboardConfig } from './config';
import { registry } from './registry';
import { describeSecretsFile, resolveSecrets } from './secrets-file';

/** Everything the server side shares: one store connection, one gateway. */
export interface DashboardRuntime {
  config: DashboardConfig;
  store: DeliveryStore;
  /** Serves every provider of the registry (`hookgate.config.ts`) at its route id. */
  gateway: Gateway;
  /** The secrets each provider verifies with, by route id (for the verification debugger; never sent to a browser). */
  secrets: Readonly<Record<string, readonly string[]>>;
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
  const gateway = gatewayFromConfig(registry, { secrets, store });
  console.log(`[hookgate] Serving ${registry.providers.map((entry) => `/api/webhooks/${entry.id}`).join(', ')}`);
  return { config, store, gateway, secrets, webhookRoutes: createNextRouteHandler(gateway) };
}
