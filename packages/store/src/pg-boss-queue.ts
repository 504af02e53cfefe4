// The PostgreSQL inbox's queue: pg-boss (10.x) in the store's database, started on first use.
import { createHash } from 'node:crypto';
import type { InboxJob, ResolvedRetryPolicy } from '@hookgate/core';
import type PgBoss from 'pg-boss';
import { loadDriver } from './drivers.js';

/**
 * Runs SQL on a given connection (a transaction's), in the shape pg-boss's `db` option takes.
 *
 * @example
 * ```ts
 * const executor: PgBossExecutor = { executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }) };
 * ```
 */
export interface PgBossExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Settings of the PostgreSQL inbox (`openStore(url, { inbox })`).
 *
 * @example
 * ```ts
 * const settings: PgBossSettings = { schema: 'hookgate_queue', maintenanceIntervalSeconds: 10 };
 * ```
 */
export interface PgBossSettings {
  /** PostgreSQL schema pg-boss keeps its tables in. Default `pgboss`. */
  schema?: string | undefined;
  /**
   * How often (seconds, ≥ 1) pg-boss looks for jobs whose worker died (lease expired) and hands
   * them out again. Default 30.
   */
  maintenanceIntervalSeconds?: number | undefined;
  /** Connections pg-boss opens besides the store's pool. Default 4. */
  poolSize?: number | undefined;
}

/** The pg-boss queue every Hookgate gateway and worker of a database shares. */
export const INBOX_QUEUE = 'hookgate-deliveries';
/**
 * pg-boss's own retry limit, set high: Hookgate decides when a delivery is dead (the worker's
 * `retry.maxAttempts`) and cancels its job. pg-boss's own retries only re-run the job of a worker
 * that died or overran its lease (which also counts as an attempt); failed attempts are retried
 * by a new job at the time the worker's policy chose (see {@link PgBossQueue.settle}).
 */
const PG_BOSS_RETRY_LIMIT = 10_000;
const DEFAULT_LEASE_SECONDS = 60;

/** The data of a job in the `hookgate-deliveries` queue. */
interface JobData {
  deliveryId: string;
  provider: string;
  /** The attempt number of the job's first run; absent (1) on the job the gateway enqueued. */
  attempt?: number;
}

/** How settle() and renew() find the pg-boss job behind a fetched {@link InboxJob}. */
interface Fetched {
  jobId: string;
  leaseSeconds: number;
  /** pg-boss's count of re-runs when it was taken: a later take (after the lease ran out) has a higher one. */
  retryCount: number;
}

/**
 * One finished attempt handed to {@link PgBossQueue.settle}: the job as fetched, its outcome and,
 * when `retrying`, the epoch ms the next attempt is due.
 *
 * @example
 * ```ts
 * const outcome: SettledJob = { job, status: 'retrying', error: 'boom', retryAt: Date.now() + 1500 };
 * ```
 */
export interface SettledJob {
  job: InboxJob;
  status: 'handled' | 'retrying' | 'dead';
  error: string | null;
  retryAt: number | null;
}

/**
 * pg-boss for one store: started on first use (creating its schema, safe from many processes at
 * once), with the `hookgate-deliveries` queue. A failed attempt's retry is a new pg-boss job
 * created in the transaction that records the attempt, due at the time the worker's retry policy
 * chose (milliseconds, the same backoff and jitter as SQLite and memory). A job taken longer than
 * the lease is expired by pg-boss's maintenance and handed out again at once. The lease is the
 * taking worker's (set when it fetches the job) and {@link PgBossQueue.renew} extends it while the
 * listeners run.
 *
 * @example
 * ```ts
 * const queue = new PgBossQueue('postgres://…', { schema: 'pgboss' });
 * await queue.ready();
 * const jobs = await queue.fetch(10);
 * ```
 */
export class PgBossQueue {
  readonly #connectionString: string;
  readonly #settings: { schema: string; maintenanceIntervalSeconds: number; poolSize: number };
  #boss: Promise<PgBoss> | undefined;
  #stopped = false;
  /** The pg-boss job behind each job fetch() handed out (settle() gets the same objects back). */
  readonly #fetched = new WeakMap<InboxJob, Fetched>();

  constructor(connectionString: string, settings: PgBossSettings = {}) {
    this.#connectionString = connectionString;
    this.#settings = {
      schema: settings.schema ?? 'pgboss',
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds ?? 30,
      poolSize: settings.poolSize ?? 4,
    };
  }

  /**
   * Starts pg-boss and creates the queue when missing; with a worker's policy, sets the queue's
   * lease (expiry) and retry delay for the jobs enqueued from now on.
   */
  async ready(worker?: { leaseMs: number; retry: ResolvedRetryPolicy }): Promise<void> {
    const boss = await this.#start();
    if (worker !== undefined) {
      await boss.updateQueue(INBOX_QUEUE, { name: INBOX_QUEUE, ...queuePolicy(worker.leaseMs) });
    }
  }

  /** Enqueues several deliveries' jobs on `executor`'s connection in one statement; known ids are kept as they are. */
  async insert(jobs: ReadonlyArray<{ deliveryId: string; provider: string }>, executor: PgBossExecutor): Promise<void> {
    const boss = await this.#start();
    await boss.insert(
      jobs.map((job) => ({ id: job.deliveryId, name: INBOX_QUEUE, data: { deliveryId: job.deliveryId, provider: job.provider } satisfies JobData })),
      { db: executor as PgBoss.Db },
    );
  }

  /**
   * Takes up to `limit` due jobs (pg-boss's `SKIP LOCKED` fetch). A job's `attempt` is the number
   * its job was created for plus pg-boss's re-runs of it (a worker died or overran `leaseMs`).
   */
  async fetch(limit: number, leaseMs: number = DEFAULT_LEASE_SECONDS * 1000): Promise<InboxJob[]> {
    const boss = await this.#start();
    const jobs = await boss.fetch<JobData>(INBOX_QUEUE, { batchSize: limit, includeMetadata: true });
    // pg-boss copied an expiry into each job when it was inserted: the queue's, i.e. the lease of
    // whichever worker last started. The lease is the taking worker's, from now on.
    if (jobs.length > 0) await this.#lease(boss, jobs, leaseMs);
    return jobs.map((fetched) => {
      const job: InboxJob = {
        deliveryId: fetched.data.deliveryId,
        provider: fetched.data.provider,
        attempt: (fetched.data.attempt ?? 1) + fetched.retryCount,
      };
      this.#fetched.set(job, { jobId: fetched.id, leaseSeconds: leaseSeconds(leaseMs), retryCount: fetched.retryCount });
      return job;
    });
  }

  /**
   * Extends a running job's lease to `leaseMs` from now (pg-boss 10 has no heartbeat of its own:
   * its maintenance expires a job `expire_in` after it started). False when this take no longer
   * holds the job: it finished, or its lease ran out and the job was handed out again.
   */
  async renew(job: InboxJob, leaseMs: number): Promise<boolean> {
    const fetched = this.#fetched.get(job);
    if (fetched === undefined) return false;
    return (await this.#lease(await this.#start(), [{ id: fetched.jobId, retryCount: fetched.retryCount }], leaseMs)) > 0;
  }

  /**
   * Sets running jobs' leases to end `leaseMs` from now; only jobs still in the take given
   * (active, same re-run count). Resolves with how many it set.
   */
  async #lease(boss: PgBoss, jobs: ReadonlyArray<{ id: string; retryCount: number }>, leaseMs: number): Promise<number> {
    const { rows } = await boss.getDb().executeSql(
      `UPDATE ${this.#settings.schema}.job AS j SET expire_in = (now() - j.started_on) + $4::numeric * interval '1 millisecond'
        FROM unnest($2::uuid[], $3::integer[]) AS taken(id, retry_count)
        WHERE j.name = $1 AND j.id = taken.id AND j.retry_count = taken.retry_count AND j.state = 'active' RETURNING j.id`,
      [INBOX_QUEUE, jobs.map((job) => job.id), jobs.map((job) => job.retryCount), leaseMs],
    );
    return rows.length;
  }

  /**
   * Moves fetched jobs on after their attempts, on `executor`'s connection (the transaction that
   * records the attempts): complete (handled), cancel (dead); a retrying job is completed and,
   * only if that completion moved it (it was still active), a new job for the next attempt is
   * inserted, due at `retryAt` (ms precision). The new job's id is derived from the delivery id
   * and its attempt number, so it exists at most once whatever happens.
   *
   * @throws {Error} for a job this queue did not fetch.
   */
  async settle(jobs: readonly SettledJob[], executor: PgBossExecutor): Promise<void> {
    const boss = await this.#start();
    const options = { db: executor as PgBoss.Db };
    const fetchedOf = (job: InboxJob): Fetched => {
      const fetched = this.#fetched.get(job);
      if (fetched === undefined) throw new Error(`settle(): delivery ${job.deliveryId}'s job was not fetched by this queue`);
      return fetched;
    };
    const ids = (status: SettledJob['status']) => jobs.filter((item) => item.status === status).map((item) => fetchedOf(item.job).jobId);
    const handled = ids('handled');
    const dead = ids('dead');
    if (handled.length > 0) await completeOn(boss, handled, null, options);
    if (dead.length > 0) await boss.cancel(INBOX_QUEUE, dead, options);
    for (const { job, status, error, retryAt } of jobs) {
      if (status !== 'retrying') continue;
      const fetched = fetchedOf(job);
      const next = job.attempt + 1;
      const nextId = retryJobId(job.deliveryId, next);
      const { affected } = await completeOn(boss, [fetched.jobId], { error: error ?? 'failed', retriedAs: nextId }, options);
      // Another worker took the job over (its lease ran out) and settled it first: that one moves it on.
      if (affected !== 1) continue;
      const data: JobData = { deliveryId: job.deliveryId, provider: job.provider, attempt: next };
      await boss.insert(
        [
          {
            id: nextId,
            name: INBOX_QUEUE,
            data,
            startAfter: new Date(retryAt ?? Date.now()).toISOString(),
            expireInSeconds: fetched.leaseSeconds,
          },
        ],
        options,
      );
    }
  }

  /** Stops pg-boss (its maintenance and its pool). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const starting = this.#boss;
    this.#boss = undefined;
    if (starting === undefined) return;
    const boss = await starting.catch(() => undefined);
    await boss?.stop({ graceful: false, close: true });
  }

  #start(): Promise<PgBoss> {
    if (this.#stopped) return Promise.reject(new Error('the store is closed'));
    this.#boss ??= (async () => {
      const { default: PgBossClass } = await loadDriver('pg-boss', () => import('pg-boss'));
      const boss = new PgBossClass({
        connectionString: this.#connectionString,
        schema: this.#settings.schema,
        max: this.#settings.poolSize,
        application_name: 'hookgate-inbox',
        supervise: true,
        schedule: false,
        migrate: true,
        maintenanceIntervalSeconds: this.#settings.maintenanceIntervalSeconds,
      });
      // pg-boss reports background failures (maintenance on a dropped connection) as events;
      // without a listener they would crash the process. The next call surfaces real outages.
      boss.on('error', () => undefined);
      await boss.start();
      await boss.createQueue(INBOX_QUEUE, { name: INBOX_QUEUE, ...queuePolicy(DEFAULT_LEASE_SECONDS * 1000) });
      return boss;
    })();
    // A failed start (database down) is retried on the next call instead of being remembered.
    this.#boss.catch(() => {
      this.#boss = undefined;
    });
    return this.#boss;
  }
}

/**
 * `boss.complete(name, ids, data, options)` as pg-boss 10 really reads it: its types omit the
 * four-argument form for id lists and say it resolves to nothing, but it resolves to
 * `{ jobs, requested, affected }`. Given the options third, they became the job's output and the
 * statement ran on pg-boss's own pool, outside our transaction (a worker killed before its commit
 * left the job completed and the delivery queued for good), so `data` is always passed.
 */
async function completeOn(boss: PgBoss, ids: string[], data: object | null, options: PgBoss.ConnectionOptions): Promise<{ affected: number }> {
  const complete = boss.complete.bind(boss) as unknown as (
    name: string,
    ids: string[],
    data: object | null,
    options: PgBoss.ConnectionOptions,
  ) => Promise<{ affected?: number } | undefined>;
  const result = await complete(INBOX_QUEUE, ids, data, options);
  return { affected: Number(result?.affected ?? 0) };
}

/**
 * The queue's settings: pg-boss's own retries only re-run a job whose worker died or overran the
 * lease, at once (like SQLite's `locked_until`); failed attempts get a new job (see settle()).
 */
function queuePolicy(leaseMs: number) {
  return {
    retryLimit: PG_BOSS_RETRY_LIMIT,
    retryDelay: 0,
    retryBackoff: false,
    expireInSeconds: leaseSeconds(leaseMs),
  };
}

function leaseSeconds(leaseMs: number): number {
  return Math.max(1, Math.ceil(leaseMs / 1000));
}

/**
 * The pg-boss job id of a delivery's attempt `attempt` (≥ 2): a UUID (version 8, name-based on
 * SHA-256) of the delivery id and the number, so inserting it twice keeps one job.
 *
 * @example
 * ```ts
 * retryJobId('0193a5f2-…', 2) === retryJobId('0193a5f2-…', 2); // true: one job per attempt
 * ```
 */
export function retryJobId(deliveryId: string, attempt: number): string {
  const hex = createHash('sha256').update(`hookgate-retry:${deliveryId}:${attempt}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const id = hex.join('');
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}
