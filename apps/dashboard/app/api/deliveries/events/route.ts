import { accessFor, deniedResponse } from '../../../../lib/access';
import { subscribeDeliveries, type FeedPosition } from '../../../../lib/live-feed';
import { getRuntime } from '../../../../lib/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/**
 * `GET /api/deliveries/events`: server-sent events. `event: delivery` with `{ receivedAt, id }`
 * of the newest delivery whenever it changes; the page then fetches what its filters show. Same access rule as the JSON API. `retry: 2000` tells the
 * browser how soon to reconnect; the page falls back to polling while the stream is down.
 */
export function GET(request: Request): Response {
  const decision = accessFor(request);
  if (decision.kind !== 'allowed') return deniedResponse(decision);
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      write('retry: 2000\n\n');
      const unsubscribe = subscribeDeliveries(
        () => getRuntime().then((runtime) => runtime.store),
        (newest: FeedPosition) => write(`event: delivery\ndata: ${JSON.stringify(newest)}\n\n`),
      );
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        cleanup = () => {};
      };
      request.signal.addEventListener('abort', () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: `next start` compresses responses, which would hold events back in its buffer.
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
