import { OUTCOME_STATUS, type Delivery, type DeliveryAttempt } from '@hookgate/core';

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

/**
 * What the sender was answered, told apart from what processing did afterwards:
 * - `queued`: inbox mode — answered 202 `queued` at once; the status is the worker's outcome.
 *   Known from the status (`queued`, `retrying`, `dead` only exist in inbox mode) or from a
 *   worker attempt in the delivery's attempts.
 * - `direct`: the status is the answer (inline mode, or refused before any listener ran).
 * - `replayed`: inline mode, replayed to `handled` since: the first answer was 200, or 500 if
 *   the listeners had failed — the store does not keep which.
 *
 * @example
 * ```ts
 * providerAnswer({ status: 'handled' }, [{ trigger: 'worker' }]); // { kind: 'queued', http: 202 }
 * providerAnswer({ status: 'handled' }, []); // { kind: 'direct', http: 200 }
 * ```
 */
export function providerAnswer(
  delivery: Pick<Delivery, 'status'>,
  attempts: ReadonlyArray<Pick<DeliveryAttempt, 'trigger'>> | null,
): { kind: 'queued'; http: 202 } | { kind: 'direct'; http: number } | { kind: 'replayed'; http: readonly [200, 500] } {
  const { status } = delivery;
  if (INBOX_ONLY_STATUSES.has(status) || attempts?.some((attempt) => attempt.trigger === 'worker')) return { kind: 'queued', http: 202 };
  if (status === 'handled' && attempts !== null && attempts.length > 0) return { kind: 'replayed', http: [200, 500] };
  return { kind: 'direct', http: OUTCOME_STATUS[status] };
}

const INBOX_ONLY_STATUSES: ReadonlySet<Delivery['status']> = new Set(['queued', 'retrying', 'dead']);
