import { hexOf } from './bytes.js';

const pool = new Uint8Array(16 * 256);
let poolOffset = pool.length;
let lastMs = -1;
let sequence = 0;

/**
 * A time-ordered UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then a 12-bit counter that
 * keeps ids from one process strictly increasing within a millisecond, then random bits.
 *
 * @example
 * ```ts
 * createDeliveryId(); // '0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b'
 * ```
 */
export function createDeliveryId(now: number = Date.now()): string {
  if (poolOffset + 16 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) ms = lastMs + 1; // counter wrapped: borrow the next millisecond
  } else {
    sequence = bytes[6]! & 0x07; // random start leaves room to count up
  }
  lastMs = ms;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = hexOf(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The creation time encoded in a UUIDv7 (epoch milliseconds), or NaN for other strings.
 *
 * @example
 * ```ts
 * new Date(deliveryIdTime(createDeliveryId()));
 * ```
 */
export function deliveryIdTime(id: string): number {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7/i.test(id)) return Number.NaN;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
