'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

/** Refresh interval while the event stream is down (as the list's polling). */
const POLL_MS = 2500;
/** How long after the stream dropped the page tries it again. */
const RECONNECT_MS = 10_000;

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
 * or any new delivery or status change. When the stream drops, it refreshes every 2.5 s and
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
  const router = useRouter();
  const [mode, setMode] = useState<'stream' | 'polling' | 'connecting'>('connecting');
  // The latest shown state, for the address of a reconnect (the server compares against it).
  const watchRef = useRef(watch);
  watchRef.current = watch;
  const watchId = watch?.id;
  const events = (on ?? []).join(',');

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let source: EventSource | undefined;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (!stopped && !document.hidden) router.refresh();
    };
    const stopPolling = () => {
      if (pollTimer !== undefined) clearInterval(pollTimer);
      pollTimer = undefined;
    };
    const startPolling = () => {
      setMode('polling');
      pollTimer ??= setInterval(refresh, POLL_MS);
    };
    const connect = () => {
      if (stopped) return;
      if (typeof EventSource === 'undefined') return startPolling();
      const shown = watchRef.current;
      const query = shown ? `?${new URLSearchParams({ watch: shown.id, status: shown.status, attempts: String(shown.attempts) })}` : '';
      source = new EventSource(`/api/deliveries/events${query}`);
      source.addEventListener('open', () => {
        stopPolling();
        setMode('stream');
      });
      if (shown) source.addEventListener('watched', refresh);
      for (const name of events ? events.split(',') : []) source.addEventListener(name, refresh);
      source.addEventListener('error', () => {
        source?.close();
        source = undefined;
        startPolling();
        reconnectTimer = setTimeout(connect, RECONNECT_MS);
      });
    };
    connect();
    const onVisible = () => {
      if (!document.hidden) refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      source?.close();
      stopPolling();
      clearTimeout(reconnectTimer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [active, watchId, events, router]);

  if (!active) return null;
  return (
    <span className="live live-inline" data-live-mode={mode}>
      <span className="live-dot" aria-hidden="true" />
      <span>{mode === 'polling' ? `${label} (polling)` : label}</span>
    </span>
  );
}
