// Bun entry: Bun.serve on an ephemeral loopback port, announced on stdout.
import { createApp } from './app.js';

declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Response | Promise<Response> }): { port: number };
};

const app = createApp();
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (request) => app.fetch(request) });
console.log(`hookgate listening on http://127.0.0.1:${server.port}`);
