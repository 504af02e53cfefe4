import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { z } from 'zod';
import type { shopifyTopics } from './schemas.js';

/** Topics with a sample body in `fixtures/valid.json`. */
export type ShopifyFixtureTopic =
  | 'orders/create'
  | 'products/update'
  | 'customers/create'
  | 'app/uninstalled'
  | 'customers/data_request'
  | 'customers/redact'
  | 'shop/redact';

/** A delivery that is not a valid event, with the outcome the handler must give it. */
export interface ShopifyFixtureCase extends FixtureCase {
  /** The `X-Shopify-Topic` to send; `null` sends none. */
  readonly topic: string | null;
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

/**
 * Sample Shopify webhook bodies (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signShopify } from '@hookgate/provider-shopify';
 *
 * const { headers, body } = signShopify({ topic: 'shop/redact', payload: fixtures.valid['shop/redact'], secret: 'shpss_test' });
 * ```
 */
export const fixtures = loadFixtures<ShopifyFixtures>(import.meta.url, ['valid', 'invalid', 'unknown']);
