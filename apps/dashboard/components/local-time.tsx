'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * A timestamp in the reader's own time zone. The server cannot know it, so the server renders
 * UTC and the browser swaps in local time after hydration (no hydration mismatch).
 *
 * @example
 * ```tsx
 * <LocalTime iso="2026-01-01T10:42:13.123Z" withMs />
 * ```
 */
export function LocalTime({ iso, withDate = true, withMs = false }: { iso: string; withDate?: boolean; withMs?: boolean }) {
  const local = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime()) ? iso : local ? formatLocal(date, withDate, withMs) : formatUtc(date, withDate, withMs);
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}

function formatLocal(date: Date, withDate: boolean, withMs: boolean): string {
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const ms = withMs ? `.${String(date.getMilliseconds()).padStart(3, '0')}` : '';
  if (!withDate) return `${time}${ms}`;
  const day = date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  return `${day}, ${time}${ms}`;
}

function formatUtc(date: Date, withDate: boolean, withMs: boolean): string {
  const iso = date.toISOString();
  const time = iso.slice(11, withMs ? 23 : 19);
  return withDate ? `${iso.slice(0, 10)} ${time} UTC` : `${time} UTC`;
}
