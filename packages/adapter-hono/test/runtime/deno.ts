// Deno entry: Deno.serve on an ephemeral loopback port, announced on stdout.
import { createApp } from './app.js';

declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const app = createApp();
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`hookgate listening on http://127.0.0.1:${port}`) }, (request) =>
  app.fetch(request),
);
