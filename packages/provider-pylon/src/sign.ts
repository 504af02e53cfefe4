import { signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
import { pylon } from './provider.js';

/** Options of {@link signPylon} besides what to sign. */
export interface SignPylonOptions {
  secret: Secret;
  /** `X-Pylon-Timestamp` (Unix seconds). Default: now. `null` signs the body alone and sends no timestamp, as Pylon's servers do today. */
  timestamp?: number | string | null | undefined;
  /** Clock in epoch milliseconds for the default timestamp. Default `Date.now()`. */
  now?: number | undefined;
}

/** What to sign: the exact `body` (text or bytes, sent unchanged) or a `payload` to `JSON.stringify`. */
export type SignPylonInput = SignPylonOptions & DeliveryBody;

/** A signed delivery: the headers Pylon would send and the body to send with them, unchanged. */
export type SignedPylonDelivery<B extends string | Uint8Array = string | Uint8Array> = SignedDelivery<B>;

// Signing never depends on the receiver's mode: `timestamp: null` chooses the body-only form.
const signer = pylon();

/**
 * Signs a body as Pylon does: `X-Pylon-Signature` (hex HMAC-SHA256 of `${timestamp}.${body}`,
 * or of the body alone with `timestamp: null`), `X-Pylon-Timestamp` and `content-type`.
 *
 * @example
 * ```ts
 * import { fixtures, signPylon } from '@hookgate/provider-pylon';
 *
 * const { headers, body } = signPylon({ payload: fixtures.valid.IssueNewEvent, secret: 'whsec-test' });
 * await fetch('http://127.0.0.1:3000/webhook', { method: 'POST', headers, body });
 * ```
 */
export function signPylon(input: SignPylonOptions & { payload: unknown; body?: never }): SignedPylonDelivery<string>;
export function signPylon<B extends string | Uint8Array>(input: SignPylonOptions & { body: B; payload?: never }): SignedPylonDelivery<B>;
export function signPylon(input: SignPylonInput): SignedPylonDelivery {
  return signDelivery(signer, { ...input, headers: { 'content-type': 'application/json' }, keepHeaderCase: true });
}
