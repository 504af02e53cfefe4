export * from './events.generated.js';
export type * from './types.js';
export * from './provider.js';
export * from './sign.js';
export * from './fixtures.js';
