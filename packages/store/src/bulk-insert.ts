import type { DeliveryStore } from '@hookgate/core';
import type { DeliveryInput } from '@hookgate/core/store';

/**
 * Loads many deliveries into any {@link DeliveryStore}: a persistent store's multi-row
 * `insertMany` when it has one, else `record` one by one (e.g. `MemoryStore`). Meant for
 * seeding benchmarks and imports, not for live traffic (it claims no dedupe keys).
 *
 * @example
 * ```ts
 * function* seed() {
 *   for (let i = 0; i < 1_000_000; i++) yield makeDelivery(i);
 * }
 * await bulkInsert(store, seed()); // 1000000
 * ```
 */
export async function bulkInsert(store: DeliveryStore, deliveries: Iterable<DeliveryInput> | AsyncIterable<DeliveryInput>): Promise<number> {
  const bulk = store as DeliveryStore & { insertMany?: (rows: typeof deliveries) => Promise<number> };
  if (typeof bulk.insertMany === 'function') return bulk.insertMany(deliveries);
  let count = 0;
  for await (const delivery of deliveries) {
    await store.record(delivery);
    count++;
  }
  return count;
}
