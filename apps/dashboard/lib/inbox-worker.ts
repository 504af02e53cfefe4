import { workerFromConfig } from '@hookgate/config';
import type { Worker } from '@hookgate/core';
import { redactStoreUrl } from '@hookgate/store';
import { registry } from './registry';
import { getRuntime } from './runtime';

/** How long after a failed start (store down) the worker is tried again. */
const RETRY_START_MS = 5000;

const workerKey = Symbol.for('hookgate.dashboard.inbox-worker');
type WorkerCache = { [workerKey]?: { worker: Worker | undefined; retry: NodeJS.Timeout | undefined } };

/**
 * Starts the in-process inbox worker when the config is in inbox mode (`inbox: { mode: 'inbox' }`)
 * and `HOOKGATE_WORKER` is not `off`: the gateway's own handlers and store, the config's
 * `inbox` settings (what `hookgate worker` runs, through `workerFromConfig`). Without it, deliveries
 * the dashboard's webhook routes queue would wait for a separate `hookgate worker`. A store that
 * cannot be opened yet is tried again every 5 s. On SIGTERM or SIGINT the worker takes no new job
 * and the process exits once the running ones finished and were recorded (at most
 * `inbox.leaseSeconds`). Once per process; later calls do nothing.
 *
 * @example
 * ```ts
 * // lib/startup.ts, at server start:
 * await startInboxWorker();
 * ```
 */
export async function startInboxWorker(): Promise<void> {
  const cache = globalThis as WorkerCache;
  if (cache[workerKey] || registry.inbox?.mode !== 'inbox') return;
  const state: NonNullable<WorkerCache[typeof workerKey]> = { worker: undefined, retry: undefined };
  cache[workerKey] = state;
  const attempt = async (): Promise<void> => {
    state.retry = undefined;
    try {
      const { config, store, gateway } = await getRuntime();
      if (!config.worker) {
        console.log('[hookgate] Inbox mode, HOOKGATE_WORKER=off: no worker in this process; run `hookgate worker` with the same config and store.');
        return;
      }
      const worker = await workerFromConfig(registry, {
        store,
        handlers: gateway,
        onError: (error) => console.error(`[hookgate] worker: ${error instanceof Error ? error.message : String(error)}`),
      });
      state.worker = worker;
      drainOnSignals(worker, worker.leaseSeconds);
      console.log(
        `[hookgate] Inbox mode: worker ${worker.id} runs queued deliveries from the ${store.inbox?.kind ?? ''} inbox of ` +
          `${redactStoreUrl(config.storeUrl)} (concurrency ${worker.concurrency}; HOOKGATE_WORKER=off turns it off)`,
      );
    } catch (error) {
      console.error(`[hookgate] Could not start the inbox worker; trying again in ${RETRY_START_MS / 1000} s:`, error);
      state.retry = setTimeout(() => void attempt(), RETRY_START_MS);
      state.retry.unref();
    }
  };
  await attempt();
}

/**
 * SIGTERM/SIGINT: stop taking jobs and let the running ones finish and be recorded. `next start`
 * exits from its own handler of the same signal as soon as its HTTP connections are closed, so
 * its `process.exit()` is held until the drain finished (or `graceSeconds` passed).
 */
function drainOnSignals(worker: Worker, graceSeconds: number): void {
  let draining: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (draining) return;
    console.log(`[hookgate] ${signal}: worker ${worker.id} takes no new job and finishes the ${worker.inFlight} running`);
    let grace: NodeJS.Timeout | undefined;
    draining = Promise.race([
      worker.stop().then(() => console.log(`[hookgate] worker ${worker.id} stopped: every running job finished and was recorded`)),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, graceSeconds * 1000);
      }),
    ]).finally(() => clearTimeout(grace));
    const exit = process.exit.bind(process);
    const held = draining;
    process.exit = ((code?: number | string | null) => {
      void held.finally(() => exit(code ?? undefined));
    }) as typeof process.exit;
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
