// The one worker loop every inbox uses: take due jobs up to the concurrency, run, record, repeat.
import { describeThrown } from './errors.js';
import { createDeliveryId } from './delivery-id.js';
import { attemptSettlement, type AttemptResult, type DeliveryAttempt, type InboxJob, type InboxSubscription, type InboxWorkOptions } from './inbox.js';

/**
 * What a queue must offer for {@link pollInbox} to consume it.
 *
 * @example
 * ```ts
 * const queue: PolledQueue = {
 *   take: async ({ limit }) => [],
 *   finish: async ({ job, attempt, status }) => {},
 * };
 * ```
 */
export interface PolledQueue {
  /** Leases up to `limit` due jobs to `workerId` until `now + leaseMs`; each job's `attempt` is its new number. */
  take(input: { limit: number; now: number; leaseMs: number; workerId: string }): Promise<InboxJob[]>;
  /**
   * Records an attempt, sets its delivery's status and either removes the job (`handled`,
   * `dead`) or schedules it again at `retryAt` (`retrying`).
   */
  finish(input: {
    job: InboxJob;
    attempt: DeliveryAttempt;
    status: 'handled' | 'retrying' | 'dead';
    reason: string | null;
    message: string | null;
    retryAt: number | null;
  }): Promise<void>;
  /**
   * Extends the lease of a job this worker took and is still running, to `now + leaseMs`.
   * Resolves false when the job is no longer this worker's (finished, or taken over after its
   * lease ran out). Optional: a queue without it (pg-boss 10) keeps the lease it gave at take.
   */
  renew?(input: { job: InboxJob; now: number; leaseMs: number; workerId: string }): Promise<boolean>;
}

/** Pause after a failed take or finish, so an unreachable store is not hammered. */
const ERROR_BACKOFF_MS = 1000;
/** Tries of `finish` before the job is left to its lease (it is then run again). */
const FINISH_TRIES = 3;

/**
 * Consumes `queue` with `options`: keeps up to `concurrency` jobs running, takes more as soon as
 * one ends, polls every `pollIntervalMs` when idle. While a job's listeners run, its lease is
 * renewed every `leaseMs / 2` (when the queue has `renew` and `options.renewLease` is not false),
 * so a slow listener keeps its job; only a worker that stopped (crashed, frozen) loses it. A job
 * taken past `retry.maxAttempts` (its worker crashed during the last attempt) is marked `dead`
 * without running again.
 *
 * @example
 * ```ts
 * const subscription = pollInbox(queue, { concurrency: 4, retry, leaseMs: 60_000, pollIntervalMs: 250, workerId, process });
 * await subscription.stop();
 * ```
 */
export function pollInbox(queue: PolledQueue, options: InboxWorkOptions): InboxSubscription {
  const now = options.now ?? Date.now;
  const running = new Set<Promise<void>>();
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let taking = false;
  let wake: (() => void) | undefined;

  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // A reporter that throws must not stop the worker.
    }
  };

  async function runJob(job: InboxJob): Promise<void> {
    const startedAt = now();
    const started = performance.now();
    let result: AttemptResult;
    if (job.attempt > options.retry.maxAttempts) {
      result = { ok: false, error: 'no attempts left: the last one was cut short (its worker stopped or exceeded the lease)', permanent: true };
    } else {
      const stopRenewing = renewWhileRunning(job);
      try {
        result = await options.process(job);
      } catch (error) {
        // process() is documented never to reject; if it does anyway, the attempt failed (and is
        // recorded), instead of an unhandled rejection that stops the worker's process.
        result = { ok: false, error: `the attempt could not be run: ${describeThrown(error)}` };
      } finally {
        stopRenewing();
      }
    }
    const attempt: DeliveryAttempt = {
      id: createDeliveryId(startedAt),
      deliveryId: job.deliveryId,
      attempt: job.attempt,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: performance.now() - started,
      error: result.ok ? null : result.error,
      trigger: 'worker',
      requestedBy: options.workerId,
    };
    const settlement = attemptSettlement(job, result, options.retry, now());
    for (let tries = 1; ; tries++) {
      try {
        await queue.finish({ job, attempt, ...settlement });
        return;
      } catch (error) {
        if (tries >= FINISH_TRIES) {
          // Not recorded: the job's lease expires and it is run again (at-least-once).
          report(error);
          return;
        }
        await sleep(ERROR_BACKOFF_MS * tries);
      }
    }
  }

  /** Renews `job`'s lease every half lease until the returned function is called. */
  function renewWhileRunning(job: InboxJob): () => void {
    const renew = queue.renew?.bind(queue);
    if (renew === undefined || options.renewLease === false) return () => undefined;
    let renewing = false;
    const interval = setInterval(
      async () => {
        if (renewing) return;
        renewing = true;
        try {
          // false: the job is no longer ours (taken over); its outcome is still recorded.
          if (!(await renew({ job, now: now(), leaseMs: options.leaseMs, workerId: options.workerId }))) clearInterval(interval);
        } catch (error) {
          report(error);
        } finally {
          renewing = false;
        }
      },
      Math.max(1, Math.floor(options.leaseMs / 2)),
    );
    return () => clearInterval(interval);
  }

  function schedule(delayMs: number): void {
    if (stopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => void fill(), delayMs);
  }

  async function fill(eager = true): Promise<void> {
    if (stopping || taking) return;
    const free = options.concurrency - running.size;
    if (free <= 0) return;
    // After a job ends, take again only once half the slots are free: one take (a commit on
    // PostgreSQL) then hands out several jobs instead of one per finished job.
    if (!eager && running.size > 0 && free < Math.ceil(options.concurrency / 2)) return;
    taking = true;
    let jobs: InboxJob[] = [];
    try {
      jobs = await queue.take({ limit: free, now: now(), leaseMs: options.leaseMs, workerId: options.workerId });
    } catch (error) {
      report(error);
      taking = false;
      schedule(ERROR_BACKOFF_MS);
      return;
    }
    taking = false;
    for (const job of jobs) {
      const promise = runJob(job)
        .catch(report)
        .finally(() => {
          running.delete(promise);
          wake?.();
          // A slot came free: look for more at once (a busy queue is drained without waiting).
          if (!stopping) setImmediate(() => void fill(false));
        });
      running.add(promise);
    }
    schedule(jobs.length === free ? 0 : options.pollIntervalMs);
  }

  void fill();
  return {
    get inFlight() {
      return running.size;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      while (running.size > 0 || taking) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (taking) setTimeout(resolve, 10);
        });
      }
      // A take that was running when stop() came may have started jobs: wait for those too.
      await Promise.allSettled([...running]);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
