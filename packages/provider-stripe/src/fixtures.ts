import { readFileSync } from 'node:fs';
import type { StripeEvent, StripeTypedEventName } from './schemas.js';

/** A body that is not a typed event, with the outcome the handler must give it. */
export interface StripeFixtureCase {
  readonly description: string;
  /** The body as a JSON value (sent as `JSON.stringify(payload)`), unless `raw` is given. */
  readonly payload?: unknown;
  /** The exact body text, for bodies that are not JSON (empty, truncated). */
  readonly raw?: string;
  readonly expected: {
    readonly kind: 'invalid_payload' | 'unknown_event';
    readonly reason: 'invalid_json' | 'schema_mismatch' | 'unknown_event_type';
  };
}

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface StripeFixtures {
  /** One realistic test-mode event per typed event name, as Stripe sends it. */
  readonly valid: { readonly [E in StripeTypedEventName]: StripeEvent<E> };
  /** Bodies refused as invalid payloads (not JSON, not an object, or a typed event with a bad envelope). */
  readonly invalid: Readonly<Record<string, StripeFixtureCase>>;
  /** Bodies answered as unknown events (a type not typed here, or none). */
  readonly unknown: Readonly<Record<string, StripeFixtureCase>>;
}

// Read on each access: nothing happens at import time, and every consumer gets its own copy to change.
function read(name: keyof StripeFixtures): never {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as never;
}

/**
 * Sample Stripe events (read from the package's `fixtures/` folder on each access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signStripe } from '@hookgate/provider-stripe';
 *
 * const { headers, body } = signStripe({ payload: fixtures.valid['checkout.session.completed'], secret: 'whsec_test' });
 * for (const [name, sample] of Object.entries(fixtures.unknown)) console.log(name, sample.expected.reason);
 * ```
 */
export const fixtures: StripeFixtures = {
  get valid() {
    return read('valid');
  },
  get invalid() {
    return read('invalid');
  },
  get unknown() {
    return read('unknown');
  },
};
