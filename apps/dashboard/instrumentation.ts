/**
 * Runs once when the server starts (Next.js instrumentation hook): stamps peer addresses for
 * the loopback rule, validates the configuration and opens the store, so a bad setting stops
 * `pnpm start` with a clear message instead of failing on the first request.
 *
 * @example
 * ```ts
 * // Called by Next.js itself at server start; nothing to call by hand.
 * ```
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startDashboard } = await import('./lib/startup');
  await startDashboard();
}
