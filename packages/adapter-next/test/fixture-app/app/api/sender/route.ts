// Records Pylon deliveries in a store of its own and shows them back (GET ?id=…), with the peer
// address the route saw, so tests can compare the recorded headers with what they sent.
import { createWebhookHandler, MemoryStore } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { createNextRouteHandler } from '../../../../../dist/index.js';
import { SECRET } from '@hookgate/testkit';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const store = new MemoryStore();
const peers = new Map<string, string | null>();
const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store }).onAny((_event, context) => {
  peers.set(context.deliveryId, context.request.peerAddress ?? null);
});

export const { POST } = createNextRouteHandler(handler);

export async function GET(request: Request): Promise<Response> {
  const id = new URL(request.url).searchParams.get('id') ?? '';
  const delivery = await store.get(id);
  return Response.json({ headers: delivery?.headers ?? null, peerAddress: peers.get(id) ?? null });
}
