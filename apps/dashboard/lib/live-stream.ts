/** Poll interval while the event stream is down; short enough to feel live, long enough to be free on SQLite. */
export const LIVE_POLL_MS = 2500;
/** How long after the stream dropped a page tries it again (polling meanwhile). */
export const LIVE_RECONNECT_MS = 10_000;

/** How a page hears of changes: over the event stream, or by polling while it is down. */
export type LiveMode = 'stream' | 'polling';

/** Options of {@link openLiveStream}. */
export interface LiveStreamOptions {
  /** The stream's address, read at every (re)connect (it may carry what the page shows now). */
  url: () => string;
  /** Server-sent event name → what to do when it arrives. */
  events: Readonly<Record<string, () => void>>;
  /** Called each time the stream (re)opens: catch up on what happened while it was down. */
  onOpen?: (() => void) | undefined;
  /** Called every {@link LIVE_POLL_MS} while the stream is down (or the browser has no EventSource). */
  onPoll: () => void;
  /** Told whenever the page switches between stream and polling. */
  onMode: (mode: LiveMode) => void;
}

/**
 * The dashboard's live connection (browser side): listens to a server-sent event stream, and
 * when it drops, polls every {@link LIVE_POLL_MS} ms and tries the stream again every
 * {@link LIVE_RECONNECT_MS} ms. Returns the function that closes everything (stream, timers).
 *
 * @example
 * ```ts
 * const close = openLiveStream({
 *   url: () => '/api/deliveries/events',
 *   events: { delivery: readNewRows, change: refreshPendingRows },
 *   onOpen: readNewRows,
 *   onPoll: readNewRows,
 *   onMode: setMode,
 * });
 * // later, e.g. in a React effect's cleanup:
 * close();
 * ```
 */
export function openLiveStream(options: LiveStreamOptions): () => void {
  let closed = false;
  let source: EventSource | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  const stopPolling = () => {
    if (pollTimer !== undefined) clearInterval(pollTimer);
    pollTimer = undefined;
  };
  const startPolling = () => {
    options.onMode('polling');
    pollTimer ??= setInterval(options.onPoll, LIVE_POLL_MS);
  };
  const connect = () => {
    if (closed) return;
    if (typeof EventSource === 'undefined') return startPolling();
    source = new EventSource(options.url());
    source.addEventListener('open', () => {
      stopPolling();
      options.onMode('stream');
      options.onOpen?.();
    });
    for (const [name, listener] of Object.entries(options.events)) source.addEventListener(name, listener);
    source.addEventListener('error', () => {
      source?.close();
      source = undefined;
      startPolling();
      reconnectTimer = setTimeout(connect, LIVE_RECONNECT_MS);
    });
  };
  connect();
  return () => {
    closed = true;
    source?.close();
    stopPolling();
    clearTimeout(reconnectTimer);
  };
}
