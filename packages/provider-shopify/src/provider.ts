import {
  defineProvider,
  getHeader,
  HookgateError,
  hmac,
  type EventMapOf,
  type HeadersInput,
  type ParseResult,
  type VerificationStrategy,
} from '@hookgate/core';
import { lazyParser } from '@hookgate/core/provider';
import { shopifyTopics } from './schemas.js';

/**
 * Header carrying the base64 HMAC-SHA256 of the raw body.
 *
 * @example
 * ```ts
 * const signature = getHeader(request.headers, SHOPIFY_HMAC_HEADER);
 * ```
 */
export const SHOPIFY_HMAC_HEADER = 'X-Shopify-Hmac-Sha256';
/**
 * Header naming the topic (`orders/create`): `result.event`.
 *
 * @example
 * ```ts
 * const topic = getHeader(request.headers, SHOPIFY_TOPIC_HEADER); // 'orders/create'
 * ```
 */
export const SHOPIFY_TOPIC_HEADER = 'X-Shopify-Topic';
/**
 * Header identifying one delivery to one subscription (kept by Shopify's retries).
 *
 * @example
 * ```ts
 * const webhookId = getHeader(request.headers, SHOPIFY_WEBHOOK_ID_HEADER);
 * ```
 */
export const SHOPIFY_WEBHOOK_ID_HEADER = 'X-Shopify-Webhook-Id';
/**
 * Header identifying the event itself (the same for every subscription that receives it).
 *
 * @example
 * ```ts
 * const eventId = getHeader(request.headers, SHOPIFY_EVENT_ID_HEADER);
 * ```
 */
export const SHOPIFY_EVENT_ID_HEADER = 'X-Shopify-Event-Id';

/**
 * The header names of Shopify's newer *events* deliveries: the same values without the `X-`
 * prefix (`shopify-hmac-sha256`, `shopify-topic`, …), signed the same way. The provider reads
 * either form; `signShopify({ format: 'events' })` sends this one.
 *
 * @example
 * ```ts
 * const topic = getHeader(request.headers, SHOPIFY_TOPIC_HEADER) ?? getHeader(request.headers, SHOPIFY_EVENTS_HEADERS.topic);
 * ```
 */
export const SHOPIFY_EVENTS_HEADERS = {
  hmac: 'Shopify-Hmac-Sha256',
  topic: 'Shopify-Topic',
  shopDomain: 'Shopify-Shop-Domain',
  apiVersion: 'Shopify-API-Version',
  webhookId: 'Shopify-Webhook-Id',
  eventId: 'Shopify-Event-Id',
  triggeredAt: 'Shopify-Triggered-At',
} as const;

/** A Shopify header in either form: the classic `X-Shopify-…` one first, else the events one. */
function shopifyHeader(headers: HeadersInput, classic: string, events: string): string | undefined {
  return getHeader(headers, classic)?.trim() || getHeader(headers, events)?.trim() || undefined;
}

/**
 * Base64 HMAC-SHA256 of the raw body, read from `X-Shopify-Hmac-Sha256` or, when a delivery has
 * only the events form, from `Shopify-Hmac-Sha256`. Both names are redacted when recorded.
 */
function shopifyVerification(): VerificationStrategy {
  const classic = hmac({ header: SHOPIFY_HMAC_HEADER, algorithm: 'sha256', encoding: 'base64' });
  const events = hmac({ header: SHOPIFY_EVENTS_HEADERS.hmac, algorithm: 'sha256', encoding: 'base64' });
  const strategyFor = (headers: HeadersInput): VerificationStrategy =>
    !getHeader(headers, SHOPIFY_HMAC_HEADER) && getHeader(headers, SHOPIFY_EVENTS_HEADERS.hmac) ? events : classic;
  return {
    ...classic,
    redactHeaders: [SHOPIFY_HMAC_HEADER, SHOPIFY_EVENTS_HEADERS.hmac],
    verify: (request, secrets, now) => strategyFor(request.headers).verify(request, secrets, now),
    verifyAsync: (request, secrets, now) => strategyFor(request.headers).verifyAsync!(request, secrets, now),
    forRequest: strategyFor,
  };
}

/** Options of {@link shopify}. */
export interface ShopifyOptions {
  /** Provider id: the gateway route (`/webhooks/:id`) and the store's `provider`. Default `'shopify'`. */
  id?: string | undefined;
  /**
   * The dedupe key: `'webhook-id'` (default: `X-Shopify-Webhook-Id`, one delivery to this
   * subscription, kept across retries) or `'event-id'` (`X-Shopify-Event-Id`: the same event
   * reaching several subscriptions of one endpoint is processed once). Falls back to the other
   * header, then to a hash of the body.
   */
  dedupeBy?: 'webhook-id' | 'event-id' | undefined;
}

/**
 * The Shopify provider: `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the raw body, key = the
 * app's client secret), the topic from `X-Shopify-Topic` (`result.event`, e.g. `orders/create`),
 * dedupe by `X-Shopify-Webhook-Id` (or `X-Shopify-Event-Id`); light typed payloads for common
 * topics and the mandatory compliance topics. Deliveries with the events header names
 * ({@link SHOPIFY_EVENTS_HEADERS}: `Shopify-Hmac-Sha256`, `Shopify-Topic`, …) are read the same way.
 *
 * @throws {HookgateError} `invalid_config` for an unknown `dedupeBy` or a bad id.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { shopify } from '@hookgate/provider-shopify';
 *
 * const handler = createWebhookHandler({ provider: shopify(), secret: process.env.SHOPIFY_API_SECRET! });
 * handler.on('orders/create', (order) => console.log(`${order.name}: ${order.total_price} ${order.currency}`));
 * handler.on('customers/redact', (request) => console.log(`redact customer ${request.customer.id}`));
 * ```
 */
export function shopify(options: ShopifyOptions = {}) {
  const dedupeBy = options.dedupeBy ?? 'webhook-id';
  if (dedupeBy !== 'webhook-id' && dedupeBy !== 'event-id') {
    throw new HookgateError('invalid_config', `shopify({ dedupeBy }) must be 'webhook-id' or 'event-id', got ${String(dedupeBy)}.`);
  }
  const webhookId = (headers: HeadersInput) => shopifyHeader(headers, SHOPIFY_WEBHOOK_ID_HEADER, SHOPIFY_EVENTS_HEADERS.webhookId);
  const eventId = (headers: HeadersInput) => shopifyHeader(headers, SHOPIFY_EVENT_ID_HEADER, SHOPIFY_EVENTS_HEADERS.eventId);
  const [first, second] = dedupeBy === 'webhook-id' ? [webhookId, eventId] : [eventId, webhookId];
  return defineProvider({
    id: options.id ?? 'shopify',
    verification: shopifyVerification(),
    events: shopifyTopics,
    eventType: (_body, request) => shopifyHeader(request.headers, SHOPIFY_TOPIC_HEADER, SHOPIFY_EVENTS_HEADERS.topic),
    eventId: (_payload, request) => first(request.headers) || second(request.headers),
  });
}

/** The provider type {@link shopify} returns. */
export type ShopifyProvider = ReturnType<typeof shopify>;
/** The event map of {@link ShopifyProvider}. */
export type ShopifyEventMap = EventMapOf<ShopifyProvider>;

const parse = lazyParser(shopify);

/**
 * Parses a Shopify body without verifying its signature (tests, replays). `topic` is the
 * delivery's `X-Shopify-Topic` value.
 *
 * @example
 * ```ts
 * import { parseWebhookEvent } from '@hookgate/provider-shopify';
 *
 * const result = await parseWebhookEvent(body, 'orders/create');
 * if (result.kind === 'event' && result.event === 'orders/create') console.log(result.payload.total_price);
 * ```
 */
export function parseWebhookEvent(body: string | Uint8Array, topic: string): Promise<ParseResult<ShopifyEventMap>> {
  return parse(body, { headers: { [SHOPIFY_TOPIC_HEADER]: topic } });
}
