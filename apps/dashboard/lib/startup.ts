import { readConfig } from './config';
import { startInboxWorker } from './inbox-worker';
import { installRequestStamp } from './request-stamp';
import { startRetention } from './retention';
import { getRuntime } from './runtime';

/**
 * Server start: install the request stamp (peer address, requests Next.js cannot serve), then
 * build the runtime, then — in inbox mode — start the in-process worker ({@link startInboxWorker}),
 * and with `HOOKGATE_RETENTION_DAYS` the hourly prune ({@link startRetention}).
 * A configuration error ends the process (exit code 1) with the list of bad variables; a store
 * that is down only logs, because webhooks then answer 503 (providers retry), the store is
 * retried per request and the worker every few seconds.
 *
 * @example
 * ```ts
 * // instrumentation.ts
 * export async function register() { await startDashboard(); }
 * ```
 */
export async function startDashboard(): Promise<void> {
  installRequestStamp();
  try {
    await getRuntime();
  } catch (error) {
    // Duck-typed: the error may come from another bundle's copy of @hookgate/core.
    if ((error as { code?: unknown } | null)?.code === 'invalid_config') {
      console.error(`\n${(error as Error).message}\n\nSee apps/dashboard/README.md for the variables and their defaults.\n`);
      process.exit(1);
    }
    console.error('[hookgate] Could not open the delivery store; will retry on the next request:', error);
  }
  await startInboxWorker();
  const { retentionDays } = readConfig();
  if (retentionDays !== undefined) startRetention(async () => (await getRuntime()).store, retentionDays);
}
