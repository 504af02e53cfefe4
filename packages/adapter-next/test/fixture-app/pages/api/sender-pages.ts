// Pages Router twin of app/api/sender: records Pylon deliveries and shows them back (GET ?id=…).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createWebhookHandler, MemoryStore } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { createNextPagesHandler } from '../../../../dist/index.js';
import { SECRET } from '@hookgate/testkit';

export const config = { api: { bodyParser: false } };

const store = new MemoryStore();
const peers = new Map<string, string | null>();
const receive = createNextPagesHandler(
  createWebhookHandler({ provider: pylon(), secret: SECRET, store }).onAny((_event, context) => {
    peers.set(context.deliveryId, context.request.peerAddress ?? null);
  }),
);

export default async function route(req: IncomingMessage & { query?: Partial<Record<string, string | string[]>> }, res: ServerResponse): Promise<void> {
  if (req.method === 'POST') return receive(req, res);
  const id = String(req.query?.id ?? '');
  const delivery = await store.get(id);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ headers: delivery?.headers ?? null, peerAddress: peers.get(id) ?? null }));
}
