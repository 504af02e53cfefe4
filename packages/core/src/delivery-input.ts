import { createDeliveryId } from './delivery-id.js';
import type { DeliveryInput } from './delivery-store.js';

/**
 * A complete {@link DeliveryInput} for store tests: a handled Pylon `IssueNewEvent`, received now
 * (or at `overrides.receivedAt`), with a UUIDv7 id of that instant. Every field can be overridden.
 *
 * @example
 * ```ts
 * import { deliveryInput } from '@hookgate/core/testing';
 * await store.record(deliveryInput({ status: 'rejected_signature', reason: 'signature_mismatch' }));
 * ```
 */
export function deliveryInput(overrides: Partial<DeliveryInput> = {}): DeliveryInput {
  const receivedAt = overrides.receivedAt ?? new Date().toISOString();
  return {
    id: createDeliveryId(Date.parse(receivedAt)),
    receivedAt,
    provider: 'pylon',
    event: 'IssueNewEvent',
    variant: 'IssueNewEvent',
    status: 'handled',
    reason: null,
    message: null,
    dedupeKey: 'evt_1',
    duplicateOf: null,
    secretIndex: 0,
    method: 'POST',
    path: '/webhooks/pylon',
    headers: { 'content-type': 'application/json' },
    rawBody: new TextEncoder().encode('{"event_type":"issue_new"}'),
    payload: { event_type: 'issue_new' },
    durationMs: 1,
    ...overrides,
  };
}
