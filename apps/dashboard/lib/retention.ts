import type { DeliveryStore } from '@hookgate/core';

/** How often the history is pruned while the server runs. */
export const RETENTION_INTERVAL_MS = 3_600_000;

const retentionKey = Symbol.for('hookgate.dashboard.retention');
type RetentionCache = { [retentionKey]?: NodeJS.Timeout };

/**
 * Keeps `days` of history (`HOOKGATE_RETENTION_DAYS`): deletes older deliveries (with their
 * attempts and expired dedupe claims: `store.prune`) now and then every hour. A failed prune (the
 * store is down) is logged and tried again at the next hour; it never stops the server. Started
 * once per process.
 *
 * @example
 * ```ts
 * startRetention(async () => (await getRuntime()).store, 30);
 * ```
 */
export function startRetention(store: () => Promise<DeliveryStore>, days: number): void {
  const cache = globalThis as RetentionCache;
  if (cache[retentionKey] !== undefined) return;
  const prune = async () => {
    try {
      const deleted = await (await store()).prune({ olderThan: new Date(Date.now() - days * 86_400_000) });
      if (deleted > 0) console.log(`[hookgate] Pruned ${deleted} ${deleted === 1 ? 'delivery' : 'deliveries'} older than ${days} days`);
    } catch (error) {
      console.error('[hookgate] Could not prune old deliveries; will try again in an hour:', error);
    }
  };
  cache[retentionKey] = setInterval(() => void prune(), RETENTION_INTERVAL_MS);
  cache[retentionKey].unref();
  void prune();
}
