import type { MemoryStore } from '@hookgate/core';
import { deliveryInput } from '@hookgate/core/testing';

/** What a store's `record()` takes (the type core's stores share). */
export type DeliveryInput = Parameters<MemoryStore['record']>[0];

/**
 * A handled Pylon delivery to write into a store directly (seeding a store a test then opens a
 * dashboard on), received `ageMs` ago.
 *
 * @example
 * ```ts
 * await bulkInsert(store, [storedDelivery('old', 40 * 86_400_000), storedDelivery('new')]);
 * ```
 */
export function storedDelivery(id: string, ageMs = 0): DeliveryInput {
  return deliveryInput({
    id,
    receivedAt: new Date(Date.now() - ageMs).toISOString(),
    dedupeKey: `evt_${id}`,
    path: '/api/webhooks/pylon',
    headers: {},
    rawBody: new TextEncoder().encode('{}'),
    payload: {},
  });
}
