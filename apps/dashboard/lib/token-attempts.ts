// Failed dashboard-token attempts per client address: a bound on guessing the token.

/** Wrong tokens (sign-in or `Authorization: Bearer`) one client address may send per window. */
export const MAX_TOKEN_FAILURES = 20;
/** The window of {@link MAX_TOKEN_FAILURES}, in milliseconds; it starts at a window's first failure. */
export const TOKEN_FAILURE_WINDOW_MS = 60_000;

const attemptsKey = Symbol.for('hookgate.dashboard.tokenFailures');

interface FailureWindow {
  startedAt: number;
  failures: number;
}

/**
 * Seconds until `peerAddress` may try a token again, or null when it may now: after
 * {@link MAX_TOKEN_FAILURES} wrong tokens within {@link TOKEN_FAILURE_WINDOW_MS}, further
 * attempts from that address are refused (429, `Retry-After`) until the window ends — the right
 * token included, so the refusal tells a guesser nothing. Kept in this process's memory (Proxy
 * and the route handlers share it through `globalThis`); a restart forgets it.
 *
 * @example
 * ```ts
 * const wait = tokenAttemptsBlocked(peerAddress);
 * if (wait !== null) return tooManyAttempts(wait);
 * ```
 */
export function tokenAttemptsBlocked(peerAddress: string | null, now: number = Date.now()): number | null {
  const window = failureState().windows.get(peerAddress ?? '');
  if (window === undefined || now - window.startedAt >= TOKEN_FAILURE_WINDOW_MS || window.failures < MAX_TOKEN_FAILURES) return null;
  return Math.max(1, Math.ceil((window.startedAt + TOKEN_FAILURE_WINDOW_MS - now) / 1000));
}

/**
 * Counts one wrong token from `peerAddress`.
 *
 * @example
 * ```ts
 * if (!safeEqual(submitted, token)) recordTokenFailure(peerAddress);
 * ```
 */
export function recordTokenFailure(peerAddress: string | null, now: number = Date.now()): void {
  const { windows, prunedAt } = failureState();
  // Windows that ended are dropped once per window, not at every failure: a sweep per failure
  // would make many addresses guessing at once quadratic.
  if (now - prunedAt >= TOKEN_FAILURE_WINDOW_MS) {
    for (const [address, window] of windows) if (now - window.startedAt >= TOKEN_FAILURE_WINDOW_MS) windows.delete(address);
    failureState().prunedAt = now;
  }
  const key = peerAddress ?? '';
  const window = windows.get(key);
  if (window === undefined || now - window.startedAt >= TOKEN_FAILURE_WINDOW_MS) windows.set(key, { startedAt: now, failures: 1 });
  else window.failures++;
}

/**
 * The 429 answer for an address that sent too many wrong tokens.
 *
 * @example
 * ```ts
 * return tooManyAttempts(42); // 429, Retry-After: 42
 * ```
 */
export function tooManyAttempts(retryAfterSeconds: number): Response {
  return Response.json(
    {
      error: 'too_many_attempts',
      message: `Too many wrong dashboard tokens from this address; try again in ${retryAfterSeconds} s.`,
    },
    { status: 429, headers: { 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store' } },
  );
}

function failureState(): { windows: Map<string, FailureWindow>; prunedAt: number } {
  const holder = globalThis as { [attemptsKey]?: { windows: Map<string, FailureWindow>; prunedAt: number } };
  holder[attemptsKey] ??= { windows: new Map(), prunedAt: 0 };
  return holder[attemptsKey];
}
