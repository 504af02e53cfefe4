const DELIVERY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a UUID-shaped delivery id (stores issue UUIDv7). Anything else cannot exist, so
 * routes answer 404 without asking the store (and never hand it to a typed uuid column).
 *
 * @example
 * ```ts
 * isDeliveryId('0190f4c2-8a31-7c3e-9b1d-2f6a5e4d3c21'); // true
 * isDeliveryId('%ZZ'); // false
 * ```
 */
export function isDeliveryId(id: string): boolean {
  return DELIVERY_ID.test(id);
}
