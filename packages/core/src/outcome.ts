import type { DeliveryStatus } from './delivery-store.js';
import type { ProviderReply } from './provider.js';

/** Every outcome of `handle()`: a delivery status, or a refusal before anything was recorded. */
export type OutcomeKind = DeliveryStatus | 'store_unavailable' | 'too_large' | 'unsupported_encoding' | 'unknown_provider' | 'probe';

/**
 * What `handle()` returns: the HTTP status to answer and why. Recorded outcomes carry the
 * `deliveryId` of their row.
 *
 * @example
 * ```ts
 * const outcome = await handler.handle(request);
 * res.status(outcome.status).json(outcomeResponseBody(outcome));
 * ```
 */
export interface HandleOutcome {
  readonly status: number;
  readonly kind: OutcomeKind;
  readonly reason?: string;
  readonly message?: string;
  readonly deliveryId?: string;
  readonly event?: string;
  readonly variant?: string;
  /** For a duplicate: the delivery whose handling completed first. For `in_progress`: the delivery still processing it. */
  readonly duplicateOf?: string;
  /** For a 2xx outcome: the provider's own answer (e.g. Slack's challenge echo, or a `probe`'s), written instead of the JSON body. */
  readonly reply?: ProviderReply;
  /** For `in_progress`: seconds until the other attempt's lease ends (at least 1), sent as `Retry-After`. */
  readonly retryAfterSeconds?: number;
}

/**
 * HTTP status per outcome kind: 2xx only for what was recorded and need not be resent; 409 for
 * a copy that arrived while another attempt was still processing it (retry later); 503 for a
 * store outage so the provider retries.
 *
 * @example
 * ```ts
 * OUTCOME_STATUS.rejected_signature; // 401
 * OUTCOME_STATUS.store_unavailable; // 503
 * ```
 */
export const OUTCOME_STATUS: Readonly<Record<OutcomeKind, number>> = {
  handled: 200,
  duplicate: 200,
  // A provider's unsigned endpoint check (Slack's ssl_check), answered with its reply; not recorded.
  probe: 200,
  unknown_event: 202,
  // Inbox mode: accepted and durably queued. `retrying` and `dead` are later states of a queued
  // delivery, never answers of their own: the sender was answered 202.
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
};

/** The JSON body adapters answer with. Never contains secrets, signatures or payloads. */
export interface OutcomeResponseBody {
  ok: boolean;
  kind: OutcomeKind;
  reason?: string;
  deliveryId?: string;
}

/**
 * The JSON body for an outcome: `{ ok, kind, reason?, deliveryId? }`.
 *
 * @example
 * ```ts
 * outcomeResponseBody({ status: 401, kind: 'rejected_signature', reason: 'signature_mismatch' });
 * // { ok: false, kind: 'rejected_signature', reason: 'signature_mismatch' }
 * ```
 */
export function outcomeResponseBody(outcome: HandleOutcome): OutcomeResponseBody {
  const body: OutcomeResponseBody = { ok: outcome.status < 300, kind: outcome.kind };
  if (outcome.reason !== undefined) body.reason = outcome.reason;
  if (outcome.deliveryId !== undefined) body.deliveryId = outcome.deliveryId;
  return body;
}

/**
 * Builds an outcome that is not a recorded delivery (too large, a `Content-Encoding` core does not
 * decode, unknown provider, store down).
 *
 * @example
 * ```ts
 * refusal('too_large', 'body exceeds 1048576 bytes'); // { status: 413, kind: 'too_large', … }
 * ```
 */
export function refusal(kind: 'too_large' | 'unsupported_encoding' | 'unknown_provider' | 'store_unavailable', message: string): HandleOutcome {
  return { status: OUTCOME_STATUS[kind], kind, reason: kind, message };
}
