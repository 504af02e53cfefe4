import autocannon from 'autocannon';
import type { SignedDelivery } from './signed-deliveries.js';

/** Options of {@link loadWithAcks}. */
export interface LoadOptions {
  url: string;
  connections: number;
  /** Upper bound on time. */
  durationSeconds: number;
  /** Upper bound on requests (autocannon `amount`). */
  maxRequests: number;
  /** Delivery number `n` → what to send. Called once per request, so every request is unique. */
  delivery: (n: number) => SignedDelivery;
  /** Parse each 2xx answer for its delivery id (default true); benches turn it off to spare the client. */
  keepAcks?: boolean | undefined;
  /** Stops the load early when this settles (e.g. shortly after the server was killed). */
  until?: Promise<unknown> | undefined;
}

/** What the load generator saw: its ack log. */
export interface LoadResult {
  /** Requests handed to the socket. */
  sent: number;
  /** Key → delivery id, for every delivery answered 2xx. */
  acked: Map<string, string>;
  /** Response status → count. */
  statuses: Record<number, number>;
  /** Connection errors and timeouts (no answer: not acknowledged). */
  errors: number;
  requestsPerSecond: number;
  seconds: number;
}

interface ConnectionContext {
  key?: string;
}

/**
 * Saturates `url` with unique signed deliveries through autocannon and keeps the ack log: which
 * delivery was answered with which status. Pipelining stays 1, so a connection's last request
 * is the one its response belongs to.
 *
 * @example
 * ```ts
 * const result = await loadWithAcks({ url, connections: 16, durationSeconds: 8, maxRequests: 40_000, delivery: (n) => signedDelivery(n, opts) });
 * ```
 */
export async function loadWithAcks(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const acked = new Map<string, string>();
  const statuses: Record<number, number> = {};
  const started = performance.now();
  // `amount` would make autocannon ignore `duration`; both bounds are wanted, so the request
  // cap stops the instance instead.
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSeconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            setupRequest: (request, context) => {
              if (next >= options.maxRequests) {
                setImmediate(() => instance?.stop());
              }
              const delivery = options.delivery(next++);
              (context as ConnectionContext).key = delivery.key;
              return { ...request, method: 'POST', path: delivery.path, headers: delivery.headers, body: delivery.body };
            },
            onResponse: (status, body, context) => {
              statuses[status] = (statuses[status] ?? 0) + 1;
              const key = (context as ConnectionContext).key;
              if (options.keepAcks !== false && status >= 200 && status < 300 && key !== undefined) {
                const parsed = JSON.parse(body) as { deliveryId?: string };
                acked.set(key, parsed.deliveryId ?? '');
              }
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    void options.until?.finally(() => instance?.stop());
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    sent: next,
    acked,
    statuses,
    errors: result.errors + result.timeouts,
    requestsPerSecond: result.requests.average,
    seconds,
  };
}
