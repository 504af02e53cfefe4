import { randomUUID } from 'node:crypto';
import { signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
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
export function signGitHub(input: SignGitHubOptions & { payload: unknown; body?: never }): SignedDelivery<string>;
export function signGitHub<B extends string | Uint8Array>(input: SignGitHubOptions & { body: B; payload?: never }): SignedDelivery<B>;
export function signGitHub(input: SignGitHubOptions & DeliveryBody): SignedDelivery {
  return signDelivery(signer, {
    ...input,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/hookgate',
      [GITHUB_EVENT_HEADER.toLowerCase()]: input.event,
      [GITHUB_DELIVERY_HEADER.toLowerCase()]: input.deliveryId ?? randomUUID(),
    },
  });
}
