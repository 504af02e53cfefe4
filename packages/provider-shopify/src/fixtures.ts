import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { shopifyTopics } from './schemas.js';

/** Topics with a sample body in `fixtures/valid.json`. */
export type ShopifyFixtureTopic = 'orders/create' | 'products/update' | 'customers/create' | 'app/uninstalled' | 'customers/data_request' | 'customers/redact' | 'shop/redact';

/** A delivery that is not a valid event, with the outcome the handler must give it. */
export interface ShopifyFixtureCase {
  readonly description: string;
  /** The `X-Shopify-Topic` to send; `null` sends none. */
  readonly topic: string | null;
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
export interface ShopifyFixtures {
  /** Topic → a realistic body (send it with that `X-Shopify-Topic`). */
  readonly valid: { readonly [T in ShopifyFixtureTopic]: z.input<(typeof shopifyTopics)[T]> };
  /** Refused as invalid payloads (400). */
  readonly invalid: Readonly<Record<string, ShopifyFixtureCase>>;
  /** Answered as unknown events (202): untyped topics, no topic. */
  readonly unknown: Readonly<Record<string, ShopifyFixtureCase>>;
}

// Read on each access: nothing happens at import time, and every consumer gets its own copy.
function read(name: keyof ShopifyFixtures): never {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as never;
}

/**
 * Sample Shopify webhook bodies (read from the package's `fixtures/` folder on each access).
 *
 * @example
 * ```ts
 * import { fixtures, signShopify } from '@hookgate/provider-shopify';
 *
 * const { headers, body } = signShopify({ topic: 'shop/redact', payload: fixtures.valid['shop/redact'], secret: 'shpss_test' });
 * ```
 */
export const fixtures: ShopifyFixtures = {
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
