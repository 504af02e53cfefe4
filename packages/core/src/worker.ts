// startWorker(): the process side of inbox mode — takes queued deliveries and runs their listeners.
import type { DeliveryStore } from './delivery-store.js';
import { describeThrown, HookgateError } from './errors.js';
import type { GatewayRouter } from './gateway.js';
import type { WebhookEndpoint } from './handler.js';
import { baseProviderIds } from './provider.js';
import { normalizeRetryPolicy, type AttemptResult, type DeliveryInbox, type InboxJob, type InboxSubscription, type RetryPolicy } from './inbox.js';

/**
 * Options of {@link startWorker}.
 *
 * @example
 * ```ts
 * const options: WorkerOptions = { store, handlers: gateway, concurrency: 8, retry: { maxAttempts: 5 } };
 * ```
 */
export interface WorkerOptions {
  /** The store the gateway enqueues to (its `inbox` is consumed). */
  store: DeliveryStore;
  /**
   * The handlers whose listeners run: a gateway, or route id → handler. A job is matched to the
   * handler whose `provider.id` is the delivery's provider (the first such when several are:
   * give each route of one provider its own id with `withProviderId()`).
   */
  handlers: Readonly<Record<string, WebhookEndpoint>> | GatewayRouter;
  /** Most deliveries whose listeners run at once (≥ 1). Default 4. */
  concurrency?: number | undefined;
  /** Attempts, backoff and jitter. Default {@link DEFAULT_RETRY_POLICY}. */
  retry?: RetryPolicy | undefined;
  /**
   * Seconds after which a taken job whose worker stopped (crashed, froze) is handed to another
   * worker, as the next attempt. While the listeners run, the worker renews the lease every half
   * lease (memory, SQLite and PostgreSQL stores), so a slow listener keeps its job. Default 60.
   */
  leaseSeconds?: number | undefined;
  /** How often an idle worker looks for due jobs, in ms. Default 250. */
  pollIntervalMs?: number | undefined;
  /** Recorded on every attempt. Default `worker-<pid>-<random>`. */
  workerId?: string | undefined;
  /**
   * Where failures outside listeners go (the store, while taking or recording a job; a job
   * whose attempt could not be recorded is run again after its lease). Default `console.error`.
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Stop (draining in-flight jobs) on SIGTERM and SIGINT. Default false: call `stop()` yourself.
   * `hookgate worker` turns it on.
   */
  handleSignals?: boolean | undefined;
}

/**
 * A running worker. Create with {@link startWorker}.
 *
 * @example
 * ```ts
 * const worker = await startWorker({ store, handlers: gateway });
 * process.on('SIGTERM', () => void worker.stop());
 * ```
 */
export interface Worker {
  readonly id: string;
  /** Listeners it runs at once: {@link WorkerOptions.concurrency}, or its default (4). */
  readonly concurrency: number;
  /**
   * Its lease in seconds ({@link WorkerOptions.leaseSeconds}, or its default 60): the longest a
   * graceful stop can wait for a running job before that job would go to another worker anyway.
   */
  readonly leaseSeconds: number;
  /** Jobs whose listeners are running now. */
  readonly inFlight: number;
  /** Stops taking jobs and resolves once the jobs in flight have finished and been recorded. */
  stop(): Promise<void>;
  /** Resolves once the worker has stopped (by `stop()` or a signal). */
  readonly stopped: Promise<void>;
}

/** Default {@link WorkerOptions.concurrency}. */
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_LEASE_SECONDS = 60;
const DEFAULT_POLL_INTERVAL_MS = 250;

/**
 * Starts consuming the inbox of `options.store`: each queued delivery's listeners run (with
 * `ctx.attempt`), every attempt is recorded, failures are retried with exponential backoff and
 * jitter, and a delivery whose last attempt fails becomes `dead`. Works with every built-in
 * store: `MemoryStore` (one process), SQLite (processes on one machine), PostgreSQL (pg-boss,
 * any number of machines).
 *
 * @throws {HookgateError} `invalid_config` when the store has no inbox or an option is out of range.
 * @example
 * ```ts
 * import { createGateway, startWorker } from '@hookgate/core';
 * const store = await openStore(process.env.HOOKGATE_STORE!);
 * const gateway = createGateway({ handlers: { pylon: pylonHandler }, store, mode: 'inbox' });
 * const worker = await startWorker({ store, handlers: gateway, concurrency: 8, handleSignals: true });
 * await worker.stopped;
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const inbox: DeliveryInbox | undefined = options.store?.inbox;
  if (inbox === undefined) {
    throw new HookgateError('invalid_config', "startWorker() needs a store with an inbox (MemoryStore or @hookgate/store's openStore()).");
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new HookgateError('invalid_config', `startWorker(): concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0) {
    throw new HookgateError('invalid_config', `startWorker(): leaseSeconds must be a positive number, got ${String(leaseSeconds)}`);
  }
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 1) {
    throw new HookgateError('invalid_config', `startWorker(): pollIntervalMs must be at least 1, got ${String(pollIntervalMs)}`);
  }
  const retry = normalizeRetryPolicy(options.retry);
  const endpoints = endpointsByProvider(options.handlers);
  const workerId = options.workerId ?? `worker-${globalThis.process?.pid ?? 0}-${Math.random().toString(36).slice(2, 8)}`;
  const store = options.store;

  async function runJob(job: InboxJob): Promise<AttemptResult> {
    const endpoint = endpoints.get(job.provider);
    if (endpoint?.redeliver === undefined) {
      // Maybe another worker serves it: retried, then dead, with the reason on every attempt.
      return { ok: false, error: `this worker has no handler for provider "${job.provider}"` };
    }
    let delivery: Awaited<ReturnType<DeliveryStore['get']>>;
    try {
      delivery = await store.get(job.deliveryId);
    } catch (error) {
      return { ok: false, error: `the store could not be read: ${describeThrown(error)}` };
    }
    if (delivery === null) return { ok: false, permanent: true, error: 'the delivery is no longer stored (pruned?)' };
    return endpoint.redeliver({ delivery, attempt: job.attempt });
  }

  const subscription: InboxSubscription = await inbox.work({
    concurrency,
    retry,
    leaseMs: Math.max(1, Math.round(leaseSeconds * 1000)),
    pollIntervalMs,
    workerId,
    process: runJob,
    onError: options.onError ?? ((error) => console.error(`[hookgate] worker ${workerId}:`, error instanceof Error ? error.message : error)),
  });

  let stopping: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const onSignal = (): void => void worker.stop();
  const worker: Worker = {
    id: workerId,
    concurrency,
    leaseSeconds,
    get inFlight() {
      return subscription.inFlight;
    },
    stopped,
    stop() {
      stopping ??= (async () => {
        if (options.handleSignals) {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
        }
        await subscription.stop();
        markStopped();
      })();
      return stopping;
    },
  };
  if (options.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return worker;
}

/**
 * Provider id → the first endpoint serving it, from a gateway or a route map. An endpoint whose
 * provider was given its own id with `withProviderId()` also serves the ids it was made from, where
 * no endpoint has them as its own: deliveries recorded or queued under the provider's id before
 * the route had an id of its own still find it.
 *
 * @throws {HookgateError} `invalid_config` when there is no handler at all.
 * @example
 * ```ts
 * endpointsByProvider(gateway).get('pylon')?.redeliver?.({ delivery, attempt: 2 });
 * ```
 */
export function endpointsByProvider(handlers: WorkerOptions['handlers']): Map<string, WebhookEndpoint> {
  const routes: Array<WebhookEndpoint | undefined> = isGateway(handlers)
    ? ((handlers as { providers?: readonly string[] }).providers?.map((id) => handlers.handler(id)) ?? [])
    : Object.values(handlers);
  const byProvider = new Map<string, WebhookEndpoint>();
  for (const endpoint of routes) {
    if (endpoint?.provider && !byProvider.has(endpoint.provider.id)) byProvider.set(endpoint.provider.id, endpoint);
  }
  for (const endpoint of routes) {
    if (!endpoint?.provider) continue;
    for (const id of baseProviderIds(endpoint.provider)) if (!byProvider.has(id)) byProvider.set(id, endpoint);
  }
  if (byProvider.size === 0) throw new HookgateError('invalid_config', 'startWorker(): `handlers` has no webhook handler');
  return byProvider;
}

function isGateway(handlers: WorkerOptions['handlers']): handlers is GatewayRouter {
  return (handlers as Partial<GatewayRouter>).kind === 'gateway' && typeof (handlers as Partial<GatewayRouter>).handler === 'function';
}
