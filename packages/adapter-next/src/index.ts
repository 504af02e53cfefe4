export * from './route-handler.js';
export * from './pages-handler.js';
export * from './sender-headers.js';
