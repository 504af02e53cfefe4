import { methodNotAllowed } from '@hookgate/core/adapter';
import { notifyDelivery } from '../../../../lib/live-feed';
import { getRuntime } from '../../../../lib/runtime';

// Webhook endpoints: never behind the dashboard's auth (Proxy skips /api/webhooks/); each
// delivery proves itself with its provider signature.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ provider: string }> };
type Method = 'POST' | 'GET' | 'HEAD';

async function serve(method: Method, request: Request, context: RouteContext): Promise<Response> {
  let routes: Awaited<ReturnType<typeof getRuntime>>['webhookRoutes'];
  try {
    routes = (await getRuntime()).webhookRoutes;
  } catch (error) {
    console.error('[hookgate] webhook refused, store unavailable:', error);
    // 503 so the provider retries later, like core does when the store fails mid-delivery.
    return Response.json({ ok: false, kind: 'store_unavailable', reason: 'store_unavailable' }, { status: 503 });
  }
  const response = await routes[method](request, context);
  // Open dashboards hear of it now (server-sent events) instead of at the feed's next read.
  if (method === 'POST') notifyDelivery();
  return response;
}

/** Receives a delivery for `/api/webhooks/<id>`: every provider in the registry (`hookgate.config.ts`). */
export function POST(request: Request, context: RouteContext): Promise<Response> {
  return serve('POST', request, context);
}

/** Anything but POST is answered 405 by the adapter. */
export function GET(request: Request, context: RouteContext): Promise<Response> {
  return serve('GET', request, context);
}

export function HEAD(request: Request, context: RouteContext): Promise<Response> {
  return serve('HEAD', request, context);
}

// Other methods: 405 with `Allow: POST`, like the Express and Fastify adapters, without touching
// the store (Next.js alone would answer 405 without `Allow`, and 204 to OPTIONS). TRACE cannot
// reach a route handler: lib/request-stamp.ts and proxy.ts answer it.
function notAllowed(): Response {
  const { status, headers, body } = methodNotAllowed();
  return new Response(body, { status, headers });
}
export const PUT = notAllowed;
export const DELETE = notAllowed;
export const PATCH = notAllowed;
export const OPTIONS = notAllowed;
