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

const cache = new Map<string, unknown>();

// Read on first use (the package has no import-time side effects) and frozen, because every
// consumer shares the one parsed copy.
function load(name: keyof PylonFixtures): never {
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
 * Sample Pylon bodies (loaded lazily from the package's `fixtures/` folder, frozen).
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
    return load('valid');
  },
  get invalid() {
    return load('invalid');
  },
  get unknown() {
    return load('unknown');
  },
};
