// The inbox contract: how an answered delivery waits for a worker, and what each attempt leaves.
import type { CompleteInput, DeliveryStatus } from './delivery-store.js';
import { HookgateError } from './errors.js';

/**
 * How a handler runs listeners: `inline` (default) inside the HTTP request, answering with
 * their result; `inbox` after the delivery is recorded `queued` and durably enqueued, answering
 * 202 at once and leaving the listeners to a worker ({@link DeliveryInbox}).
 *
 * @example
 * ```ts
 * const mode: HandlerMode = 'inbox';
 * createWebhookHandler({ provider, secret, store, mode });
 * ```
 */
export type HandlerMode = 'inline' | 'inbox';

/**
 * One queued delivery handed to a worker.
 *
 * @example
 * ```ts
 * const job: InboxJob = { deliveryId: '0193…', provider: 'pylon', attempt: 1 };
 * ```
 */
export interface InboxJob {
  readonly deliveryId: string;
  /** The provider id the delivery was recorded under. */
  readonly provider: string;
  /**
   * 1-based number of this attempt. An attempt cut short by a crashed worker is not recorded,
   * but it is counted: the next attempt has the next number.
   */
  readonly attempt: number;
}

/**
 * One run of a delivery's listeners, as recorded by a worker or a replay.
 *
 * @example
 * ```ts
 * const attempts = await store.inbox!.attempts(deliveryId);
 * for (const a of attempts) console.log(a.attempt, a.startedAt, a.durationMs, a.error ?? 'ok');
 * ```
 */
export interface DeliveryAttempt {
  /** Time-ordered UUIDv7 of the attempt itself. */
  id: string;
  deliveryId: string;
  /** 1-based attempt number (the `ctx.attempt` listeners saw). */
  attempt: number;
  /** ISO 8601 with milliseconds, UTC. */
  startedAt: string;
  durationMs: number;
  /** The listener's error message; null when every listener completed. */
  error: string | null;
  /** `worker`: taken from the queue; `replay`: asked for by someone (see `requestedBy`). */
  trigger: 'worker' | 'replay';
  /** The worker id that ran it (`worker`), or who asked for the replay (`replay`). */
  requestedBy: string | null;
}

/**
 * What running one job's listeners gave: success, or the error (a `permanent` one is not retried).
 *
 * @example
 * ```ts
 * const result: AttemptResult = { ok: false, error: 'connection refused', permanent: false };
 * ```
 */
export type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly permanent?: boolean };

/**
 * Retries of a queued delivery: exponential backoff with jitter, then `dead`.
 * The delay before attempt n+1 is drawn uniformly from [d/2, d] with
 * d = min(maxDelayMs, baseDelayMs × 2^(n−1)).
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 60_000 };
 * ```
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). Default 8. */
  maxAttempts?: number | undefined;
  /** Delay scale before the second attempt, in ms. Default 1000. */
  baseDelayMs?: number | undefined;
  /** Largest delay between two attempts, in ms. Default 900,000 (15 min). */
  maxDelayMs?: number | undefined;
}

/**
 * A {@link RetryPolicy} with every default filled in (see {@link normalizeRetryPolicy}).
 *
 * @example
 * ```ts
 * const policy: ResolvedRetryPolicy = normalizeRetryPolicy({ maxAttempts: 3 });
 * ```
 */
export interface ResolvedRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The defaults of {@link RetryPolicy}: 8 attempts, 1 s base, 15 min cap (about 1 h 10 min
 * between the first and the last attempt at most).
 *
 * @example
 * ```ts
 * startWorker({ store, handlers, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 } });
 * ```
 */
export const DEFAULT_RETRY_POLICY: Readonly<ResolvedRetryPolicy> = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000 };

/**
 * Fills in and checks a {@link RetryPolicy}.
 *
 * @throws {HookgateError} `invalid_config` for a non-integer or non-positive value.
 * @example
 * ```ts
 * normalizeRetryPolicy({ maxAttempts: 3 }); // { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 900000 }
 * ```
 */
export function normalizeRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const result: ResolvedRetryPolicy = {
    maxAttempts: policy.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseDelayMs: policy.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  for (const [name, value] of Object.entries(result)) {
    if (!Number.isSafeInteger(value) || value < (name === 'maxAttempts' ? 1 : 0)) {
      throw new HookgateError(
        'invalid_config',
        `retry.${name} must be a ${name === 'maxAttempts' ? 'positive' : 'non-negative'} integer, got ${String(value)}`,
      );
    }
  }
  return result;
}

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based) before the next one:
 * exponential backoff with "equal jitter", so retries of many deliveries failing together spread out.
 *
 * @example
 * ```ts
 * retryDelayMs({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 }, 3); // between 2000 and 4000
 * ```
 */
export function retryDelayMs(policy: ResolvedRetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * How an inbox consumes its queue, given by `startWorker()` to {@link DeliveryInbox.work}.
 *
 * @example
 * ```ts
 * const subscription = await store.inbox!.work({ concurrency: 4, retry, leaseMs: 60_000, pollIntervalMs: 250, workerId: 'w1', process });
 * ```
 */
export interface InboxWorkOptions {
  /** Most jobs run at once. */
  concurrency: number;
  retry: ResolvedRetryPolicy;
  /**
   * A job taken and not finished within this long counts as crashed and is handed out again.
   * While its listeners run, the lease is renewed every `leaseMs / 2` where the queue can
   * (memory, SQLite; not pg-boss 10, whose lease is fixed at take).
   */
  leaseMs: number;
  /**
   * Renew the lease of running jobs (default true). false: a job running past `leaseMs` is
   * handed to another worker even though its listeners still run (they may run twice).
   */
  renewLease?: boolean | undefined;
  /** How often an idle worker looks for due jobs. */
  pollIntervalMs: number;
  /** Recorded on each attempt (`requestedBy`). */
  workerId: string;
  /** Runs the listeners of one job. Never rejects. */
  process(job: InboxJob): Promise<AttemptResult>;
  /** Something failed outside a listener (the store, while taking or finishing a job). */
  onError?: ((error: unknown) => void) | undefined;
  /** Clock in epoch milliseconds (tests). Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * A running consumer of an inbox.
 *
 * @example
 * ```ts
 * await subscription.stop(); // no new jobs; resolves once the running ones are recorded
 * ```
 */
export interface InboxSubscription {
  /** Stops taking jobs and resolves once every job in flight has finished and been recorded. */
  stop(): Promise<void>;
  /** Jobs running right now. */
  readonly inFlight: number;
}

/**
 * The status a job's delivery gets after an attempt, and when the next attempt is due.
 *
 * @example
 * ```ts
 * attemptSettlement(job, { ok: false, error: 'boom' }, retry, Date.now()); // { status: 'retrying', retryAt: … }
 * ```
 */
export function attemptSettlement(
  job: InboxJob,
  result: AttemptResult,
  retry: ResolvedRetryPolicy,
  now: number,
  random: () => number = Math.random,
): { status: Extract<DeliveryStatus, 'handled' | 'retrying' | 'dead'>; retryAt: number | null; reason: string | null; message: string | null } {
  if (result.ok) return { status: 'handled', retryAt: null, reason: null, message: null };
  if (result.permanent || job.attempt >= retry.maxAttempts) {
    const reason = result.permanent ? 'permanent_failure' : 'attempts_exhausted';
    return { status: 'dead', retryAt: null, reason, message: `attempt ${job.attempt}: ${result.error}` };
  }
  return {
    status: 'retrying',
    retryAt: now + retryDelayMs(retry, job.attempt, random),
    reason: 'handler_error',
    message: `attempt ${job.attempt}: ${result.error}`,
  };
}

/**
 * A store's durable queue of answered deliveries (`store.inbox`). Implemented by `MemoryStore`
 * (in process, for tests), the SQLite store (its own `queued` rows; one machine, any number of
 * processes on it) and the PostgreSQL store (pg-boss in the same database; many machines).
 *
 * Delivery semantics are at-least-once: a job whose worker crashed or hung past its lease is
 * handed out again, so listeners should use `ctx.deliveryId` as their idempotency key.
 *
 * @example
 * ```ts
 * const store = await openStore('sqlite:./data/hookgate.db');
 * const subscription = await store.inbox!.work({ ...options, process: async (job) => ({ ok: true }) });
 * ```
 */
export interface DeliveryInbox {
  /** `memory`, `sqlite` or `pg-boss`. */
  readonly kind: string;
  /**
   * Largest body the store keeps whole (its `maxBodyBytes`); a longer one would be cut and its
   * job could never run, so inbox mode refuses it with 413 instead of queueing it. Absent: no limit.
   */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Records the delivery (status `queued`), marks its dedupe key done for the window (later
   * copies are duplicates) and enqueues its job — atomically where the engine allows (all three
   * stores do), and idempotent by delivery id. Resolves once all of it is durable.
   */
  enqueue(input: CompleteInput): Promise<void>;
  /** Starts consuming jobs with `options.process`; each attempt is recorded with its outcome. */
  work(options: InboxWorkOptions): Promise<InboxSubscription>;
  /** Every attempt recorded for a delivery, oldest first. */
  attempts(deliveryId: string): Promise<DeliveryAttempt[]>;
  /**
   * Records an attempt made outside the queue (a replay) and sets the delivery's status
   * (`reason`/`message` as given). Resolves false when the delivery is not stored.
   */
  recordAttempt(attempt: DeliveryAttempt, update: { status: DeliveryStatus; reason: string | null; message: string | null }): Promise<boolean>;
  /** Jobs waiting or running (not yet handled or dead). */
  pending(): Promise<number>;
}
