import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { StripeEvent, StripeTypedEventName } from './schemas.js';

/** A body that is not a typed event, with the outcome the handler must give it. */
export type StripeFixtureCase = FixtureCase;

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface StripeFixtures {
  /** One realistic test-mode event per typed event name, as Stripe sends it. */
  readonly valid: { readonly [E in StripeTypedEventName]: StripeEvent<E> };
  /** Bodies refused as invalid payloads (not JSON, not an object, or a typed event with a bad envelope). */
  readonly invalid: Readonly<Record<string, StripeFixtureCase>>;
  /** Bodies answered as unknown events (a type not typed here, or none). */
  readonly unknown: Readonly<Record<string, StripeFixtureCase>>;
}

/**
 * Sample Stripe events (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signStripe } from '@hookgate/provider-stripe';
 *
 * const { headers, body } = signStripe({ payload: fixtures.valid['checkout.session.completed'], secret: 'whsec_test' });
 * for (const [name, sample] of Object.entries(fixtures.unknown)) console.log(name, sample.expected.reason);
 * ```
 */
export const fixtures = loadFixtures<StripeFixtures>(import.meta.url, ['valid', 'invalid', 'unknown']);
