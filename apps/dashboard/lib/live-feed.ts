import { DELIVERY_STATUSES, type DeliveryStatus, type DeliveryStore } from '@hookgate/core';

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
  timer: NodeJS.Timeout | undefined;
  checking: Promise<void> | undefined;
  /** A notification came while a read ran: one more read follows it. */
  again: boolean;
  store: () => Promise<DeliveryStore>;
}

const feedKey = Symbol.for('hookgate.dashboard.live-feed');
type FeedCache = { [feedKey]?: Feed };

/**
 * The process's one change feed: while at least one browser listens, one reader (not one per
 * browser) checks the store every {@link FEED_POLL_MS} ms — what other gateway and worker
 * processes on a shared store did included — and at once when this process has just recorded or
 * replayed something ({@link notifyDelivery}). A read is three cheap queries: the newest
 * delivery, the per-status counts of the recent window (`stats`, answered from the time index),
 * and, per delivery some page watches, that delivery and its attempts. Listeners hear a
 * {@link FeedEvent} whenever one of them moved. Cached on `globalThis` like the runtime, so the
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
  const feed = cache[feedKey] ?? {
    subscribers: new Set<Subscriber>(),
    newest: null,
    counts: null,
    windowFrom: 0,
    timer: undefined,
    checking: undefined,
    again: false,
    store,
  };
  cache[feedKey] = feed;
  const { watch } = subscription;
  const subscriber: Subscriber = { listener, watch: watch ? { id: watch.id, known: watchKey(watch.status, watch.attempts) } : undefined };
  feed.subscribers.add(subscriber);
  if (feed.timer === undefined) {
    // A new window: counts from before it (an idle feed) would compare against a different range.
    feed.windowFrom = Date.now() - FEED_STATUS_WINDOW_MS;
    feed.counts = null;
    feed.timer = setInterval(() => void check(feed), FEED_POLL_MS);
    feed.timer.unref();
    void check(feed); // the baseline now, so a change within the first second is announced
  } else if (watch) {
    void check(feed); // a watcher's page may already be behind
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
  if (feed && feed.subscribers.size > 0) void check(feed);
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

function check(feed: Feed): Promise<void> {
  // One read at a time: a burst of notifications while a read runs is covered by one more read.
  if (feed.checking) {
    feed.again = true;
    return feed.checking;
  }
  feed.checking = (async () => {
    try {
      const store = await feed.store();
      const watched = new Set<string>();
      for (const subscriber of feed.subscribers) if (subscriber.watch) watched.add(subscriber.watch.id);
      const [page, stats, states] = await Promise.all([
        store.list({ limit: 1 }),
        // `to` a minute ahead: a delivery stamped by a clock slightly ahead of ours still counts.
        store.stats({ from: new Date(feed.windowFrom), to: new Date(Date.now() + 60_000), bucket: 'day' }),
        Promise.all([...watched].map((id) => readWatched(store, id))),
      ]);
      const events: FeedEvent[] = [];
      const [newest] = page.items;
      if (newest && (feed.newest === null || newest.id !== feed.newest.id)) {
        feed.newest = { receivedAt: newest.receivedAt, id: newest.id };
        events.push({ kind: 'delivery', newest: feed.newest });
      }
      const counts = DELIVERY_STATUSES.map((status) => stats.totals[status]).join(',');
      if (feed.counts !== null && counts !== feed.counts) events.push({ kind: 'change' });
      feed.counts = counts;
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
    } finally {
      feed.checking = undefined;
      if (feed.again) {
        feed.again = false;
        void check(feed);
      }
    }
  })();
  return feed.checking;
}

async function readWatched(store: DeliveryStore, id: string): Promise<WatchedState | null> {
  const [delivery, attempts] = await Promise.all([store.get(id), store.inbox ? store.inbox.attempts(id) : Promise.resolve([])]);
  return delivery ? { id, status: delivery.status, attempts: attempts.length } : null;
}
