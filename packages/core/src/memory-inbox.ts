// MemoryStore's inbox: jobs in a Map, consumed by the shared poll loop. Lost on exit, like the store.
import type { CompleteInput, DeliveryStatus } from './delivery-store.js';
import type { DeliveryAttempt, DeliveryInbox, InboxJob, InboxSubscription, InboxWorkOptions } from './inbox.js';
import { pollInbox } from './inbox-poller.js';

/** What the inbox needs from its MemoryStore. */
export interface MemoryInboxHost {
  complete(input: CompleteInput): Promise<void>;
  /** Sets a stored delivery's status fields; false when it is not stored. */
  patch(id: string, fields: { status: DeliveryStatus; reason: string | null; message: string | null }): boolean;
  assertOpen(): void;
  /** The store's `maxBodyBytes`. */
  maxBodyBytes(): number;
}

interface MemoryJob {
  provider: string;
  attempts: number;
  availableAt: number;
  lockedUntil: number;
  lockedBy: string | null;
}

/**
 * The in-process {@link DeliveryInbox} of `MemoryStore` (`store.inbox`): for tests and
 * single-process development; jobs and attempts are lost on exit.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const worker = await startWorker({ store, handlers: { pylon: handler } });
 * ```
 */
export class MemoryInbox implements DeliveryInbox {
  readonly kind = 'memory';
  readonly #host: MemoryInboxHost;
  readonly #jobs = new Map<string, MemoryJob>();
  readonly #attempts = new Map<string, DeliveryAttempt[]>();

  constructor(host: MemoryInboxHost) {
    this.#host = host;
  }

  /** The store's `maxBodyBytes`: a longer body is not queued (see {@link DeliveryInbox.maxBodyBytes}). */
  get maxBodyBytes(): number {
    return this.#host.maxBodyBytes();
  }

  async enqueue(input: CompleteInput): Promise<void> {
    await this.#host.complete(input);
    const id = input.delivery.id;
    if (!this.#jobs.has(id) && !this.#attempts.has(id)) {
      this.#jobs.set(id, { provider: input.delivery.provider, attempts: 0, availableAt: input.now, lockedUntil: 0, lockedBy: null });
    }
  }

  async work(options: InboxWorkOptions): Promise<InboxSubscription> {
    this.#host.assertOpen();
    return pollInbox(
      {
        take: async ({ limit, now, leaseMs, workerId }) => {
          this.#host.assertOpen();
          const taken: InboxJob[] = [];
          for (const [deliveryId, job] of this.#jobs) {
            if (taken.length >= limit) break;
            if (job.availableAt > now || job.lockedUntil > now) continue;
            job.attempts += 1;
            job.lockedUntil = now + leaseMs;
            job.lockedBy = workerId;
            taken.push({ deliveryId, provider: job.provider, attempt: job.attempts });
          }
          return taken;
        },
        finish: async ({ job, attempt, status, reason, message, retryAt }) => {
          this.#host.assertOpen();
          this.#addAttempt(attempt);
          this.#host.patch(job.deliveryId, { status, reason, message });
          const held = this.#jobs.get(job.deliveryId);
          if (held === undefined) return;
          if (retryAt === null) this.#jobs.delete(job.deliveryId);
          else {
            held.availableAt = retryAt;
            held.lockedUntil = 0;
            held.lockedBy = null;
          }
        },
        renew: async ({ job, now, leaseMs, workerId }) => {
          this.#host.assertOpen();
          const held = this.#jobs.get(job.deliveryId);
          // Still this worker's attempt: not finished, not taken over after its lease ran out.
          if (held === undefined || held.lockedBy !== workerId || held.attempts !== job.attempt) return false;
          held.lockedUntil = now + leaseMs;
          return true;
        },
      },
      options,
    );
  }

  async attempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    this.#host.assertOpen();
    return (this.#attempts.get(deliveryId) ?? []).map((attempt) => ({ ...attempt }));
  }

  async recordAttempt(attempt: DeliveryAttempt, update: { status: DeliveryStatus; reason: string | null; message: string | null }): Promise<boolean> {
    this.#host.assertOpen();
    if (!this.#host.patch(attempt.deliveryId, update)) return false;
    this.#addAttempt(attempt);
    return true;
  }

  async pending(): Promise<number> {
    this.#host.assertOpen();
    return this.#jobs.size;
  }

  /** Whether a job of this delivery is waiting or running. */
  has(deliveryId: string): boolean {
    return this.#jobs.has(deliveryId);
  }

  /** Forgets the attempts of a delivery the store dropped from its history (one with a job stays). */
  forget(deliveryId: string): void {
    if (!this.#jobs.has(deliveryId)) this.#attempts.delete(deliveryId);
  }

  /** Forgets every job and attempt (the store was closed). */
  clear(): void {
    this.#jobs.clear();
    this.#attempts.clear();
  }

  #addAttempt(attempt: DeliveryAttempt): void {
    const list = this.#attempts.get(attempt.deliveryId);
    if (list === undefined) this.#attempts.set(attempt.deliveryId, [{ ...attempt }]);
    else list.push({ ...attempt });
  }
}
