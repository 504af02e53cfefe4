// Replay: run the listeners again for stored deliveries, as new attempts linked to them.
import { createDeliveryId } from './delivery-id.js';
import type { Delivery, DeliveryStatus, DeliveryStore, ListQuery } from './delivery-store.js';
import { HookgateError } from './errors.js';
import type { GatewayRouter } from './gateway.js';
import type { WebhookEndpoint } from './handler.js';
import type { DeliveryAttempt } from './inbox.js';
import { endpointsByProvider } from './worker.js';

/**
 * Statuses a delivery may be replayed from: those whose body was verified and parsed as an
 * event and whose listeners are not waiting in a queue. A rejected, invalid or unknown delivery
 * is never dispatched; a `queued`/`retrying` one will run anyway.
 *
 * @example
 * ```ts
 * REPLAYABLE_STATUSES.includes(delivery.status);
 * ```
 */
export const REPLAYABLE_STATUSES: readonly DeliveryStatus[] = ['handled', 'handler_error', 'dead'];

/** Most deliveries one {@link replayDeliveries} call re-dispatches. */
export const MAX_REPLAY_BATCH = 1000;

/**
 * Options shared by {@link replayDelivery} and {@link replayDeliveries}.
 *
 * @example
 * ```ts
 * const options: ReplayOptions = { store, handlers: gateway, requestedBy: 'dashboard:alice' };
 * ```
 */
export interface ReplayOptions {
  /** The store the deliveries are in; it must have an inbox (every built-in store has). */
  store: DeliveryStore;
  /** The handlers whose listeners run (a gateway or route id → handler), matched by provider id. */
  handlers: Readonly<Record<string, WebhookEndpoint>> | GatewayRouter;
  /** Who asked (a user name, `dashboard`, `cli`…): recorded on the attempt. Never put a secret here. */
  requestedBy: string;
  /** Clock in epoch milliseconds (tests). Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * What replaying one delivery did.
 *
 * @example
 * ```ts
 * const result: ReplayResult = { deliveryId, ok: true, attempt: 3, status: 'handled' };
 * ```
 */
export type ReplayResult =
  | { readonly deliveryId: string; readonly ok: true; readonly attempt: number; readonly status: DeliveryStatus }
  | {
      readonly deliveryId: string;
      readonly ok: false;
      /** `not_found`, `not_replayable` (its status, see {@link REPLAYABLE_STATUSES}), `no_handler` or `listener_failed`. */
      readonly reason: 'not_found' | 'not_replayable' | 'no_handler' | 'listener_failed';
      readonly message: string;
      readonly attempt?: number;
      readonly status?: DeliveryStatus;
    };

/**
 * Re-dispatches one stored delivery through the same listeners, from its stored body, as a new
 * attempt (number = the last recorded + 1, `trigger: 'replay'`, `requestedBy`, start time)
 * linked to the delivery. Success sets the delivery `handled`; a failure leaves its status and
 * records the error on the attempt. Runs in the calling process, at once (no queue).
 *
 * @throws {HookgateError} `invalid_config` when the store has no inbox or there are no handlers.
 * @example
 * ```ts
 * const result = await replayDelivery({ store, handlers: gateway, requestedBy: 'cli' }, deliveryId);
 * if (!result.ok) console.error(result.reason, result.message);
 * ```
 */
export async function replayDelivery(options: ReplayOptions, deliveryId: string): Promise<ReplayResult> {
  const { inbox, endpoints, now } = prepare(options);
  const delivery = await options.store.get(deliveryId);
  if (delivery === null) return { deliveryId, ok: false, reason: 'not_found', message: `no delivery ${deliveryId} in the store` };
  return replayOne(options, inbox, endpoints, now, delivery);
}

/**
 * What {@link replayDeliveries} did.
 *
 * @example
 * ```ts
 * const { matched, results, truncated } = await replayDeliveries(options, { status: 'dead' }, { max: 100 });
 * ```
 */
export interface ReplayBatchResult {
  /** Replayable deliveries matching the filter that were replayed (at most `max`). */
  matched: number;
  /** True when more deliveries matched than `max`: replay again to continue. */
  truncated: boolean;
  results: ReplayResult[];
}

/**
 * Counts the replayable deliveries matching `filter` (a store list query; the page `cursor` and
 * `limit` are ignored), stopping at `max` + 1: what a confirmation ("replay 37 deliveries?") shows.
 *
 * @example
 * ```ts
 * const { count, more } = await countReplayable(store, { status: 'dead', provider: 'pylon' }, 500);
 * ```
 */
export async function countReplayable(store: DeliveryStore, filter: ListQuery, max = MAX_REPLAY_BATCH): Promise<{ count: number; more: boolean }> {
  const ids = await matchingIds(store, filter, checkMax(max) + 1);
  return { count: Math.min(ids.length, max), more: ids.length > max };
}

/**
 * Replays the replayable deliveries matching `filter` — the newest `max` of them (default 100,
 * up to {@link MAX_REPLAY_BATCH}; what a list shows first), replayed oldest first — see
 * {@link replayDelivery}. One at a time, so listeners see the load of one worker. Replayed
 * deliveries become `handled`, so calling again with a status filter continues with the rest.
 *
 * @throws {HookgateError} `invalid_config` for a bad `max`, a store without inbox or no handlers.
 * @example
 * ```ts
 * const batch = await replayDeliveries({ store, handlers: gateway, requestedBy: 'alice' }, { status: 'dead', provider: 'pylon' }, { max: 200 });
 * console.log(batch.results.filter((r) => r.ok).length, 'replayed');
 * ```
 */
export async function replayDeliveries(options: ReplayOptions, filter: ListQuery, limits: { max?: number | undefined } = {}): Promise<ReplayBatchResult> {
  const max = checkMax(limits.max ?? 100);
  const { inbox, endpoints, now } = prepare(options);
  const ids = await matchingIds(options.store, filter, max + 1);
  const chosen = ids.slice(0, max).reverse(); // oldest first, as they arrived
  const results: ReplayResult[] = [];
  for (const id of chosen) {
    const delivery = await options.store.get(id);
    if (delivery === null) results.push({ deliveryId: id, ok: false, reason: 'not_found', message: `no delivery ${id} in the store` });
    else results.push(await replayOne(options, inbox, endpoints, now, delivery));
  }
  return { matched: chosen.length, truncated: ids.length > max, results };
}

function prepare(options: ReplayOptions) {
  const inbox = options.store?.inbox;
  if (inbox === undefined) throw new HookgateError('invalid_config', 'replay needs a store with an inbox (where attempts are recorded)');
  if (typeof options.requestedBy !== 'string' || options.requestedBy.trim() === '') {
    throw new HookgateError('invalid_config', 'replay needs `requestedBy`: who asked for it');
  }
  return { inbox, endpoints: endpointsByProvider(options.handlers), now: options.now ?? Date.now };
}

function checkMax(max: number): number {
  if (!Number.isSafeInteger(max) || max < 1 || max > MAX_REPLAY_BATCH) {
    throw new HookgateError('invalid_config', `replay: max must be an integer from 1 to ${MAX_REPLAY_BATCH}, got ${String(max)}`);
  }
  return max;
}

/** Ids of replayable deliveries matching `filter`, newest first, at most `limit`. */
async function matchingIds(store: DeliveryStore, filter: ListQuery, limit: number): Promise<string[]> {
  const wanted = filter.status === undefined ? [] : typeof filter.status === 'string' ? [filter.status] : [...filter.status];
  const statuses = wanted.length === 0 ? REPLAYABLE_STATUSES : wanted.filter((status) => REPLAYABLE_STATUSES.includes(status));
  if (statuses.length === 0) return [];
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    // Every page is read anyway: one pass, not a search window per page (each re-reads its start).
    const page = await store.list({ ...filter, status: statuses, cursor, limit: 500, searchWindow: Number.POSITIVE_INFINITY });
    for (const item of page.items) {
      ids.push(item.id);
      if (ids.length >= limit) return ids;
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

async function replayOne(
  options: ReplayOptions,
  inbox: NonNullable<DeliveryStore['inbox']>,
  endpoints: Map<string, WebhookEndpoint>,
  now: () => number,
  delivery: Delivery,
): Promise<ReplayResult> {
  const deliveryId = delivery.id;
  if (!REPLAYABLE_STATUSES.includes(delivery.status)) {
    return {
      deliveryId,
      ok: false,
      reason: 'not_replayable',
      message: `a ${delivery.status} delivery is not replayed (only ${REPLAYABLE_STATUSES.join(', ')})`,
      status: delivery.status,
    };
  }
  if (delivery.bodyTruncated) {
    // Nothing could run: the listeners need the whole body. Not an attempt, not a listener failure.
    return {
      deliveryId,
      ok: false,
      reason: 'not_replayable',
      message: "the stored body was cut at the store's maxBodyBytes, so it cannot be parsed again",
      status: delivery.status,
    };
  }
  const endpoint = endpoints.get(delivery.provider);
  if (endpoint?.redeliver === undefined) {
    return { deliveryId, ok: false, reason: 'no_handler', message: `no handler for provider "${delivery.provider}"`, status: delivery.status };
  }
  // Replays of one delivery in this process run one after another: each reads the attempts the
  // previous one recorded, so each gets its own number (three at once all took number 3).
  const redeliver = endpoint.redeliver.bind(endpoint);
  return oneAtATime(options.store, deliveryId, () => runReplay(options, inbox, redeliver, now, delivery));
}

/** Replays of one delivery of one store, in this process, chained: each starts once the one before settled. */
const replaysInFlight = new WeakMap<DeliveryStore, Map<string, Promise<unknown>>>();

async function oneAtATime<T>(store: DeliveryStore, deliveryId: string, run: () => Promise<T>): Promise<T> {
  let chains = replaysInFlight.get(store);
  if (chains === undefined) {
    chains = new Map();
    replaysInFlight.set(store, chains);
  }
  const previous = chains.get(deliveryId) ?? Promise.resolve();
  const next = previous.then(run, run);
  chains.set(deliveryId, next);
  try {
    return await next;
  } finally {
    if (chains.get(deliveryId) === next) chains.delete(deliveryId);
  }
}

async function runReplay(
  options: ReplayOptions,
  inbox: NonNullable<DeliveryStore['inbox']>,
  redeliver: NonNullable<WebhookEndpoint['redeliver']>,
  now: () => number,
  delivery: Delivery,
): Promise<ReplayResult> {
  const deliveryId = delivery.id;
  const previous = await inbox.attempts(deliveryId);
  const number = Math.max(1, ...previous.map((attempt) => attempt.attempt)) + 1;
  const startedAt = now();
  const started = performance.now();
  const result = await redeliver({ delivery, attempt: number });
  const attempt: DeliveryAttempt = {
    id: createDeliveryId(startedAt),
    deliveryId,
    attempt: number,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: performance.now() - started,
    error: result.ok ? null : result.error,
    trigger: 'replay',
    requestedBy: options.requestedBy,
  };
  const update = result.ok
    ? { status: 'handled' as const, reason: null, message: null }
    : { status: delivery.status, reason: delivery.reason, message: delivery.message };
  await inbox.recordAttempt(attempt, update);
  if (result.ok) return { deliveryId, ok: true, attempt: number, status: 'handled' };
  return { deliveryId, ok: false, reason: 'listener_failed', message: result.error, attempt: number, status: delivery.status };
}
