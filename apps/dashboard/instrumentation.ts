/**
 * Runs once when the server starts (Next.js instrumentation hook): stamps the sender's header
 * names (webhook records) and peer addresses (the loopback rule), validates the configuration
 * and opens the store, so a bad setting stops `pnpm start` with a clear message instead of
 * failing on the first request.
 *
 * @example
 * ```ts
 * // Called by Next.js itself at server start; nothing to call by hand.
 * ```
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  let startDashboard: () => Promise<void>;
  try {
    ({ startDashboard } = await import('./lib/startup'));
  } catch (error) {
    // The registry failed to load (HOOKGATE_CONFIG missing, not importable or invalid): say why and stop.
    if ((error as { code?: unknown } | null)?.code !== 'invalid_config') throw error;
    console.error(`\n${(error as Error).message}\n`);
    process.exit(1);
  }
  await startDashboard();
}
