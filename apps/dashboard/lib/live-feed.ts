import { DELIVERY_STATUSES, listSummaries, type DeliveryStatus, type DeliveryStore } from '@hookgate/core';
import { pace } from './live-stream';

/** Where the newest delivery sits in the list's keyset order. */
export interface FeedPosition {
  receivedAt: string;
  id: string;
}

/** What a watched delivery looks like now: its status and how many attempts it has. */
export interface WatchedState {
  id: string;
  status: DeliveryStatus;
  attempts: number;
}

/**
 * What a listener hears:
 * - `delivery`: the newest delivery moved (a new one was recorded);
 * - `change`: the per-status counts moved (a worker finished an attempt, a replay, a new
 *   delivery): pages showing a delivery that may change read again;
 * - `watched`: the delivery the listener watches has another status or attempt count.
 */
export type FeedEvent = { kind: 'delivery'; newest: FeedPosition } | { kind: 'change' } | { kind: 'watched'; state: WatchedState };

/** How often the store is read while someone listens: catches what other processes recorded. */
export const FEED_POLL_MS = 1000;

/**
 * How far back the per-status counts reach when the feed starts: a status change of a delivery
 * received earlier (a retry schedule longer than this, a replay from another process) is not
 * announced. Anchored when the first listener arrives, so rows ageing out of it do not look like
 * changes.
 */
export const FEED_STATUS_WINDOW_MS = 24 * 3_600_000;

/**
 * The per-status counts are the one read that grows with the history (272k deliveries in the
 * window: ~320 ms on SQLite, which blocks the event loop). They are read at most once per
 * {@link FEED_POLL_MS} ms and never more often than this many times their last duration allows:
 * at most a tenth of the time goes to them, however fast deliveries arrive.
 */
export const FEED_COUNTS_COST_FACTOR = 10;

/**
 * Reads of the store start at most this often, whatever asks for them (the poll, notifications
 * from {@link notifyDelivery}, a new watcher): a burst of deliveries is announced once per
 * interval (its newest), not once per delivery, so pages that re-read on an event are not asked
 * to do so hundreds of times a second.
 */
export const FEED_NOTIFY_MIN_MS = 250;

/** What a listener asked for: every event, plus `watched` for one delivery. */
export interface FeedSubscription {
  /** A delivery id to watch, with the state the page shows (an event comes as soon as it differs). */
  watch?: { id: string; status: string; attempts: number } | undefined;
}

type Listener = (event: FeedEvent) => void;

interface Subscriber {
  listener: Listener;
  watch: { id: string; known: string } | undefined;
}

interface Feed {
  subscribers: Set<Subscriber>;
  newest: FeedPosition | null;
  /** Per-status counts since {@link Feed.windowFrom}, as one comparable string; null before the first read. */
  counts: string | null;
  /** Start of the counted window, fixed while anyone listens. */
  windowFrom: number;
  /** When the counts may be read next (epoch ms); see {@link FEED_COUNTS_COST_FACTOR}. */
  countsDueAt: number;
  timer: NodeJS.Timeout | undefined;
  /**
   * The store reads, paced: one at a time, {@link FEED_NOTIFY_MIN_MS} apart; requests meanwhile
   * (polls, notifications, new watchers) become one read after.
   */
  reads: { request(): void };
  store: () => Promise<DeliveryStore>;
}

const feedKey = Symbol.for('hookgate.dashboard.live-feed');
type FeedCache = { [feedKey]?: Feed };

/**
 * The process's one change feed: while at least one browser listens, one reader (not one per
 * browser) checks the store every {@link FEED_POLL_MS} ms — what other gateway and worker
 * processes on a shared store did included — and at once when this process has just recorded or
 * replayed something ({@link notifyDelivery}). A read is the newest delivery and, per delivery
 * some page watches, that delivery and its attempts (cheap), plus, when due, the per-status counts
 * of the recent window (`stats`: their cost grows with the history, so they are read at most
 * once a second and at most a tenth of the time, see {@link FEED_COUNTS_COST_FACTOR}). Listeners
 * hear a {@link FeedEvent} whenever one of them moved. Cached on `globalThis` like the runtime, so the
 * route bundles share it.
 *
 * @example
 * ```ts
 * const stop = subscribeDeliveries(() => getRuntime().then((runtime) => runtime.store), (event) => send(event), {
 *   watch: { id: deliveryId, status: 'queued', attempts: 0 },
 * });
 * stop();
 * ```
 */
export function subscribeDeliveries(store: () => Promise<DeliveryStore>, listener: Listener, subscription: FeedSubscription = {}): () => void {
  const cache = globalThis as FeedCache;
  const feed = cache[feedKey] ?? newFeed(store);
  cache[feedKey] = feed;
  const { watch } = subscription;
  const subscriber: Subscriber = { listener, watch: watch ? { id: watch.id, known: watchKey(watch.status, watch.attempts) } : undefined };
  feed.subscribers.add(subscriber);
  if (feed.timer === undefined) {
    // A new window: counts from before it (an idle feed) would compare against a different range.
    feed.windowFrom = Date.now() - FEED_STATUS_WINDOW_MS;
    feed.counts = null;
    feed.countsDueAt = 0;
    feed.timer = setInterval(() => feed.reads.request(), FEED_POLL_MS);
    feed.timer.unref();
    feed.reads.request(); // the baseline now, so a change within the first second is announced
  } else if (watch) {
    feed.reads.request(); // a watcher's page may already be behind
  }
  return () => {
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size === 0 && feed.timer !== undefined) {
      clearInterval(feed.timer);
      feed.timer = undefined;
    }
  };
}

/**
 * Tells the feed that this process just recorded a delivery or replayed some, so listeners hear
 * of it now rather than at the next read. Cheap when nobody listens.
 *
 * @example
 * ```ts
 * const response = await routes.POST(request, context);
 * notifyDelivery();
 * ```
 */
export function notifyDelivery(): void {
  const feed = (globalThis as FeedCache)[feedKey];
  if (feed && feed.subscribers.size > 0) feed.reads.request();
}

/**
 * The newest position the feed has seen, or null before its first read.
 *
 * @example
 * ```ts
 * currentNewest()?.id; // '0193…'
 * ```
 */
export function currentNewest(): FeedPosition | null {
  return (globalThis as FeedCache)[feedKey]?.newest ?? null;
}

function watchKey(status: string, attempts: number): string {
  return `${status}:${attempts}`;
}

function newFeed(store: () => Promise<DeliveryStore>): Feed {
  const feed: Feed = {
    subscribers: new Set<Subscriber>(),
    newest: null,
    counts: null,
    windowFrom: 0,
    countsDueAt: 0,
    timer: undefined,
    reads: pace(() => check(feed), { minGapMs: FEED_NOTIFY_MIN_MS, costFactor: 0 }),
    store,
  };
  return feed;
}

async function check(feed: Feed): Promise<void> {
  try {
    const store = await feed.store();
    const watched = new Set<string>();
    for (const subscriber of feed.subscribers) if (subscriber.watch) watched.add(subscriber.watch.id);
    const [page, counts, states] = await Promise.all([
      listSummaries(store, { limit: 1 }),
      Date.now() >= feed.countsDueAt ? readCounts(store, feed) : Promise.resolve(null),
      Promise.all([...watched].map((id) => readWatched(store, id))),
    ]);
    const events: FeedEvent[] = [];
    const [newest] = page.items;
    if (newest && (feed.newest === null || newest.id !== feed.newest.id)) {
      feed.newest = { receivedAt: newest.receivedAt, id: newest.id };
      events.push({ kind: 'delivery', newest: feed.newest });
    }
    if (counts !== null) {
      if (feed.counts !== null && counts !== feed.counts) events.push({ kind: 'change' });
      feed.counts = counts;
    }
    for (const subscriber of feed.subscribers) {
      for (const event of events) subscriber.listener(event);
      const state = subscriber.watch && states.find((candidate) => candidate?.id === subscriber.watch!.id);
      if (!subscriber.watch || !state) continue;
      const key = watchKey(state.status, state.attempts);
      if (key === subscriber.watch.known) continue;
      subscriber.watch.known = key;
      subscriber.listener({ kind: 'watched', state });
    }
  } catch {
    // The store is down: the next read tries again; clients keep their stream.
  }
}

/** The per-status counts of the feed's window as one comparable string; schedules the next read by its cost. */
async function readCounts(store: DeliveryStore, feed: Feed): Promise<string> {
  const started = performance.now();
  feed.countsDueAt = Number.POSITIVE_INFINITY; // not again while this one runs
  try {
    // `to` a minute ahead: a delivery stamped by a clock slightly ahead of ours still counts.
    const stats = await store.stats({ from: new Date(feed.windowFrom), to: new Date(Date.now() + 60_000), bucket: 'day' });
    return DELIVERY_STATUSES.map((status) => stats.totals[status]).join(',');
  } finally {
    const took = performance.now() - started;
    feed.countsDueAt = Date.now() + Math.max(FEED_POLL_MS, FEED_COUNTS_COST_FACTOR * took) - took;
  }
}

async function readWatched(store: DeliveryStore, id: string): Promise<WatchedState | null> {
  const [delivery, attempts] = await Promise.all([store.get(id), store.inbox ? store.inbox.attempts(id) : Promise.resolve([])]);
  return delivery ? { id, status: delivery.status, attempts: attempts.length } : null;
}
