import { signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
import { slack } from './provider.js';

/** Options of {@link signSlack} besides what to sign. */
export interface SignSlackOptions {
  /** The app's signing secret (several: one signature each, as during rotation tests). */
  secret: Secret;
  /** `X-Slack-Request-Timestamp` (Unix seconds). Default: now. */
  timestamp?: number | string | undefined;
  /** Clock in epoch milliseconds for the default timestamp. Default `Date.now()`. */
  now?: number | undefined;
  /**
   * Send a `payload` form-encoded (`application/x-www-form-urlencoded`) as Slack does beyond the
   * Events API: `'payload'` puts its JSON in a `payload` field (interactivity), `'fields'` sends
   * its entries as the form's fields (a slash command; values must be strings). Default: JSON.
   */
  form?: 'payload' | 'fields' | undefined;
}

const signer = slack();

/**
 * Signs a body as Slack does: `X-Slack-Signature` (`v0=` + hex HMAC-SHA256 of
 * `v0:{timestamp}:{body}`), `X-Slack-Request-Timestamp` and `content-type` (names in lower case).
 * With `form`, the payload goes form-encoded, as interactivity posts and slash commands do.
 *
 * @example
 * ```ts
 * import { fixtures, signSlack } from '@hookgate/provider-slack';
 *
 * const { headers, body } = signSlack({ payload: fixtures.valid.url_verification, secret: 'slack-signing-secret' });
 * const answer = await fetch('http://127.0.0.1:3000/webhooks/slack', { method: 'POST', headers, body });
 * await answer.text(); // the challenge
 * ```
 */
export function signSlack(input: SignSlackOptions & { payload: unknown; body?: never }): SignedDelivery<string>;
export function signSlack<B extends string | Uint8Array>(input: SignSlackOptions & { body: B; payload?: never }): SignedDelivery<B>;
export function signSlack(input: SignSlackOptions & DeliveryBody): SignedDelivery {
  const { form, ...rest } = input;
  if (form === undefined) return signDelivery(signer, { ...rest, headers: { 'content-type': 'application/json' } });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (rest.body !== undefined) return signDelivery(signer, { ...rest, headers });
  const { payload, ...signing } = rest;
  const fields = form === 'payload' ? { payload: JSON.stringify(payload) } : (payload as Record<string, string>);
  return signDelivery(signer, { ...signing, body: new URLSearchParams(fields).toString(), headers });
}
