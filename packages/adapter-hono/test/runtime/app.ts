// The app every runtime serves: Hono with the Hookgate middleware in front of the conformance
// gateway (presets included). Nothing here is runtime-specific.
import { createConformanceGateway } from '@hookgate/testkit/gateway';
import { Hono } from 'hono';
import { hookgate } from '../../src/index.js';
import { presetRoutes } from './preset-handlers.js';

/** A Hono app serving `POST /webhooks/:provider` (other methods answered 405 by the middleware). */
export function createApp(): Hono {
  const { gateway } = createConformanceGateway({ presets: presetRoutes });
  const app = new Hono();
  app.all('/webhooks/:provider', hookgate(gateway));
  return app;
}
