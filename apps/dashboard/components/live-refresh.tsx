'use client';

import { useEffect, useRef, useState } from 'react';
import { LIVE_REREAD_COST_FACTOR, LIVE_REREAD_MIN_MS, openLiveStream, pace } from '../lib/live-stream';
import { useAwaitedRefresh } from '../lib/use-awaited-refresh';

export interface LiveRefreshProps {
  /** False stops listening (a delivery whose status is final): nothing is read any more. */
  active: boolean;
  /**
   * One delivery to follow, with what the page shows of it: the page is read again as soon as
   * its status or number of attempts differs (the stream's `watched` event).
   */
  watch?: { id: string; status: string; attempts: number } | undefined;
  /** Without `watch`: the stream's events that make the page read again (new rows, status changes). */
  on?: ReadonlyArray<'delivery' | 'change'> | undefined;
  /** What the indicator says while listening. */
  label: string;
}

/**
 * Keeps a server-rendered page current: listens to `GET /api/deliveries/events` and re-renders
 * the page (`router.refresh()`, no reload) when what it shows changed — one delivery it watches,
 * or any new delivery or status change. Refreshes are paced (one at a time, at most one a second
 * and never more than a fifth of the time: a slow render on a large history spaces them out). When
 * the stream drops, it refreshes every 2.5 s and
 * tries the stream again every 10 s; nothing is read while the tab is hidden or once `active`
 * turns false (the stream is closed then).
 *
 * @example
 * ```tsx
 * <LiveRefresh active={delivery.status === 'queued'} watch={{ id: delivery.id, status: delivery.status, attempts: 0 }} label="Updating live" />
 * <LiveRefresh active on={['delivery', 'change']} label="Live" />
 * ```
 */
export function LiveRefresh({ active, watch, on, label }: LiveRefreshProps) {
  const awaitedRefresh = useAwaitedRefresh();
  const [mode, setMode] = useState<'stream' | 'polling' | 'connecting'>('connecting');
  // The latest shown state, for the address of a reconnect (the server compares against it).
  const watchRef = useRef(watch);
  watchRef.current = watch;
  const watchId = watch?.id;
  const events = (on ?? []).join(',');

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    const paced = pace(() => (stopped || document.hidden ? undefined : awaitedRefresh()), {
      minGapMs: LIVE_REREAD_MIN_MS,
      costFactor: LIVE_REREAD_COST_FACTOR,
    });
    const refresh = () => {
      if (!stopped && !document.hidden) paced.request();
    };
    const listeners: Record<string, () => void> = {};
    for (const name of events ? events.split(',') : []) listeners[name] = refresh;
    if (watchId !== undefined) listeners.watched = refresh;
    const close = openLiveStream({
      url: () => {
        const shown = watchRef.current;
        return `/api/deliveries/events${shown ? `?${new URLSearchParams({ watch: shown.id, status: shown.status, attempts: String(shown.attempts) })}` : ''}`;
      },
      events: listeners,
      onPoll: refresh,
      onMode: setMode,
    });
    const onVisible = () => {
      if (!document.hidden) refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      paced.cancel();
      close();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [active, watchId, events, awaitedRefresh]);

  if (!active) return null;
  return (
    <span className="live live-inline" data-live-mode={mode}>
      <span className="live-dot" aria-hidden="true" />
      <span>{mode === 'polling' ? `${label} (polling)` : label}</span>
    </span>
  );
}
