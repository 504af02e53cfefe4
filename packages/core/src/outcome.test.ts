import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUSES } from './delivery-store.js';
import { OUTCOME_STATUS, outcomeResponseBody, refusal } from './outcome.js';

describe('OUTCOME_STATUS', () => {
  it('matches the contract table', () => {
    expect(OUTCOME_STATUS).toEqual({
      handled: 200,
      duplicate: 200,
      probe: 200,
      unknown_event: 202,
      queued: 202,
      retrying: 202,
      dead: 202,
      invalid_payload: 400,
      rejected_signature: 401,
      unknown_provider: 404,
      in_progress: 409,
      too_large: 413,
      unsupported_encoding: 415,
      handler_error: 500,
      store_unavailable: 503,
    });
  });

  it('has a status for every delivery status', () => {
    for (const status of DELIVERY_STATUSES) expect(OUTCOME_STATUS[status]).toBeGreaterThanOrEqual(200);
  });
});

describe('outcomeResponseBody()', () => {
  it('ok for 2xx, never the message, event or payload', () => {
    expect(outcomeResponseBody({ status: 200, kind: 'handled', event: 'e', message: 'm', deliveryId: 'd' })).toEqual({
      ok: true,
      kind: 'handled',
      deliveryId: 'd',
    });
    expect(outcomeResponseBody({ status: 401, kind: 'rejected_signature', reason: 'signature_mismatch', message: 'secret detail' })).toEqual({
      ok: false,
      kind: 'rejected_signature',
      reason: 'signature_mismatch',
    });
    expect(outcomeResponseBody({ status: 202, kind: 'unknown_event' }).ok).toBe(true);
  });
});

describe('refusal()', () => {
  it.each([
    ['too_large', 413],
    ['unsupported_encoding', 415],
    ['unknown_provider', 404],
    ['store_unavailable', 503],
  ] as const)('%s → %i with reason = kind', (kind, status) => {
    expect(refusal(kind, 'why')).toEqual({ status, kind, reason: kind, message: 'why' });
  });
});
