import { createExpressMiddleware } from '@hookgate/adapter-express';
import { createWebhookHandler, type DeliveryStore } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import express, { type Express } from 'express';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The signing secret from Pylon's webhook settings. */
  secret: string;
  /** Where event lines go. Default `console.log`. */
  log?: ((line: string) => void) | undefined;
  /** Record deliveries (and deduplicate retries) in a store. */
  store?: DeliveryStore | undefined;
}

/**
 * The Pylon SDK's Flask example, in TypeScript: `POST /webhook` verifies `X-Pylon-Signature`
 * (and `X-Pylon-Timestamp`), parses the event and calls the listeners. The middleware answers
 * 200 when handled, 401 for a bad signature, 400 for a malformed body, 202 for an event type
 * this app does not know.
 *
 * @example
 * ```ts
 * createApp({ secret: process.env.PYLON_WEBHOOK_SECRET! }).listen(3000);
 * ```
 */
export function createApp({ secret, log = console.log, store }: AppOptions): Express {
  const handler = createWebhookHandler({ provider: pylon(), secret, store });

  handler.on('IssueNewEvent', (event) => log(`New issue: ${event.issue_title}`));
  handler.on('IssueAssignedEvent', (event) => log(`Assigned to: ${event.assignee_id}`));
  // Catch all events
  handler.onAny((event) => log(`Event: ${event.payload.event_type}`));

  const app = express();
  // Mounted before any body parser: the middleware needs the raw bytes the signature covers.
  app.post('/webhook', createExpressMiddleware(handler));
  return app;
}
