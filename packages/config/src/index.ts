export * from './define-config.js';
export * from './registry.js';
export * from './secrets-file.js';
export * from './gateway.js';
