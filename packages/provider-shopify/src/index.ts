export * from './schemas.js';
export * from './provider.js';
export * from './sign.js';
export * from './fixtures.js';
