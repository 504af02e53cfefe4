import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The hand-written limits Hookgate is compared with: what a careful engineer writes with
 * node:crypto alone for one provider, with no library. They do the same checks Hookgate does
 * (header present, timestamp digits and tolerance, HMAC, constant-time compare) and nothing more.
 */

const TIMESTAMP_DIGITS = /^\d{1,12}$/;

/**
 * Pylon by hand: `X-Pylon-Timestamp` within 300 s, HMAC-SHA256 over `${ts}.${body}`, hex,
 * `timingSafeEqual` on the decoded digest.
 *
 * @example
 * ```ts
 * floorVerifyPylon(req.headers, rawBody, 'secret', Date.now()); // true | false
 * ```
 */
export function floorVerifyPylon(headers: IncomingHttpHeaders, body: Uint8Array, secret: string, nowMs: number): boolean {
  const signature = headers['x-pylon-signature'];
  const timestamp = headers['x-pylon-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !TIMESTAMP_DIGITS.test(timestamp)) return false;
  if (Math.abs(nowMs - Number(timestamp) * 1000) > 300_000) return false;
  const expected = createHmac('sha256', secret).update(timestamp).update('.').update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Webhooks B by hand: HMAC-SHA512 over `POST|${X-Timestamp}|${body}`, header `v1=` + padded base64.
 *
 * @example
 * ```ts
 * floorVerifyWebhooksB('POST', req.headers, rawBody, 'secret'); // true | false
 * ```
 */
export function floorVerifyWebhooksB(method: string, headers: IncomingHttpHeaders, body: Uint8Array, secret: string): boolean {
  const signature = headers['x-webhook-signature'];
  if (typeof signature !== 'string' || !signature.startsWith('v1=')) return false;
  const timestamp = headers['x-timestamp'];
  const expected = createHmac('sha512', secret)
    .update(`${method}|${typeof timestamp === 'string' ? timestamp : ''}|`)
    .update(body)
    .digest();
  const given = Buffer.from(signature.slice(3), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const decoder = new TextDecoder();

/**
 * The parse half of the floor: `JSON.parse` of the body, no validation.
 *
 * @example
 * ```ts
 * floorParse(rawBody); // { event_type: 'issue_new', … }
 * ```
 */
export function floorParse(body: Uint8Array): unknown {
  return JSON.parse(decoder.decode(body));
}
