/** Poll interval while the event stream is down; short enough to feel live, long enough to be free on SQLite. */
export const LIVE_POLL_MS = 2500;
/** Least time between two re-reads a page makes because of stream events (see {@link pace}). */
export const LIVE_REREAD_MIN_MS = 1000;
/** A re-read that took `d` ms keeps the next one `4 × d` after it: at most a fifth of the time. */
export const LIVE_REREAD_COST_FACTOR = 4;
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

/** Options of {@link pace}. */
export interface PaceOptions {
  /** Least time between the starts of two runs. */
  minGapMs: number;
  /** A run that took `d` ms keeps the next one at least `costFactor × d` ms after it ended. */
  costFactor: number;
}

/**
 * Paces a re-read the live stream asks for: at most one run at a time, never sooner than
 * `minGapMs` after the last one started nor `costFactor` times its duration after it ended; the
 * requests in between become one trailing run. So a burst of events costs the server one re-read,
 * and a slow one (a large history) spaces itself out instead of piling up.
 *
 * @example
 * ```ts
 * const refresh = pace(() => fetch('/api/deliveries?limit=1'), { minGapMs: 1000, costFactor: 4 });
 * refresh.request(); // runs now
 * refresh.request(); // runs once, when the first has ended and the gap has passed
 * refresh.cancel();
 * ```
 */
export function pace(run: () => unknown, options: PaceOptions): { request(): void; cancel(): void } {
  let running = false;
  let wanted = false;
  let cancelled = false;
  let notBefore = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    timer = undefined;
    if (cancelled || running || !wanted) return;
    const wait = notBefore - Date.now();
    if (wait > 0) {
      timer = setTimeout(start, wait);
      return;
    }
    wanted = false;
    running = true;
    const started = Date.now();
    void (async () => {
      try {
        await run();
      } catch {
        // the caller reports its own failures
      } finally {
        running = false;
        const ended = Date.now();
        notBefore = Math.max(started + options.minGapMs, ended + options.costFactor * (ended - started));
        if (wanted && timer === undefined) start();
      }
    })();
  };
  return {
    request() {
      wanted = true;
      if (!running && timer === undefined) start();
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
