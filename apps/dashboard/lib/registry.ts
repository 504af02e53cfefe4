// The provider registry, compiled into the build from the repository's hookgate.config.ts: the
// only place that says which providers this dashboard serves. Server-side only (it loads the
// provider packages); client components get plain props derived from it.
import { eventNames, providerIds, type HookgateConfig } from '@hookgate/config';
import hookgateConfig from '../../../hookgate.config';
import type { ProviderOption } from './filter-options';

/**
 * The validated registry (see `hookgate.config.ts` at the repository root).
 *
 * @example
 * ```ts
 * registry.providers.map((entry) => entry.id);
 * ```
 */
export const registry: HookgateConfig = hookgateConfig;

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
