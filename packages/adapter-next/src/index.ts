export * from './route-handler.js';
export * from './pages-handler.js';
