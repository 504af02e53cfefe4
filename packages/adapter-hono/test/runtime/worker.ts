// Cloudflare Workers entry (workerd): a module worker. The app is built on the first request:
// Workers forbid timers and random values in the global scope.
import type { Hono } from 'hono';
import { createApp } from './app.js';

let app: Hono | undefined;

export default {
  fetch(request: Request): Response | Promise<Response> {
    app ??= createApp();
    return app.fetch(request);
  },
};
