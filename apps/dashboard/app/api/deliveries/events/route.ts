import { accessFor, deniedResponse } from '../../../../lib/access';
import { jsonError } from '../../../../lib/api';
import { isDeliveryId } from '../../../../lib/delivery-id';
import { subscribeDeliveries, type FeedEvent, type FeedSubscription } from '../../../../lib/live-feed';
import { getRuntime } from '../../../../lib/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/**
 * `GET /api/deliveries/events`: server-sent events. `event: delivery` with `{ receivedAt, id }`
 * of the newest delivery whenever it changes (the list then fetches what its filters show);
 * `event: change` when the per-status counts moved (a worker finished an attempt, a replay: pages
 * showing a delivery that may change read again). With `?watch=<id>&status=<shown>&attempts=<n>`
 * also `event: watched` with `{ id, status, attempts }` as soon as that delivery differs from
 * what the page shows. Same access rule as the JSON API. `retry: 2000` tells the browser how soon
 * to reconnect; pages fall back to polling while the stream is down.
 */
export function GET(request: Request): Response {
  const decision = accessFor(request);
  if (decision.kind !== 'allowed') return deniedResponse(decision);
  const subscription = watchOf(new URL(request.url).searchParams);
  if (subscription === null) return jsonError(400, 'invalid_query', 'watch must be a delivery id, status a status name and attempts a count.');
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
        (event: FeedEvent) => write(eventText(event)),
        subscription,
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

function eventText(event: FeedEvent): string {
  const data = event.kind === 'delivery' ? event.newest : event.kind === 'watched' ? event.state : {};
  return `event: ${event.kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `watch`, `status`, `attempts` from the query; null when malformed. */
function watchOf(params: URLSearchParams): FeedSubscription | null {
  const id = params.get('watch');
  if (id === null) return {};
  const status = params.get('status') ?? '';
  const attempts = Number(params.get('attempts') ?? '0');
  if (!isDeliveryId(id) || !/^[a-z_]{0,40}$/.test(status) || !Number.isSafeInteger(attempts) || attempts < 0) return null;
  return { watch: { id, status, attempts } };
}
