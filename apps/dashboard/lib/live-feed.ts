import type { DeliveryStore } from '@hookgate/core';

/** Where the newest delivery sits in the list's keyset order. */
export interface FeedPosition {
  receivedAt: string;
  id: string;
}

/** How often the store is read while someone listens: catches deliveries other processes recorded. */
export const FEED_POLL_MS = 1000;

type Listener = (position: FeedPosition) => void;

interface Feed {
  listeners: Set<Listener>;
  newest: FeedPosition | null;
  timer: NodeJS.Timeout | undefined;
  checking: Promise<void> | undefined;
  store: () => Promise<DeliveryStore>;
}

const feedKey = Symbol.for('hookgate.dashboard.live-feed');
type FeedCache = { [feedKey]?: Feed };

/**
 * The process's one change feed: while at least one browser listens, one reader (not one per
 * browser) checks the store's newest delivery every {@link FEED_POLL_MS} ms — deliveries other
 * gateway processes record on a shared PostgreSQL included — and at once when this process's
 * webhook route has just recorded one ({@link notifyDelivery}). Listeners hear the newest
 * position whenever it moves. Cached on `globalThis` like the runtime, so the route bundles share it.
 *
 * @example
 * ```ts
 * const stop = subscribeDeliveries(() => getRuntime().then((runtime) => runtime.store), (newest) => send(newest));
 * stop();
 * ```
 */
export function subscribeDeliveries(store: () => Promise<DeliveryStore>, listener: Listener): () => void {
  const cache = globalThis as FeedCache;
  const feed = cache[feedKey] ?? { listeners: new Set<Listener>(), newest: null, timer: undefined, checking: undefined, store };
  cache[feedKey] = feed;
  feed.listeners.add(listener);
  if (feed.timer === undefined) {
    feed.timer = setInterval(() => void check(feed), FEED_POLL_MS);
    feed.timer.unref();
  }
  return () => {
    feed.listeners.delete(listener);
    if (feed.listeners.size === 0 && feed.timer !== undefined) {
      clearInterval(feed.timer);
      feed.timer = undefined;
    }
  };
}

/**
 * Tells the feed that this process just recorded a delivery, so listeners hear of it now rather
 * than at the next read. Cheap when nobody listens.
 *
 * @example
 * ```ts
 * const response = await routes.POST(request, context);
 * notifyDelivery();
 * ```
 */
export function notifyDelivery(): void {
  const feed = (globalThis as FeedCache)[feedKey];
  if (feed && feed.listeners.size > 0) void check(feed);
}

/** The newest position the feed has seen, or null before its first read. */
export function currentNewest(): FeedPosition | null {
  return (globalThis as FeedCache)[feedKey]?.newest ?? null;
}

function check(feed: Feed): Promise<void> {
  // One read at a time: a burst of notifications while a read runs is covered by one more read.
  if (feed.checking) return feed.checking.then(() => check(feed));
  feed.checking = (async () => {
    try {
      const store = await feed.store();
      const [newest] = (await store.list({ limit: 1 })).items;
      if (!newest) return;
      const moved = feed.newest === null || newest.id !== feed.newest.id;
      feed.newest = { receivedAt: newest.receivedAt, id: newest.id };
      if (moved) for (const listener of feed.listeners) listener(feed.newest);
    } catch {
      // The store is down: the next read tries again; clients keep their stream.
    } finally {
      feed.checking = undefined;
    }
  })();
  return feed.checking;
}
