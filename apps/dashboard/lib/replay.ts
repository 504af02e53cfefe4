import { countReplayable, replayDeliveries, replayDelivery, type ListQuery, type ReplayResult } from '@hookgate/core';
import type { AccessDecision } from './auth';
import { PEER_ADDRESS_HEADER } from './auth';
import { notifyDelivery } from './live-feed';
import { getRuntime } from './runtime';

/** Most deliveries one "Replay matching" click re-dispatches (the confirmation shows how many). */
export const REPLAY_BATCH_LIMIT = 100;

/**
 * Who asked for a replay, as recorded on the attempt: how the request was let in (never the token).
 *
 * @example
 * ```ts
 * requester({ kind: 'allowed', via: 'cookie' }, request); // 'dashboard (signed-in session)'
 * ```
 */
export function requester(decision: Extract<AccessDecision, { kind: 'allowed' }>, request: Request): string {
  if (decision.via === 'cookie') return 'dashboard (signed-in session)';
  if (decision.via === 'bearer') return 'dashboard (bearer token)';
  return `dashboard (loopback ${request.headers.get(PEER_ADDRESS_HEADER) ?? 'client'})`;
}

/**
 * Replays one delivery through the dashboard gateway's listeners (see core's `replayDelivery`).
 *
 * @example
 * ```ts
 * const result = await replayOne(id, 'dashboard (loopback 127.0.0.1)');
 * ```
 */
export async function replayOne(deliveryId: string, requestedBy: string): Promise<ReplayResult> {
  const { store, gateway } = await getRuntime();
  const result = await replayDelivery({ store, handlers: gateway, requestedBy }, deliveryId);
  // Pages watching it (or listing it) hear of the new attempt now.
  notifyDelivery();
  return result;
}

/** What the "Replay matching" confirmation shows. */
export interface ReplayCount {
  /** Replayable deliveries matching the filter, at most {@link REPLAY_BATCH_LIMIT}. */
  count: number;
  /** More match than one batch replays. */
  more: boolean;
  limit: number;
}

/**
 * Counts the replayable deliveries a filter matches, up to one batch.
 *
 * @example
 * ```ts
 * const { count, more } = await countMatching({ status: 'dead' });
 * ```
 */
export async function countMatching(filter: ListQuery): Promise<ReplayCount> {
  const { store } = await getRuntime();
  const { count, more } = await countReplayable(store, filter, REPLAY_BATCH_LIMIT);
  return { count, more, limit: REPLAY_BATCH_LIMIT };
}

/** What a batch replay did, for the page: counts and the failures (first ones). */
export interface ReplaySummary {
  matched: number;
  replayed: number;
  failed: number;
  truncated: boolean;
  failures: Array<{ deliveryId: string; reason: string; message: string }>;
}

/**
 * Replays up to `max` (at most {@link REPLAY_BATCH_LIMIT}) replayable deliveries matching
 * `filter`: the newest ones, replayed oldest first.
 *
 * @example
 * ```ts
 * const summary = await replayMatching({ status: 'dead', provider: 'pylon' }, 'dashboard (bearer token)');
 * ```
 */
export async function replayMatching(filter: ListQuery, requestedBy: string, max: number = REPLAY_BATCH_LIMIT): Promise<ReplaySummary> {
  const { store, gateway } = await getRuntime();
  const batch = await replayDeliveries({ store, handlers: gateway, requestedBy }, filter, { max: Math.min(max, REPLAY_BATCH_LIMIT) });
  notifyDelivery();
  const failures = batch.results.flatMap((result) => (result.ok ? [] : [{ deliveryId: result.deliveryId, reason: result.reason, message: result.message }]));
  return {
    matched: batch.matched,
    replayed: batch.results.length - failures.length,
    failed: failures.length,
    truncated: batch.truncated,
    failures: failures.slice(0, 20),
  };
}
