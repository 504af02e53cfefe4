import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { webhooksBEvents, WebhooksBVariantName } from './schemas.js';

/** A body that is not a valid event, with the outcome the handler must give it. */
export interface WebhooksBFixtureCase {
  readonly description: string;
  /** The body as a JSON value (sent as `JSON.stringify(payload)`), unless `raw` is given. */
  readonly payload?: unknown;
  /** The exact body text, for bodies that are not JSON (empty, truncated). */
  readonly raw?: string;
  readonly expected: {
    readonly kind: 'unknown_event';
    readonly reason: 'invalid_json' | 'no_variant_matched' | 'ambiguous_variants';
    /** `ambiguous_variants`: the variants that all match, in declaration order. */
    readonly candidates?: readonly WebhooksBVariantName[];
  };
}

type Table = typeof webhooksBEvents;
type VariantPayloads = {
  readonly [V in WebhooksBVariantName]: {
    [E in keyof Table]: Table[E]['variants'] extends { readonly [K in V]: { readonly schema: infer S extends z.ZodType } } ? z.output<S> : never;
  }[keyof Table];
};

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface WebhooksBFixtures {
  /** One realistic payload per variant. */
  readonly valid: VariantPayloads;
  /** Bodies that are not JSON or match no variant (answered as unknown events). */
  readonly invalid: Readonly<Record<string, WebhooksBFixtureCase>>;
  /** Bodies that match two or more variants. */
  readonly ambiguous: Readonly<Record<string, WebhooksBFixtureCase>>;
  /** Well-formed objects of some other event this receiver does not know. */
  readonly unknown: Readonly<Record<string, WebhooksBFixtureCase>>;
}

const cache = new Map<string, unknown>();

// Read on first use (the package has no import-time side effects) and frozen, because every
// consumer shares the one parsed copy.
function load(name: keyof WebhooksBFixtures): never {
  let value = cache.get(name);
  if (value === undefined) {
    value = deepFreeze(JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')));
    cache.set(name, value);
  }
  return value as never;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Sample Webhooks B bodies (loaded lazily from the package's `fixtures/` folder, frozen).
 *
 * @example
 * ```ts
 * import { fixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
 *
 * const { headers, body } = signWebhooksB({ payload: fixtures.valid.InventoryStockDepletedEvent, secret: 'whsec-test' });
 * for (const [name, sample] of Object.entries(fixtures.ambiguous)) console.log(name, sample.expected.candidates);
 * ```
 */
export const fixtures: WebhooksBFixtures = {
  get valid() {
    return load('valid');
  },
  get invalid() {
    return load('invalid');
  },
  get ambiguous() {
    return load('ambiguous');
  },
  get unknown() {
    return load('unknown');
  },
};
