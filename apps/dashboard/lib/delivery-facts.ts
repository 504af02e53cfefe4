import type { Delivery } from '@hookgate/core';

/**
 * Why a recorded delivery has no dedupe key, in words that match what happened: core computes a
 * key only for a verified delivery whose event it recognised and parsed, so a 202 unknown event
 * was verified (see its secret) and still has none.
 *
 * @example
 * ```ts
 * noDedupeKeyReason({ status: 'unknown_event' }); // 'none: no event was recognised, so there was nothing to deduplicate'
 * ```
 */
export function noDedupeKeyReason(delivery: Pick<Delivery, 'status'>): string {
  switch (delivery.status) {
    case 'rejected_signature':
      return 'none: the signature did not verify, so nothing was deduplicated';
    case 'unknown_event':
      return 'none: no event was recognised, so there was nothing to deduplicate';
    case 'invalid_payload':
      return 'none: the payload did not match its schema, so nothing was deduplicated';
    case 'handler_error':
      return 'none: it failed before a key was computed';
    default:
      return 'none recorded';
  }
}

/**
 * What the signature check found, as the detail page says it. A missing `secretIndex` on a
 * delivery that was not rejected is said to be unknown rather than claimed as verified (a
 * provider's parser that threw is recorded as `handler_error` without one).
 *
 * @example
 * ```ts
 * signatureFact({ status: 'unknown_event', secretIndex: 0, reason: 'unknown_event_type' }); // { kind: 'verified', secretIndex: 0 }
 * ```
 */
export function signatureFact(
  delivery: Pick<Delivery, 'status' | 'secretIndex' | 'reason'>,
): { kind: 'rejected'; reason: string } | { kind: 'verified'; secretIndex: number } | { kind: 'unknown' } {
  if (delivery.status === 'rejected_signature') return { kind: 'rejected', reason: delivery.reason ?? 'signature_mismatch' };
  if (delivery.secretIndex !== null) return { kind: 'verified', secretIndex: delivery.secretIndex };
  return { kind: 'unknown' };
}

/**
 * The label of the link to another delivery of the same key: a `duplicate` points at the one
 * handled first, an `in_progress` copy at the attempt that was still processing when it arrived.
 *
 * @example
 * ```ts
 * relatedDeliveryLabel('in_progress'); // 'Refused while processing'
 * ```
 */
export function relatedDeliveryLabel(status: Delivery['status']): string {
  return status === 'in_progress' ? 'Refused while processing' : 'Duplicate of';
}
