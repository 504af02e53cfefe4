import { randomUUID } from 'node:crypto';
import { HookgateError, signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
import { SHOPIFY_EVENT_ID_HEADER, SHOPIFY_TOPIC_HEADER, SHOPIFY_WEBHOOK_ID_HEADER, shopify } from './provider.js';
import type { ShopifyTopic } from './schemas.js';

/** Options of {@link signShopify} besides what to sign. */
export interface SignShopifyOptions {
  /** The app's client secret (API secret key). */
  secret: Secret;
  /** `X-Shopify-Topic`, e.g. `'orders/create'` (any string, to test unknown topics). */
  topic: ShopifyTopic | (string & {});
  /** `X-Shopify-Shop-Domain`. Default `'hookgate-demo.myshopify.com'`. */
  shopDomain?: string | undefined;
  /** `X-Shopify-API-Version`. Default `'2025-10'`. */
  apiVersion?: string | undefined;
  /** `X-Shopify-Webhook-Id`. Default: a random UUID. */
  webhookId?: string | undefined;
  /** `X-Shopify-Event-Id`. Default: a random UUID. */
  eventId?: string | undefined;
  /** Clock in epoch milliseconds for `X-Shopify-Triggered-At`. Default `Date.now()`. */
  now?: number | undefined;
  /**
   * Header names: `'webhooks'` (default, `X-Shopify-Hmac-Sha256`, `X-Shopify-Topic`, …) or
   * `'events'` (Shopify's events deliveries: `shopify-hmac-sha256`, `shopify-topic`, …, see
   * `SHOPIFY_EVENTS_HEADERS`). Same values, same signature.
   */
  format?: 'webhooks' | 'events' | undefined;
}

const signer = shopify();

/**
 * Signs a body as Shopify does: `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the body) plus the
 * headers Shopify sends with every webhook (`X-Shopify-Topic`, `-Shop-Domain`, `-API-Version`,
 * `-Webhook-Id`, `-Event-Id`, `-Triggered-At`, `content-type`), names in lower case; with
 * `format: 'events'` the same headers without the `x-` prefix, as Shopify's events deliveries
 * send them.
 *
 * @example
 * ```ts
 * import { fixtures, signShopify } from '@hookgate/provider-shopify';
 *
 * const { headers, body } = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: 'shpss_test' });
 * await fetch('http://127.0.0.1:3000/webhooks/shopify', { method: 'POST', headers, body });
 * ```
 */
export function signShopify(input: SignShopifyOptions & { payload: unknown; body?: never }): SignedDelivery<string>;
export function signShopify<B extends string | Uint8Array>(input: SignShopifyOptions & { body: B; payload?: never }): SignedDelivery<B>;
export function signShopify(input: SignShopifyOptions & DeliveryBody): SignedDelivery {
  const { format = 'webhooks', ...rest } = input;
  if (format !== 'webhooks' && format !== 'events') {
    throw new HookgateError('invalid_config', `signShopify({ format }) must be 'webhooks' or 'events', got ${String(format)}.`);
  }
  const signed = signDelivery(signer, {
    ...rest,
    headers: {
      'content-type': 'application/json',
      [SHOPIFY_TOPIC_HEADER.toLowerCase()]: input.topic,
      'x-shopify-shop-domain': input.shopDomain ?? 'hookgate-demo.myshopify.com',
      'x-shopify-api-version': input.apiVersion ?? '2025-10',
      [SHOPIFY_WEBHOOK_ID_HEADER.toLowerCase()]: input.webhookId ?? randomUUID(),
      [SHOPIFY_EVENT_ID_HEADER.toLowerCase()]: input.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date(input.now ?? Date.now()).toISOString(),
    },
  });
  if (format === 'webhooks') return signed;
  // The events form: every `x-shopify-…` name without its prefix (the HMAC too), values unchanged.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[/^x-shopify-/i.test(name) ? name.slice(2) : name] = value;
  return { ...signed, headers };
}
