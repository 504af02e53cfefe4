import type { Provider } from './provider.js';
import type { EventMap } from './results.js';
import type { SignInput, VerificationStrategy } from './verify-hmac.js';

/**
 * Test helper: the headers a real sender would send for `body`, signed with `secret` by a
 * strategy or a provider's strategy. Timestamp strategies stamp "now" unless `timestamp` is
 * given (`null` omits it where the strategy allows).
 *
 * @example
 * ```ts
 * import { signRequest } from '@hookgate/core';
 * const body = JSON.stringify({ event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'Printer on fire' });
 * const headers = signRequest(pylon(), { secret: 'whsec-test', body });
 * const outcome = await handler.handle({ method: 'POST', headers, rawBody: new TextEncoder().encode(body) });
 * ```
 */
export function signRequest(signer: VerificationStrategy | Provider<EventMap>, input: SignInput & { now?: number | undefined }): Record<string, string> {
  const strategy = 'verification' in signer ? signer.verification : signer;
  return strategy.sign(input, input.now ?? Date.now());
}

/**
 * What a `sign…()` test helper signs: the exact `body` (text or bytes, sent unchanged) or a
 * `payload` to `JSON.stringify`.
 */
export type DeliveryBody = { body: string | Uint8Array; payload?: never } | { payload: unknown; body?: never };

/** What {@link signDelivery} takes besides the body: {@link SignInput} without `body`, plus a clock. */
export type DeliverySignInput = Omit<SignInput, 'body'> & {
  now?: number | undefined;
  /**
   * Header names as the strategy writes them (`X-Pylon-Signature`) instead of in lower case.
   * Default `false`: lower case, as Node hands them to servers.
   */
  keepHeaderCase?: boolean | undefined;
};

/** A signed delivery: the headers the sender would send (names in lower case) and the body, unchanged. */
export interface SignedDelivery<B extends string | Uint8Array = string | Uint8Array> {
  headers: Record<string, string>;
  body: B;
}

/**
 * The shared core of the provider packages' `sign…()` helpers: signs `body` (or
 * `JSON.stringify(payload)`) like {@link signRequest} and returns the headers with lower-case
 * names (as Node hands them to servers; `keepHeaderCase: true` keeps the strategy's spelling)
 * together with the exact body to send.
 *
 * @example
 * ```ts
 * import { signDelivery } from '@hookgate/core';
 * const { headers, body } = signDelivery(pylon(), { payload: { event_type: 'issue_new' }, secret: 'whsec-test', headers: { 'content-type': 'application/json' } });
 * await fetch('http://127.0.0.1:3000/webhooks/pylon', { method: 'POST', headers, body });
 * ```
 */
export function signDelivery(
  signer: VerificationStrategy | Provider<EventMap>,
  input: DeliverySignInput & { payload: unknown; body?: never },
): SignedDelivery<string>;
export function signDelivery<B extends string | Uint8Array>(
  signer: VerificationStrategy | Provider<EventMap>,
  input: DeliverySignInput & { body: B; payload?: never },
): SignedDelivery<B>;
export function signDelivery(signer: VerificationStrategy | Provider<EventMap>, input: DeliverySignInput & DeliveryBody): SignedDelivery;
export function signDelivery(signer: VerificationStrategy | Provider<EventMap>, input: DeliverySignInput & DeliveryBody): SignedDelivery {
  const body = input.body ?? JSON.stringify(input.payload);
  const headers = signRequest(signer, { ...input, body });
  if (input.keepHeaderCase === true) return { headers, body };
  return { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])), body };
}
