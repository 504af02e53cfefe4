import { signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
import { stripe } from './provider.js';

/** Options of {@link signStripe} besides what to sign. */
export interface SignStripeOptions {
  /** The endpoint's signing secret (`whsec_…`), used as is; several give one `v1` entry each (rolling a secret). */
  secret: Secret | readonly Secret[];
  /** The `t` value (Unix seconds). Default: now. */
  timestamp?: number | string | undefined;
  /** Clock in epoch milliseconds for the default timestamp. Default `Date.now()`. */
  now?: number | undefined;
}

/** What to sign: the exact `body` (text or bytes, sent unchanged) or a `payload` to `JSON.stringify`. */
export type SignStripeInput = SignStripeOptions & DeliveryBody;

/** A signed delivery: the headers Stripe would send and the body to send with them, unchanged. */
export type SignedStripeDelivery<B extends string | Uint8Array = string | Uint8Array> = SignedDelivery<B>;

const signer = stripe();

/**
 * Signs a body as Stripe does: `Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of
 * "${t}.${body}">` (one `v1` per secret) and `content-type: application/json`. Stripe's own
 * `stripe.webhooks.constructEvent` accepts the result.
 *
 * @example
 * ```ts
 * import { fixtures, signStripe } from '@hookgate/provider-stripe';
 *
 * const { headers, body } = signStripe({ payload: fixtures.valid['invoice.paid'], secret: 'whsec_test' });
 * await fetch('http://127.0.0.1:3000/webhooks/stripe', { method: 'POST', headers, body });
 * ```
 */
export function signStripe(input: SignStripeOptions & { payload: unknown; body?: never }): SignedStripeDelivery<string>;
export function signStripe<B extends string | Uint8Array>(input: SignStripeOptions & { body: B; payload?: never }): SignedStripeDelivery<B>;
export function signStripe(input: SignStripeInput): SignedStripeDelivery {
  return signDelivery(signer, { ...input, headers: { 'content-type': 'application/json' }, keepHeaderCase: true });
}
