import { HookgateError } from '@hookgate/core';
import type { HookgateConfig, RegisteredProvider } from './define-config.js';

/**
 * The registered provider served at route `id`, or undefined.
 *
 * @example
 * ```ts
 * const entry = findProvider(config, 'acme');
 * entry?.secret.env; // 'HOOKGATE_SECRET_ACME'
 * ```
 */
export function findProvider(config: HookgateConfig, id: string): RegisteredProvider | undefined {
  return config.providers.find((entry) => entry.id === id);
}

/**
 * The route ids of the config, in order.
 *
 * @example
 * ```ts
 * providerIds(config); // ['acme', 'acme-eu']
 * ```
 */
export function providerIds(config: HookgateConfig): string[] {
  return config.providers.map((entry) => entry.id);
}

/**
 * Event names, then variant names that differ from them, of one registered provider: what a
 * delivery's `event` or `variant` can be (the dashboard suggests them in its event filter).
 *
 * @example
 * ```ts
 * eventNames(entry); // ['order', 'OrderPaid', 'OrderRefunded']
 * ```
 */
export function eventNames(entry: RegisteredProvider): string[] {
  const events = Object.keys(entry.provider.events);
  const variants = Object.values(entry.provider.events)
    .flat()
    .filter((name) => !events.includes(name));
  return [...new Set([...events, ...variants])];
}

/**
 * The variants an event name selects: the variant itself, every variant of an event, or all
 * variants when `name` is undefined.
 *
 * @throws {HookgateError} `unknown_event_name` naming the provider's events and variants.
 * @example
 * ```ts
 * selectVariants(entry, 'order'); // ['OrderPaid', 'OrderRefunded']
 * ```
 */
export function selectVariants(entry: RegisteredProvider, name: string | undefined): string[] {
  const events: Readonly<Record<string, readonly string[]>> = entry.provider.events;
  const all = [...new Set(Object.values(events).flat())];
  if (name === undefined) return all;
  const group = Object.hasOwn(events, name) ? events[name] : undefined;
  if (group) return [...group];
  if (all.includes(name)) return [name];
  throw new HookgateError('unknown_event_name', `Unknown event "${name}" for ${entry.id}. Known: ${eventNames(entry).join(', ')}.`);
}

/**
 * The event name a variant belongs to (the variant itself for discriminated providers).
 *
 * @example
 * ```ts
 * eventOfVariant(entry, 'OrderPaid'); // 'order'
 * ```
 */
export function eventOfVariant(entry: RegisteredProvider, variant: string): string | undefined {
  const events: Readonly<Record<string, readonly string[]>> = entry.provider.events;
  return Object.keys(events).find((event) => events[event]!.includes(variant));
}
