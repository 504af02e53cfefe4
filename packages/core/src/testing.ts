// `@hookgate/core/testing`: helpers for tests of handlers, providers and stores. Signing a
// delivery is in `@hookgate/core` (`signRequest`, `signDelivery`).
export { createDeliveryId, deliveryIdTime } from './delivery-id.js';
export { deliveryInput } from './delivery-input.js';
export { decodeDigest } from './digest-encoding.js';
export { loadFixtures, type FixtureCase, type FixtureExpectation } from './fixture-loader.js';
export { emitGeneratedFile } from './generated-file.js';
