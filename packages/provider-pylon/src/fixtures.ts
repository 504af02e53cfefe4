import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { pylonEvents, PylonEventName } from './schemas.js';

/** A body that is not a valid event, with the outcome the handler must give it. */
export interface PylonFixtureCase {
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
export interface PylonFixtures {
  /** One realistic, full flattened Pylon payload per event, as sent on the wire (before normalisation). */
  readonly valid: { readonly [E in PylonEventName]: z.input<(typeof pylonEvents)[E]> };
  /** Bodies refused as invalid payloads (not JSON, not an object, or a known event with bad fields). */
  readonly invalid: Readonly<Record<string, PylonFixtureCase>>;
  /** Objects whose `event_type` is missing or not a known Pylon event. */
  readonly unknown: Readonly<Record<string, PylonFixtureCase>>;
}

// Read on each access: nothing happens at import time, and every consumer gets its own copy to
// change (a test breaking a field) without affecting the next one.
function read(name: keyof PylonFixtures): never {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as never;
}

/**
 * Sample Pylon bodies (read from the package's `fixtures/` folder on each access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signPylon } from '@hookgate/provider-pylon';
 *
 * const { headers, body } = signPylon({ payload: fixtures.valid.IssueAssignedEvent, secret: 'whsec-test' });
 * for (const [name, sample] of Object.entries(fixtures.invalid)) console.log(name, sample.expected.reason);
 * ```
 */
export const fixtures: PylonFixtures = {
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
