'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useTransition } from 'react';

/** A refresh that never ended (the transition never reported) is given up on after this long. */
const REFRESH_GIVE_UP_MS = 15_000;

/**
 * `router.refresh()` as a promise that settles when the new server render has arrived (the
 * refresh runs in a transition; it settles when the transition stops pending), so a caller can
 * pace refreshes by how long the server takes to render the page.
 *
 * @example
 * ```tsx
 * const refresh = useAwaitedRefresh();
 * const paced = pace(refresh, { minGapMs: 1000, costFactor: 4 });
 * ```
 */
export function useAwaitedRefresh(): () => Promise<void> {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const waiting = useRef<Array<() => void>>([]);
  useEffect(() => {
    if (pending) return;
    const settled = waiting.current;
    waiting.current = [];
    for (const settle of settled) settle();
  }, [pending]);
  return useCallback(
    () =>
      new Promise<void>((resolve) => {
        const giveUp = setTimeout(resolve, REFRESH_GIVE_UP_MS);
        waiting.current.push(() => {
          clearTimeout(giveUp);
          resolve();
        });
        startTransition(() => router.refresh());
      }),
    [router],
  );
}
