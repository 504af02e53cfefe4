// Framework-neutral HTTP answers: an outcome, a 405 and the raw-body-unavailable 500.
import { outcomeResponseBody, type HandleOutcome } from './outcome.js';

/** A framework-neutral HTTP answer. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The HTTP answer for an outcome: status from the contract table and the JSON body
 * `{ ok, kind, reason?, deliveryId? }`; a `Retry-After` header (seconds) when the outcome says
 * when to come back (409 `in_progress`). A 2xx outcome carrying a provider `reply` (Slack's
 * challenge echo) is answered with that reply instead.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toHttpResponse(outcome);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function toHttpResponse(outcome: HandleOutcome): HttpResponse {
  if (outcome.reply !== undefined && outcome.status < 300) {
    const { reply } = outcome;
    return {
      status: reply.status ?? outcome.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
      body: reply.body,
    };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // Refused before its body was read (too large, or no handler at this route): the sender may
  // still be uploading it, so close rather than read whatever it declared.
  if (outcome.kind === 'too_large' || outcome.kind === 'unknown_provider') headers.connection = 'close';
  // RFC 9110 §15.5.16: a 415 caused by a content coding says which codings are accepted.
  if (outcome.kind === 'unsupported_encoding') headers['accept-encoding'] = 'identity';
  if (outcome.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(outcome.retryAfterSeconds)));
  return { status: outcome.status, headers, body: JSON.stringify(outcomeResponseBody(outcome)) };
}

/**
 * The 405 answer for anything but POST on a webhook endpoint.
 *
 * @example
 * ```ts
 * if (req.method !== 'POST') return send(methodNotAllowed());
 * ```
 */
export function methodNotAllowed(): HttpResponse {
  return {
    status: 405,
    // Answered without reading a body the request may carry: close rather than drain it.
    headers: { allow: 'POST', 'content-type': 'application/json; charset=utf-8', connection: 'close' },
    body: JSON.stringify({ ok: false, kind: 'method_not_allowed', reason: 'method_not_allowed' }),
  };
}

/**
 * The 500 answer when a body parser consumed the request before the adapter could read the raw
 * bytes (which the signature covers). `message` should say how to fix the mounting order; it is
 * returned to the caller because it is a deployment mistake, not something about the sender.
 *
 * @example
 * ```ts
 * send(rawBodyUnavailable('Mount the webhook route before express.json().'));
 * ```
 */
export function rawBodyUnavailable(message: string): HttpResponse {
  return {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ok: false, kind: 'raw_body_unavailable', reason: 'raw_body_unavailable', message }),
  };
}
