import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { z } from 'zod';
import type { webhooksBEvents, WebhooksBVariantName } from './schemas.js';

/** A body that is not a valid event, with the outcome the handler must give it. */
export type WebhooksBFixtureCase = FixtureCase<{
  readonly kind: 'unknown_event';
  readonly reason: 'invalid_json' | 'no_variant_matched' | 'ambiguous_variants';
  /** `ambiguous_variants`: the variants that all match, in declaration order. */
  readonly candidates?: readonly WebhooksBVariantName[];
}>;

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

/**
 * Sample Webhooks B bodies (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
 *
 * const { headers, body } = signWebhooksB({ payload: fixtures.valid.InventoryStockDepletedEvent, secret: 'whsec-test' });
 * for (const [name, sample] of Object.entries(fixtures.ambiguous)) console.log(name, sample.expected.candidates);
 * ```
 */
export const fixtures = loadFixtures<WebhooksBFixtures>(import.meta.url, ['valid', 'invalid', 'ambiguous', 'unknown']);
