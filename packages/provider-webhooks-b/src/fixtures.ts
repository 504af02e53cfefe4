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

// Read on each access: nothing happens at import time, and every consumer gets its own copy to
// change (a test breaking a field) without affecting the next one.
function read(name: keyof WebhooksBFixtures): never {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as never;
}

/**
 * Sample Webhooks B bodies (read from the package's `fixtures/` folder on each access: a fresh copy every time).
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
    return read('valid');
  },
  get invalid() {
    return read('invalid');
  },
  get ambiguous() {
    return read('ambiguous');
  },
  get unknown() {
    return read('unknown');
  },
};
