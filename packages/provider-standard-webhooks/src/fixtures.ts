import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { StandardWebhookEvent } from './schemas.js';

/** A body that is not an event, with the outcome the untyped handler must give it. */
export type StandardWebhookFixtureCase = FixtureCase;

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface StandardWebhookFixtures {
  /** Spec-shaped payloads (`type`, `timestamp`, `data`) of a few common event types, keyed by type. */
  readonly valid: Readonly<Record<'user.created' | 'invoice.paid' | 'email.delivered' | 'subscription.cancelled', StandardWebhookEvent>>;
  /** Bodies refused as invalid payloads (not JSON, not an object). */
  readonly invalid: Readonly<Record<string, StandardWebhookFixtureCase>>;
  /** Objects without a usable `type` (answered 202 unknown event). */
  readonly unknown: Readonly<Record<string, StandardWebhookFixtureCase>>;
}

/**
 * Sample Standard Webhooks payloads (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signStandardWebhook } from '@hookgate/provider-standard-webhooks';
 *
 * const { headers, body } = signStandardWebhook({ payload: fixtures.valid['user.created'], secret });
 * ```
 */
export const fixtures = loadFixtures<StandardWebhookFixtures>(import.meta.url, ['valid', 'invalid', 'unknown']);
