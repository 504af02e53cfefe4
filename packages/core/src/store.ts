// `@hookgate/core/store`: what a DeliveryStore implementation is built from, so every store
// answers the same (the contract's input types, list and stats rules, cursors, stored bodies).
// The contract itself (`DeliveryStore`, `Delivery`, `ListQuery`, …) is in `@hookgate/core`.
export type { ClaimInput, ClaimResult, CompleteInput, DeliveryInput } from './delivery-store.js';
export { decodeCursor, encodeCursor, type ListCursor } from './list-cursor.js';
export { clampListLimit, normalizeListQuery, toIsoBound, type NormalizedListQuery } from './list-query.js';
export { buildStatsResult, normalizeStatsQuery, type NormalizedStatsQuery } from './delivery-stats.js';
export { encodeStoredBody } from './stored-body.js';
export { serializePayload } from './json-body.js';
export { attemptSettlement } from './inbox.js';
export { pollInbox, type PolledQueue } from './inbox-poller.js';
export { MemoryInbox, type MemoryInboxHost } from './memory-inbox.js';
export { decodeStoredBody } from './stored-body.js';
