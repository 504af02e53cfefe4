// The PostgreSQL inbox's queue: pg-boss (10.x) in the store's database, started on first use.
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
 * `retry.maxAttempts`) and cancels its job; pg-boss only schedules the retries (and re-runs the
 * job of a worker that died, which also counts as an attempt).
 */
const PG_BOSS_RETRY_LIMIT = 10_000;
const DEFAULT_LEASE_SECONDS = 60;

/**
 * pg-boss for one store: started on first use (creating its schema, safe from many processes at
 * once), with the `hookgate-deliveries` queue. Retries use pg-boss's exponential backoff with
 * jitter (delay × 2^n / 2 × (1 + random), whole seconds); a job taken longer than the lease is
 * expired by pg-boss's maintenance and handed out again.
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
      await boss.updateQueue(INBOX_QUEUE, { name: INBOX_QUEUE, ...queuePolicy(worker.leaseMs, worker.retry.baseDelayMs) });
    }
  }

  /** Enqueues several deliveries' jobs on `executor`'s connection in one statement; known ids are kept as they are. */
  async insert(jobs: ReadonlyArray<{ deliveryId: string; provider: string }>, executor: PgBossExecutor): Promise<void> {
    const boss = await this.#start();
    await boss.insert(
      jobs.map((data) => ({ id: data.deliveryId, name: INBOX_QUEUE, data })),
      { db: executor as PgBoss.Db },
    );
  }

  /** Takes up to `limit` due jobs (pg-boss's `SKIP LOCKED` fetch); `attempt` counts pg-boss's retries. */
  async fetch(limit: number): Promise<InboxJob[]> {
    const boss = await this.#start();
    const jobs = await boss.fetch<{ deliveryId: string; provider: string }>(INBOX_QUEUE, { batchSize: limit, includeMetadata: true });
    return jobs.map((job) => ({ deliveryId: job.data.deliveryId, provider: job.data.provider, attempt: job.retryCount + 1 }));
  }

  /**
   * Moves jobs on after their attempts, on `executor`'s connection: complete (handled), fail →
   * pg-boss schedules the retry (retrying), cancel (dead). One statement per outcome, plus one per retry.
   */
  async settle(
    jobs: ReadonlyArray<{ deliveryId: string; status: 'handled' | 'retrying' | 'dead'; error: string | null }>,
    executor: PgBossExecutor,
  ): Promise<void> {
    const boss = await this.#start();
    const options = { db: executor as PgBoss.Db };
    const ids = (status: string) => jobs.filter((job) => job.status === status).map((job) => job.deliveryId);
    const handled = ids('handled');
    const dead = ids('dead');
    // pg-boss 10 declares complete(name, ids, options) but reads complete(name, ids, data, options):
    // with three arguments the options became the job's output and the statement ran on pg-boss's
    // own pool, outside this transaction, so a worker killed before its commit left the job
    // completed and the delivery queued for good. Pass `null` data so `db` is really used.
    if (handled.length > 0) await completeOn(boss, handled, options);
    if (dead.length > 0) await boss.cancel(INBOX_QUEUE, dead, options);
    for (const job of jobs) {
      if (job.status === 'retrying') await boss.fail(INBOX_QUEUE, job.deliveryId, { message: job.error ?? 'failed' }, options);
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
      await boss.createQueue(INBOX_QUEUE, { name: INBOX_QUEUE, ...queuePolicy(DEFAULT_LEASE_SECONDS * 1000, 1000) });
      return boss;
    })();
    // A failed start (database down) is retried on the next call instead of being remembered.
    this.#boss.catch(() => {
      this.#boss = undefined;
    });
    return this.#boss;
  }
}

/** `boss.complete(name, ids, null, options)`: the four-argument form pg-boss's types omit for id lists. */
function completeOn(boss: PgBoss, ids: string[], options: PgBoss.ConnectionOptions): Promise<unknown> {
  const complete = boss.complete.bind(boss) as unknown as (name: string, ids: string[], data: null, options: PgBoss.ConnectionOptions) => Promise<unknown>;
  return complete(INBOX_QUEUE, ids, null, options);
}

function queuePolicy(leaseMs: number, baseDelayMs: number) {
  return {
    retryLimit: PG_BOSS_RETRY_LIMIT,
    retryDelay: Math.max(1, Math.ceil(baseDelayMs / 1000)),
    retryBackoff: true,
    expireInSeconds: Math.max(1, Math.ceil(leaseMs / 1000)),
  };
}
