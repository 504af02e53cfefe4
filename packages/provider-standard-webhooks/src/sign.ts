import { randomUUID } from 'node:crypto';
import { signDelivery, type DeliveryBody, type Secret, type SignedDelivery } from '@hookgate/core';
import { standardWebhooks } from './provider.js';

/** Options of {@link signStandardWebhook} besides what to sign. */
export interface SignStandardWebhookOptions {
  /** `whsec_<base64>` (or bare base64, or the key bytes); several give one `v1,…` entry each (rotation). */
  secret: Secret | readonly Secret[];
  /** `webhook-id`. Default: a fresh `msg_<uuid>` (a retry of one message keeps its id). */
  id?: string | undefined;
  /** `webhook-timestamp` (Unix seconds). Default: now. */
  timestamp?: number | string | undefined;
  /** Clock in epoch milliseconds for the default timestamp. Default `Date.now()`. */
  now?: number | undefined;
  /** Header prefix, as in `standardWebhooks({ headerPrefix })`. Default `'webhook'`. */
  headerPrefix?: string | undefined;
}

/** What to sign: the exact `body` (text or bytes, sent unchanged) or a `payload` to `JSON.stringify`. */
export type SignStandardWebhookInput = SignStandardWebhookOptions & DeliveryBody;

/** A signed delivery: the headers a Standard Webhooks sender sends and the body to send with them, unchanged. */
export type SignedStandardWebhook<B extends string | Uint8Array = string | Uint8Array> = SignedDelivery<B>;

const signers = new Map<string, ReturnType<typeof standardWebhooks>>();

/**
 * Signs a body as a Standard Webhooks sender does: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">` (one entry per
 * secret), plus `content-type`. The official `standardwebhooks` `Webhook.verify` accepts the result.
 *
 * @throws {HookgateError} `invalid_config` when a secret is not `whsec_` + base64.
 * @example
 * ```ts
 * import { fixtures, signStandardWebhook } from '@hookgate/provider-standard-webhooks';
 *
 * const { headers, body } = signStandardWebhook({ payload: fixtures.valid['invoice.paid'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
 * await fetch('http://127.0.0.1:3000/webhooks/standard-webhooks', { method: 'POST', headers, body });
 * ```
 */
export function signStandardWebhook(input: SignStandardWebhookOptions & { payload: unknown; body?: never }): SignedStandardWebhook<string>;
export function signStandardWebhook<B extends string | Uint8Array>(input: SignStandardWebhookOptions & { body: B; payload?: never }): SignedStandardWebhook<B>;
export function signStandardWebhook(input: SignStandardWebhookInput): SignedStandardWebhook {
  const prefix = input.headerPrefix ?? 'webhook';
  let signer = signers.get(prefix);
  if (signer === undefined) {
    signer = standardWebhooks({ headerPrefix: prefix });
    signers.set(prefix, signer);
  }
  const headers = { 'content-type': 'application/json', [`${prefix}-id`]: input.id ?? `msg_${randomUUID()}` };
  return signDelivery(signer, { ...input, headers, keepHeaderCase: true });
}
