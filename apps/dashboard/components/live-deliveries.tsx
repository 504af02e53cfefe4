'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { LIVE_REREAD_COST_FACTOR, LIVE_REREAD_MIN_MS, openLiveStream, pace } from '../lib/live-stream';
import { useAwaitedRefresh } from '../lib/use-awaited-refresh';

/** Most new rows counted per poll ("100+" beyond). */
const POLL_LIMIT = 100;

interface Position {
  receivedAt: string;
  id: string;
}

export interface LiveDeliveriesProps {
  /** Filter query (no cursor, no range: polling uses its own `from`) that the list shows. */
  filterQuery: string;
  /** The newest row shown, or null for an empty list. */
  newest: Position | null;
  /** Server time just before the list was read: with an empty list, rows from then on are new. */
  since: string;
  /** Load new rows by themselves (first page, no filters) instead of only counting them. */
  autoLoad: boolean;
  /** Where "show them" goes: the first page with the same filters. */
  firstPageHref: string;
  /** False when an explicit `to` bound in the past means nothing new can match. */
  enabled: boolean;
  /** Shown at the left of the toolbar (e.g. how many rows the page holds). */
  summary: ReactNode;
  children: ReactNode;
}

/**
 * Live updates: server-sent events from `GET /api/deliveries/events` say when a delivery arrived,
 * and the page then reads `GET /api/deliveries` for rows newer than the newest one shown (with its
 * filters), paced: one read at a time, at most one a second and never more than a fifth of the
 * time. When the stream drops, it polls every 2.5 s and tries the stream again every 10 s.
 * On the unfiltered first page new rows are loaded automatically (a server refresh); anywhere
 * else a "N new deliveries" button loads them on click. While the page shows a queued or retrying
 * row, a `change` event (or, without the stream, every poll) re-renders the rows shown, so a row
 * turns handled or dead when a worker finishes it. Nothing is read while the tab is hidden.
 *
 * @example
 * ```tsx
 * <LiveDeliveries filterQuery="provider=acme" newest={null} since={now} autoLoad={false} firstPageHref="/deliveries?provider=acme" enabled summary="No deliveries">{table}</LiveDeliveries>
 * ```
 */
export function LiveDeliveries({ filterQuery, newest, since, autoLoad, firstPageHref, enabled, summary, children }: LiveDeliveriesProps) {
  const router = useRouter();
  const awaitedRefresh = useAwaitedRefresh();
  const [count, setCount] = useState(0);
  const [paused, setPaused] = useState(false);
  const [failed, setFailed] = useState(false);
  const [mode, setMode] = useState<'stream' | 'polling' | 'connecting'>('connecting');
  const refreshing = useRef(false);
  const previousNewest = useRef<Position | null>(newest);

  // A new server render (after refresh or navigation) resets the count and marks fresh rows.
  useEffect(() => {
    const before = previousNewest.current;
    previousNewest.current = newest;
    refreshing.current = false;
    setCount(0);
    if (!before || !newest || newest.id === before.id) return;
    for (const row of document.querySelectorAll<HTMLElement>('tr[data-received-at]')) {
      const position = { receivedAt: row.dataset.receivedAt!, id: row.dataset.deliveryId! };
      if (isNewer(position, before)) row.classList.add('is-new');
    }
  }, [newest]);

  const load = useCallback(() => {
    refreshing.current = true;
    // Normally the new render clears it; a failed refresh must not stop polling for good.
    setTimeout(() => (refreshing.current = false), 10_000);
    if (window.location.pathname + window.location.search === firstPageHref) router.refresh();
    else router.push(firstPageHref);
  }, [firstPageHref, router]);

  // The read for the current filters and newest row; the stream below calls the latest one.
  const pollRef = useRef<() => Promise<void>>(async () => {});
  // Every read goes through one pacer (stream events, polling and new renders alike): a read that
  // finds new rows loads them, the new render reads again, and unpaced that loop ran as fast as
  // the server answered (~2.5 refreshes a second at 20 webhooks/s on the 1M-row audit).
  const pacedPollRef = useRef<ReturnType<typeof pace> | null>(null);
  const pacedPoll = useCallback(
    () => (pacedPollRef.current ??= pace(() => pollRef.current(), { minGapMs: LIVE_REREAD_MIN_MS, costFactor: LIVE_REREAD_COST_FACTOR })),
    [],
  );
  useEffect(
    () => () => {
      pacedPollRef.current?.cancel();
      pacedPollRef.current = null;
    },
    [],
  );
  useEffect(() => {
    let stopped = false;
    pollRef.current = async () => {
      if (stopped || document.hidden || refreshing.current) return;
      const params = new URLSearchParams(filterQuery);
      params.set('from', newest?.receivedAt ?? since);
      params.set('limit', String(POLL_LIMIT));
      params.set('fields', 'summary'); // positions only: no headers, bodies or payloads
      try {
        const response = await fetch(`/api/deliveries?${params}`, { cache: 'no-store', headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(String(response.status));
        const page = (await response.json()) as { items: Position[] };
        if (stopped) return;
        setFailed(false);
        const fresh = page.items.filter((item) => (newest ? isNewer(item, newest) : true)).length;
        setCount(fresh);
        if (fresh > 0 && autoLoad) load();
      } catch {
        if (!stopped) setFailed(true);
      }
    };
    // A new render (new rows, other filters) reads once: events that came while it refreshed were skipped.
    if (enabled && !paused) pacedPoll().request();
    return () => {
      stopped = true;
    };
  }, [filterQuery, newest, since, autoLoad, load, enabled, paused, pacedPoll]);

  useEffect(() => {
    if (!enabled || paused) return;
    let stopped = false;
    // Server-sent events say when the newest delivery changed; each one triggers one read with
    // this page's filters. While the stream is down, poll instead, and try the stream again.
    // Rows that a worker may still change: read the page again (same address, same rows).
    const pacing = { minGapMs: LIVE_REREAD_MIN_MS, costFactor: LIVE_REREAD_COST_FACTOR };
    const pendingRefresh = pace(() => (stopped || document.hidden || !showsPendingRow() ? undefined : awaitedRefresh()), pacing);
    const refreshPending = () => {
      if (!stopped && !document.hidden && showsPendingRow()) pendingRefresh.request();
    };
    const poll = () => pacedPoll().request();
    const close = openLiveStream({
      url: () => '/api/deliveries/events',
      events: { delivery: poll, change: refreshPending },
      onOpen: () => {
        poll(); // anything recorded while there was no stream
        refreshPending(); // any status that changed meanwhile
      },
      // Without the stream nothing says a status changed, so each poll also covers that.
      onPoll: () => {
        poll();
        refreshPending();
      },
      onMode: setMode,
    });
    const onVisible = () => {
      if (document.hidden) return;
      poll();
      refreshPending();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      pendingRefresh.cancel();
      close();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, paused, awaitedRefresh, pacedPoll]);

  const label = count >= POLL_LIMIT ? `${POLL_LIMIT}+ new deliveries` : `${count} new ${count === 1 ? 'delivery' : 'deliveries'}`;
  const statusText = !enabled
    ? 'Live updates off for a past time range'
    : failed
      ? 'Live updates interrupted, retrying…'
      : paused
        ? 'Live updates paused'
        : mode === 'polling'
          ? 'Live (polling)'
          : 'Live';
  return (
    <>
      <div className="list-toolbar">
        <div className="muted">{summary}</div>
        <div className="live" data-live-mode={enabled && !paused ? mode : 'off'}>
          <span className={`live-dot${paused || !enabled || failed ? ' paused' : ''}`} aria-hidden="true" />
          <span role="status">{statusText}</span>
          {enabled ? (
            <button type="button" className="button button-small" onClick={() => setPaused((value) => !value)}>
              {paused ? 'Resume' : 'Pause'}
            </button>
          ) : null}
        </div>
      </div>
      {/* Announced when it appears, so screen-reader users learn about new rows too. */}
      <div aria-live="polite">
        {count > 0 && !autoLoad ? (
          <div className="new-banner">
            <button type="button" className="button button-primary button-small" onClick={load} data-testid="new-deliveries">
              {label} · show
            </button>
          </div>
        ) : null}
      </div>
      {children}
    </>
  );
}

// Keyset order of the list: receivedAt desc, then id desc (UUIDv7, so id order is time order).
function isNewer(a: Position, b: Position): boolean {
  return a.receivedAt > b.receivedAt || (a.receivedAt === b.receivedAt && a.id > b.id);
}

/** Statuses a worker still changes (the badge's `data-status`). */
const PENDING_SELECTOR = 'tbody tr[data-delivery-id] [data-status="queued"], tbody tr[data-delivery-id] [data-status="retrying"]';

function showsPendingRow(): boolean {
  return document.querySelector(PENDING_SELECTOR) !== null;
}
