import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { z } from 'zod';
import type { pylonEvents, PylonEventName } from './schemas.js';

/** A body that is not a valid event, with the outcome the handler must give it. */
export type PylonFixtureCase = FixtureCase;

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface PylonFixtures {
  /** One realistic, full flattened Pylon payload per event, as sent on the wire (before normalisation). */
  readonly valid: { readonly [E in PylonEventName]: z.input<(typeof pylonEvents)[E]> };
  /** Bodies refused as invalid payloads (not JSON, not an object, or a known event with bad fields). */
  readonly invalid: Readonly<Record<string, PylonFixtureCase>>;
  /** Objects whose `event_type` is missing or not a known Pylon event. */
  readonly unknown: Readonly<Record<string, PylonFixtureCase>>;
}

/**
 * Sample Pylon bodies (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signPylon } from '@hookgate/provider-pylon';
 *
 * const { headers, body } = signPylon({ payload: fixtures.valid.IssueAssignedEvent, secret: 'whsec-test' });
 * for (const [name, sample] of Object.entries(fixtures.invalid)) console.log(name, sample.expected.reason);
 * ```
 */
export const fixtures = loadFixtures<PylonFixtures>(import.meta.url, ['valid', 'invalid', 'unknown']);
