// The provider registry: the only place that says which providers this dashboard serves. By
// default the repository's hookgate.config.ts, compiled into the build; with HOOKGATE_CONFIG set
// (the `hookgate-dashboard --config` bin sets it), an application's own config file, loaded when
// the server starts. Server-side only (it loads the provider packages); client components get
// plain props derived from it.
import { eventNames, providerIds, type HookgateConfig } from '@hookgate/config';
import repositoryConfig from '../../../hookgate.config';
import type { ProviderOption } from './filter-options';

/**
 * The config file the server was started with (`HOOKGATE_CONFIG`, absolute or relative to the
 * working directory), or undefined for the repository's own `hookgate.config.ts`.
 *
 * @example
 * ```ts
 * configFile(); // '/srv/app/hookgate.config.ts' when started with HOOKGATE_CONFIG=./hookgate.config.ts
 * ```
 */
export function configFile(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.HOOKGATE_CONFIG?.trim() || undefined;
}

async function loadRegistry(): Promise<HookgateConfig> {
  const file = configFile();
  if (file === undefined) return repositoryConfig;
  // At run time, not build time: a .ts config is compiled by tsx, its imports (the provider
  // packages) resolve from the config's own folder, i.e. the application's node_modules.
  // Left to Node at run time (not bundled): the loader's file-system search would make output
  // tracing copy the whole project, and tsx drives esbuild's native binary.
  const { loadConfig } = (await import(
    /* webpackIgnore: true */ /* turbopackIgnore: true */ '@hookgate/config/load'
  )) as typeof import('@hookgate/config/load');
  return (await loadConfig({ file })).config;
}

/**
 * The validated registry: `HOOKGATE_CONFIG`'s file when set, else `hookgate.config.ts` at the
 * repository root. An invalid or missing file rejects the module, which stops the server at start.
 *
 * @example
 * ```ts
 * registry.providers.map((entry) => entry.id);
 * ```
 */
export const registry: HookgateConfig = await loadRegistry();

/** Route ids served at `/api/webhooks/<id>`, in config order. */
export const PROVIDER_IDS: readonly string[] = providerIds(registry);

/** Each provider with its event and variant names, for the filter form (a client component). */
export const PROVIDER_OPTIONS: readonly ProviderOption[] = registry.providers.map((entry) => ({ id: entry.id, events: eventNames(entry) }));

// Distinct hues in config order; the first two are the colours the dashboard always used.
const PALETTE = ['#4f46e5', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#9333ea', '#0d9488', '#ca8a04', '#2563eb', '#be123c'];

/**
 * Chart colour of a provider: by its place in the registry; ids no longer registered (old
 * deliveries) get a neutral grey.
 *
 * @example
 * ```ts
 * providerColor(PROVIDER_IDS[0]!); // '#4f46e5'
 * providerColor('removed-provider'); // '#64748b'
 * ```
 */
export function providerColor(provider: string): string {
  const index = PROVIDER_IDS.indexOf(provider);
  return index === -1 ? '#64748b' : PALETTE[index % PALETTE.length]!;
}
