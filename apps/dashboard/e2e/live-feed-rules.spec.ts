import { test, expect } from '@playwright/test';
import { MemoryStore, type DeliveryStore } from '@hookgate/core';
import { storedDelivery } from './support/delivery-input';
import { FEED_COUNTS_COST_FACTOR, FEED_NOTIFY_MIN_MS, FEED_POLL_MS, notifyDelivery, subscribeDeliveries, type FeedEvent } from '../lib/live-feed';

// The live feed's read schedule, on a real MemoryStore whose `stats` is made slow (a busy wait,
// as a synchronous SQLite scan of a large window blocks the event loop). Without a bound, every
// recorded delivery re-read the counts: one open tab collapsed webhook throughput on a large
// SQLite history (2-6 req/s instead of 120-160 at 272k deliveries in the window).

function slowStats(store: MemoryStore, costMs: number, calls: { stats: number; list: number }): DeliveryStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'list' || key === 'listSummaries') {
        return (...args: Parameters<MemoryStore['list']>) => {
          calls.list++;
          return key === 'list' ? target.list(...args) : target.listSummaries(...args);
        };
      }
      if (key === 'stats') {
        return async (...args: Parameters<MemoryStore['stats']>) => {
          calls.stats++;
          const until = performance.now() + costMs;
          while (performance.now() < until) {
            // blocks like a synchronous driver
          }
          return target.stats(...args);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const pylonLike = (index: number) => storedDelivery(`0193a5b0-0000-7000-8000-${String(index).padStart(12, '0')}`);

test('the feed reads the per-status counts at most a tenth of the time and the newest delivery at most every 250 ms, however fast deliveries are notified; new deliveries are still announced', async () => {
  const calls = { stats: 0, list: 0 };
  const memory = new MemoryStore();
  const store = slowStats(memory, 60, calls);
  const events: FeedEvent[] = [];
  const stop = subscribeDeliveries(
    async () => store,
    (event) => events.push(event),
  );
  try {
    const started = performance.now();
    let index = 0;
    // 3 s of deliveries, each followed by a notification as the webhook route sends one.
    while (performance.now() - started < 3000) {
      await memory.record(pylonLike(index++));
      notifyDelivery();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsed = performance.now() - started;
    // 60 ms per read, at most a tenth of the time: ~one read per 600 ms, plus the first.
    const allowed = Math.ceil(elapsed / Math.max(FEED_POLL_MS, FEED_COUNTS_COST_FACTOR * 60)) + 1;
    expect(index).toBeGreaterThan(50);
    expect(calls.stats).toBeLessThanOrEqual(allowed + 1);
    expect(calls.stats).toBeGreaterThanOrEqual(2);
    // The newest delivery: once per notification interval and once per poll, not once per delivery.
    expect(calls.list).toBeLessThanOrEqual(Math.ceil(elapsed / FEED_NOTIFY_MIN_MS) + Math.ceil(elapsed / FEED_POLL_MS) + 2);
    const announced = events.filter((event) => event.kind === 'delivery').length;
    expect(announced).toBeLessThanOrEqual(calls.list);
    expect(announced).toBeGreaterThanOrEqual(3);
    // Announced without waiting for the counts: the last delivery reached listeners.
    await expect
      .poll(() => events.filter((event) => event.kind === 'delivery').at(-1))
      .toMatchObject({ kind: 'delivery', newest: { id: pylonLike(index - 1).id } });
  } finally {
    stop();
  }
});
