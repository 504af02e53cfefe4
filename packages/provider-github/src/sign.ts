import { randomUUID } from 'node:crypto';
import { signRequest, type Secret } from '@hookgate/core';
import { GITHUB_DELIVERY_HEADER, GITHUB_EVENT_HEADER, github } from './provider.js';
import type { GitHubEventName } from './types.js';

/** Options of {@link signGitHub} besides what to sign. */
export interface SignGitHubOptions {
  secret: Secret;
  /** The `X-GitHub-Event` value, e.g. `'issues'` (any string, to test unknown events). */
  event: GitHubEventName | (string & {});
  /** `X-GitHub-Delivery`. Default: a random UUID (GitHub sends a GUID; a redelivery keeps it). */
  deliveryId?: string | undefined;
}

/** What to sign: the exact `body` (text or bytes, sent unchanged) or a `payload` to `JSON.stringify`. */
export type SignGitHubInput = SignGitHubOptions & ({ body: string | Uint8Array; payload?: never } | { payload: unknown; body?: never });

/** A signed delivery: the headers GitHub would send and the body to send with them, unchanged. */
export interface SignedGitHubDelivery<B extends string | Uint8Array = string | Uint8Array> {
  headers: Record<string, string>;
  body: B;
}

const signer = github();

/**
 * Signs a body as GitHub does: `X-Hub-Signature-256` (`sha256=` + hex HMAC-SHA256 of the body),
 * `X-GitHub-Event`, `X-GitHub-Delivery`, `User-Agent` and `content-type` (names in lower case).
 *
 * @example
 * ```ts
 * import { fixtures, signGitHub } from '@hookgate/provider-github';
 *
 * const { event, payload } = fixtures.valid['issues.opened'];
 * const { headers, body } = signGitHub({ event, payload, secret: 'whsec-test' });
 * await fetch('http://127.0.0.1:3000/webhooks/github', { method: 'POST', headers, body });
 * ```
 */
export function signGitHub(input: SignGitHubOptions & { payload: unknown; body?: never }): SignedGitHubDelivery<string>;
export function signGitHub<B extends string | Uint8Array>(input: SignGitHubOptions & { body: B; payload?: never }): SignedGitHubDelivery<B>;
export function signGitHub(input: SignGitHubInput): SignedGitHubDelivery {
  const body = input.body ?? JSON.stringify(input.payload);
  const headers = signRequest(signer, {
    secret: input.secret,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/hookgate',
      [GITHUB_EVENT_HEADER.toLowerCase()]: input.event,
      [GITHUB_DELIVERY_HEADER.toLowerCase()]: input.deliveryId ?? randomUUID(),
    },
  });
  // Lower-case names, as Node hands them to servers (and as Fetch `Headers` print them).
  return { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])), body };
}
