export * from './route-handler.js';
export * from './pages-handler.js';
export * from './sender-headers.js';
export * from './sender-stamp.js';
