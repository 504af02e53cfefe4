import { handlersFromConfig, parseSecretList, resolveSecrets, workerFromConfig, type HookgateConfig } from '@hookgate/config';
import type { Io } from './commands.js';
import { UsageError } from './usage-error.js';

/**
 * Options of {@link workerCommand}.
 *
 * @example
 * ```ts
 * const options: WorkerCommandOptions = { config, store: 'postgres://…', dataDir: './data', env: process.env };
 * ```
 */
export interface WorkerCommandOptions {
  /** The same registry the gateway serves: its handlers, listeners (`listen`) and `inbox` settings. */
  config: HookgateConfig;
  /** The gateway's store URL (`sqlite:…` on one machine, `postgres://…` anywhere). */
  store: string;
  /** Where the gateway keeps `secrets.json`. */
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Listeners run at once; default the config's `inbox.concurrency`, else 4. */
  concurrency?: number | undefined;
  /** Stops the worker (draining) when aborted; SIGTERM and SIGINT always do. */
  signal?: AbortSignal | undefined;
}

/**
 * `hookgate worker`: consumes the inbox of the gateway's store with the listeners registered by
 * the config's `listen` hooks, until SIGTERM or SIGINT; then takes no new job, waits for the
 * running ones to finish and be recorded, and resolves 0.
 *
 * @throws {UsageError} for a bad `--concurrency`.
 * @example
 * ```ts
 * process.exitCode = await workerCommand({ config, store: process.env.HOOKGATE_STORE!, dataDir: './data', env: process.env }, console);
 * ```
 */
export async function workerCommand(options: WorkerCommandOptions, io: Io): Promise<number> {
  const { config } = options;
  const concurrency = options.concurrency ?? config.inbox?.concurrency;
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency must be a positive integer, got ${String(concurrency)}.`);
  }
  if (config.inbox?.mode !== 'inbox') {
    io.error("[hookgate] note: the config's inbox.mode is not 'inbox', so the gateway runs listeners inline and queues nothing for this worker.");
  }
  const envSecrets: Record<string, string[] | undefined> = {};
  for (const entry of config.providers) {
    const parsed = parseSecretList(options.env[entry.secret.env]);
    if ('error' in parsed) throw new UsageError(`${entry.secret.env} ${parsed.error}`);
    envSecrets[entry.id] = parsed.secrets;
  }
  // Handlers need their secrets to be built, even though a worker never verifies a signature.
  const { secrets } = await resolveSecrets(config, { dataDir: options.dataDir, envSecrets });
  const { openStore, redactStoreUrl } = await import('@hookgate/store');
  const store = await openStore(options.store);
  try {
    // The config's inbox settings (retry, leaseSeconds), as the dashboard's in-process worker uses them.
    const worker = await workerFromConfig(config, {
      store,
      handlers: handlersFromConfig(config, secrets),
      concurrency,
      handleSignals: true,
      onError: (error) => io.error(`[hookgate] worker: ${error instanceof Error ? error.message : String(error)}`),
    });
    options.signal?.addEventListener('abort', () => void worker.stop(), { once: true });
    io.log(
      `[hookgate] worker ${worker.id} consuming the ${store.inbox.kind} inbox of ${redactStoreUrl(options.store)} ` +
        `(concurrency ${worker.concurrency}); SIGTERM stops it after the running listeners finish`,
    );
    await worker.stopped;
    io.log(`[hookgate] worker ${worker.id} stopped: every running job finished and was recorded`);
    return 0;
  } finally {
    await store.close();
  }
}
