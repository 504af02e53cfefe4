import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
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

/**
 * The hand-written in-memory delivery log a careful engineer would keep next to the floor route:
 * a dedupe map from SHA-256 of the signed Pylon message (`${timestamp}.${body}`) to an id, and a
 * map from id to what was received (id, time, headers with the signature redacted, body text,
 * status), bounded like `MemoryStore`'s default history: past `maxEntries` (12,000, about what
 * its 16 MiB hold of ~1 KB deliveries) the oldest record goes; the dedupe map keeps every key, as
 * the store keeps its claims for their window. What keeping history costs by itself, without
 * Hookgate.
 *
 * @example
 * ```ts
 * const log = new FloorDeliveryLog();
 * if (floorVerifyPylon(headers, body, secret, Date.now())) log.keep(headers, body); // true: kept
 * ```
 */
export class FloorDeliveryLog {
  readonly #seen = new Map<string, string>();
  readonly #log = new Map<string, { id: string; receivedAt: number; headers: Record<string, string>; body: string; status: string }>();
  readonly #decoder = new TextDecoder();
  readonly #maxEntries: number;

  constructor(maxEntries = 12_000) {
    this.#maxEntries = maxEntries;
  }

  /** Keeps a verified delivery; false when its signed message was kept before (a duplicate). */
  keep(headers: IncomingHttpHeaders, body: Uint8Array): boolean {
    const key = createHash('sha256').update(String(headers['x-pylon-timestamp'])).update('.').update(body).digest('hex');
    if (this.#seen.has(key)) return false;
    const id = randomUUID();
    const kept: Record<string, string> = {};
    for (const name in headers) kept[name] = name === 'x-pylon-signature' ? '[redacted]' : String(headers[name]);
    this.#seen.set(key, id);
    this.#log.set(id, { id, receivedAt: Date.now(), headers: kept, body: this.#decoder.decode(body), status: 'handled' });
    if (this.#log.size > this.#maxEntries) this.#log.delete(this.#log.keys().next().value!);
    return true;
  }
}

/** Microseconds of busy-wait the `floor-busy` HTTP target adds to each request (bench section `http`). */
export const BUSY_WAIT_MICROS = 5;

/**
 * Spins for `micros` microseconds of wall time (CPU time on an otherwise idle core): extra work
 * of a known size, to calibrate what it costs a route in requests/s.
 *
 * @example
 * ```ts
 * busyWait(BUSY_WAIT_MICROS);
 * ```
 */
export function busyWait(micros: number): void {
  const end = performance.now() + micros / 1000;
  while (performance.now() < end) {
    // spin
  }
}
