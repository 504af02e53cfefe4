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
  /**
   * The hook's content type. `'json'` (default): the body is the JSON. `'form'`:
   * `application/x-www-form-urlencoded`, and a `payload` is sent as `payload=<its JSON,
   * percent-encoded>` (a `body` is sent as given).
   */
  contentType?: 'json' | 'form' | undefined;
}

const signer = github();

/**
 * Signs a body as GitHub does: `X-Hub-Signature-256` (`sha256=` + hex HMAC-SHA256 of the body),
 * `X-GitHub-Event`, `X-GitHub-Delivery`, `User-Agent` and `content-type` (names in lower case).
 * With `contentType: 'form'` the payload goes form-encoded, as a hook set to "form" sends it.
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
  const { event, deliveryId, contentType, ...rest } = input;
  const form = contentType === 'form';
  const headers = {
    'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    'user-agent': 'GitHub-Hookshot/hookgate',
    [GITHUB_EVENT_HEADER.toLowerCase()]: event,
    [GITHUB_DELIVERY_HEADER.toLowerCase()]: deliveryId ?? randomUUID(),
  };
  if (form && rest.body === undefined) return signDelivery(signer, { secret: rest.secret, body: formBody(rest.payload), headers });
  return signDelivery(signer, { ...rest, headers });
}

/** `payload=<JSON>`, percent-encoded as an HTML form encodes it (spaces as `+`). */
function formBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
