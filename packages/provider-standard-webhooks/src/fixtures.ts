import { readFileSync } from 'node:fs';
import type { StandardWebhookEvent } from './schemas.js';

/** A body that is not an event, with the outcome the untyped handler must give it. */
export interface StandardWebhookFixtureCase {
  readonly description: string;
  /** The body as a JSON value (sent as `JSON.stringify(payload)`), unless `raw` is given. */
  readonly payload?: unknown;
  /** The exact body text, for bodies that are not JSON. */
  readonly raw?: string;
  readonly expected: {
    readonly kind: 'invalid_payload' | 'unknown_event';
    readonly reason: 'invalid_json' | 'schema_mismatch' | 'unknown_event_type';
  };
}

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface StandardWebhookFixtures {
  /** Spec-shaped payloads (`type`, `timestamp`, `data`) of a few common event types, keyed by type. */
  readonly valid: Readonly<Record<'user.created' | 'invoice.paid' | 'email.delivered' | 'subscription.cancelled', StandardWebhookEvent>>;
  /** Bodies refused as invalid payloads (not JSON, not an object). */
  readonly invalid: Readonly<Record<string, StandardWebhookFixtureCase>>;
  /** Objects without a usable `type` (answered 202 unknown event). */
  readonly unknown: Readonly<Record<string, StandardWebhookFixtureCase>>;
}

// Read on each access: nothing happens at import time, and every consumer gets its own copy to change.
function read(name: keyof StandardWebhookFixtures): never {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as never;
}

/**
 * Sample Standard Webhooks payloads (read from the package's `fixtures/` folder on each access).
 *
 * @example
 * ```ts
 * import { fixtures, signStandardWebhook } from '@hookgate/provider-standard-webhooks';
 *
 * const { headers, body } = signStandardWebhook({ payload: fixtures.valid['user.created'], secret });
 * ```
 */
export const fixtures: StandardWebhookFixtures = {
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
