export * from './hono-middleware.js';
