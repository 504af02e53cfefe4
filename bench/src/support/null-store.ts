import type { Delivery, DeliveryPage, DeliveryStore, StatsResult, StatsQuery } from '@hookgate/core';
import type { ClaimResult } from '@hookgate/core/store';

/**
 * A {@link DeliveryStore} that keeps nothing: every claim succeeds, every record (and completion) is dropped.
 * The memory bench uses it so heap growth can only come from the request path itself.
 *
 * @example
 * ```ts
 * createGateway({ handlers, store: new NullStore() });
 * ```
 */
export class NullStore implements DeliveryStore {
  recorded = 0;
  async claim(): Promise<ClaimResult> {
    return { kind: 'claimed' };
  }
  async complete(): Promise<void> {
    this.recorded++;
  }
  async release(): Promise<void> {}
  async record(): Promise<void> {
    this.recorded++;
  }
  async get(): Promise<Delivery | null> {
    return null;
  }
  async list(): Promise<DeliveryPage> {
    return { items: [], nextCursor: null };
  }
  async stats(query: StatsQuery): Promise<StatsResult> {
    return { bucket: query.bucket, from: String(query.from), to: String(query.to), rows: [], totals: {} } as unknown as StatsResult;
  }
  async prune(): Promise<number> {
    return 0;
  }
  async close(): Promise<void> {}
}
