// Node only (`node:fs`): exported from `@hookgate/core/testing`, never from the root entry.
import { readFileSync } from 'node:fs';

/**
 * The outcome a fixture case must get from a handler: most providers refuse broken bodies as
 * invalid payloads and answer other events as unknown ones.
 */
export interface FixtureExpectation {
  readonly kind: 'invalid_payload' | 'unknown_event';
  readonly reason: 'invalid_json' | 'schema_mismatch' | 'unknown_event_type';
}

/**
 * A sample delivery that is not a valid event, with the outcome the handler must give it. A
 * provider adds the header values it needs (GitHub's `event`, Shopify's `topic`) by extending it.
 */
export interface FixtureCase<Expected = FixtureExpectation> {
  readonly description: string;
  /** The body as a JSON value (sent as `JSON.stringify(payload)`), unless `raw` is given. */
  readonly payload?: unknown;
  /** The exact body text, for bodies that are not JSON (empty, truncated). */
  readonly raw?: string;
  readonly expected: Expected;
}

/**
 * A provider package's sample deliveries: one lazy getter per `<folder>/<name>.json`. Each file is
 * read on its first access (nothing happens at import time) and kept as text; every access parses
 * it again, so each consumer gets its own copy to change (a test breaking a field) without
 * affecting the next one.
 *
 * @param moduleUrl The calling module's `import.meta.url`: the folder is resolved against it when a
 *   file is first read. (Passing the URL rather than `new URL('../fixtures/', import.meta.url)`
 *   keeps bundlers such as Turbopack from trying to bundle the folder as an asset when an app
 *   imports the provider package; the fixtures are only ever read from disk, by Node.)
 * @param names The file names without `.json`: the getters of the result.
 * @param folder The fixtures folder relative to the module, with a trailing slash. Default `'../fixtures/'`.
 * @example
 * ```ts
 * import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
 *
 * interface AcmeFixtures {
 *   readonly valid: { readonly 'order.created': { readonly type: 'order.created'; readonly id: string } };
 *   readonly invalid: Readonly<Record<string, FixtureCase>>;
 * }
 * export const fixtures = loadFixtures<AcmeFixtures>(import.meta.url, ['valid', 'invalid']);
 * fixtures.valid['order.created'].id; // read from ../fixtures/valid.json
 * ```
 */
export function loadFixtures<F extends object>(moduleUrl: string | URL, names: readonly (keyof F & string)[], folder = '../fixtures/'): F {
  const texts = new Map<string, string>();
  const fixtures = {};
  for (const name of names) {
    Object.defineProperty(fixtures, name, {
      enumerable: true,
      get() {
        let text = texts.get(name);
        if (text === undefined) {
          text = readFileSync(new URL(`${folder}${name}.json`, moduleUrl), 'utf8');
          texts.set(name, text);
        }
        return JSON.parse(text) as unknown;
      },
    });
  }
  return fixtures as F;
}
