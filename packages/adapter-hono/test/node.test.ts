// The adapter conformance suite on Node through @hono/node-server, in this process: every
// assertion, including what reached listeners and the aborted upload.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describeConformance } from '@hookgate/testkit/conformance';
import { Hono } from 'hono';
import { hookgate } from '../src/index.js';
import { presets } from './preset-cases.js';

describeConformance(
  'Hono on Node (@hono/node-server)',
  async (gateway) => {
    const app = new Hono();
    app.all('/webhooks/:provider', hookgate(gateway));
    const server = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started as Server));
    });
    const { port } = server.address() as AddressInfo;
    return {
      server,
      url: (providerId) => `http://127.0.0.1:${port}/webhooks/${providerId}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
  { presets },
);
