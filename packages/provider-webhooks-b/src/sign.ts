import { signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
import { WEBHOOKS_B_TIMESTAMP_HEADER, webhooksB } from './provider.js';

/** Options of {@link signWebhooksB} besides what to sign. */
export interface SignWebhooksBOptions {
  secret: Secret;
  /** The HTTP method the request will be sent with; it is part of the signed message. Default `POST`. */
  method?: string | undefined;
  /** `X-Timestamp` value (Unix seconds). Default: now. `null` sends no `X-Timestamp` (signed as empty). */
  timestamp?: number | string | null | undefined;
  /** Clock in epoch milliseconds for the default timestamp. Default `Date.now()`. */
  now?: number | undefined;
}

/** What to sign: the exact `body` (text or bytes, sent unchanged) or a `payload` to `JSON.stringify`. */
export type SignWebhooksBInput = SignWebhooksBOptions & DeliveryBody;

/** A signed delivery: the headers a real sender sends and the body to send with them, unchanged. */
export type SignedWebhooksBDelivery<B extends string | Uint8Array = string | Uint8Array> = SignedDelivery<B>;

// The plain strategy signs the same bytes whatever tolerance the receiver is configured with.
const signer = webhooksB();

/**
 * Signs a body exactly as a Webhooks B sender does: `X-Webhook-Signature: v1=<base64
 * HMAC-SHA512>` over `METHOD|X-Timestamp|body`, plus `X-Timestamp` and `content-type`.
 *
 * @example
 * ```ts
 * import { signWebhooksB } from '@hookgate/provider-webhooks-b';
 *
 * const { headers, body } = signWebhooksB({
 *   payload: { userActionNotificationEventType: 'user.action', userId: 'u_1' },
 *   secret: 'whsec-test',
 * });
 * await fetch('http://127.0.0.1:3000/webhooks', { method: 'POST', headers, body });
 * ```
 */
export function signWebhooksB(input: SignWebhooksBOptions & { payload: unknown; body?: never }): SignedWebhooksBDelivery<string>;
export function signWebhooksB<B extends string | Uint8Array>(input: SignWebhooksBOptions & { body: B; payload?: never }): SignedWebhooksBDelivery<B>;
export function signWebhooksB(input: SignWebhooksBInput): SignedWebhooksBDelivery {
  // The timestamp is a plain header of the signed message here, not the strategy's own stamp.
  const { timestamp, ...rest } = input;
  const now = input.now ?? Date.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (timestamp !== null) headers[WEBHOOKS_B_TIMESTAMP_HEADER] = String(timestamp ?? Math.floor(now / 1000));
  return signDelivery(signer, { ...rest, method: input.method ?? 'POST', headers, now, keepHeaderCase: true });
}
