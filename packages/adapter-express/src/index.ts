export * from './express-middleware.js';
