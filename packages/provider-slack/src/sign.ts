import { signRequest, type Secret } from '@hookgate/core';
import { slack } from './provider.js';

/** Options of {@link signSlack} besides what to sign. */
export interface SignSlackOptions {
  /** The app's signing secret (several: one signature each, as during rotation tests). */
  secret: Secret;
  /** `X-Slack-Request-Timestamp` (Unix seconds). Default: now. */
  timestamp?: number | string | undefined;
  /** Clock in epoch milliseconds for the default timestamp. Default `Date.now()`. */
  now?: number | undefined;
}

/** What to sign: the exact `body` (text or bytes, sent unchanged) or a `payload` to `JSON.stringify`. */
export type SignSlackInput = SignSlackOptions & ({ body: string | Uint8Array; payload?: never } | { payload: unknown; body?: never });

/** A signed delivery: the headers Slack would send and the body to send with them, unchanged. */
export interface SignedSlackDelivery<B extends string | Uint8Array = string | Uint8Array> {
  headers: Record<string, string>;
  body: B;
}

const signer = slack();

/**
 * Signs a body as Slack does: `X-Slack-Signature` (`v0=` + hex HMAC-SHA256 of
 * `v0:{timestamp}:{body}`), `X-Slack-Request-Timestamp` and `content-type` (names in lower case).
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
export function signSlack(input: SignSlackOptions & { payload: unknown; body?: never }): SignedSlackDelivery<string>;
export function signSlack<B extends string | Uint8Array>(input: SignSlackOptions & { body: B; payload?: never }): SignedSlackDelivery<B>;
export function signSlack(input: SignSlackInput): SignedSlackDelivery {
  const body = input.body ?? JSON.stringify(input.payload);
  const headers = signRequest(signer, {
    secret: input.secret,
    body,
    headers: { 'content-type': 'application/json' },
    timestamp: input.timestamp,
    now: input.now,
  });
  return { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])), body };
}
