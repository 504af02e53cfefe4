import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ClaimResult } from '@hookgate/core/store';
import { CLAIM_ATTEMPTS, DELIVERY_COLUMNS, type HotWrites } from './hot-writes.js';
import type { DedupeTable, DeliveriesTable } from './schema.js';
import { SQLITE_HOT_SQL } from './sqlite-writes.js';

/** Operation codes of the flat batch message (`[code, ...arguments, code, ...]`). */
const OP = { claim: 0, complete: 1, record: 2, release: 3 } as const;
/** Arguments each operation code carries in the flat batch message. */
const ARITY = [6, DELIVERY_COLUMNS.length + 6, DELIVERY_COLUMNS.length, 3] as const;

/** What the writer thread is started with. */
interface WriterSettings {
  file: string;
  busyTimeoutMs: number;
  /** The store's configured level; a batch of claims and releases only commits with `normal`. */
  synchronous: 'full' | 'normal';
  /** Resolved path of better-sqlite3 (the worker has no module resolution of its own). */
  driverPath: string;
  sql: typeof SQLITE_HOT_SQL;
  arity: readonly number[];
  claimAttempts: number;
}

/** One batch sent to the writer thread. */
interface BatchMessage {
  type: 'batch';
  synchronous: 'full' | 'normal';
  ops: unknown[];
  count: number;
}

/** A failure as it crosses the thread boundary (structured clone drops an error's `code`). */
interface ErrorData {
  message: string;
  code: string | undefined;
}

/** The writer thread's answer: one result per operation, or the whole batch failed. */
type ReplyMessage =
  | { type: 'done'; results: Array<{ ok: true; value: unknown } | { ok: false; error: ErrorData }> }
  | { type: 'failed'; error: ErrorData }
  | { type: 'closed' };

/** A write waiting for the writer thread. */
interface Waiting {
  visibleOnly: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/**
 * The hot writes of a SQLite file store on a second connection owned by a worker thread, so
 * statement execution and the commit's fsync run on another core while the event loop verifies
 * and parses the next deliveries.
 *
 * Group commit as in {@link WriteBatch}: writes issued while the thread is busy (or in the same
 * event-loop turn) travel as one message and run in one `BEGIN IMMEDIATE … COMMIT`; every promise
 * settles only after that commit. Claims and releases alone commit with `synchronous = NORMAL`
 * (visible to other processes, nothing acknowledged on them); any record or completion makes the
 * commit use the configured level (`full` by default: on disk before the caller answers 2xx). A
 * completion stores the row and its done key together or not at all.
 * Everything else (reads, migrations, prunes, the inbox's leases) stays on the main connection;
 * both connections wait for each other's write lock through `busy_timeout`.
 *
 * @example
 * ```ts
 * const writes = new SqliteWriterThread({ file: '/var/lib/hookgate/hookgate.db', busyTimeoutMs: 5000, synchronous: 'full' });
 * const claim = await writes.claim({ provider: 'pylon', dedupe_key: 'k', delivery_id: id, state: 'processing', claimed_at: now, expires_at: now + 60_000 });
 * await writes.close();
 * ```
 */
export class SqliteWriterThread implements HotWrites {
  readonly #settings: WriterSettings;
  #worker: Worker | undefined;
  /** Flat operations waiting for the next batch, and their promises. */
  #ops: unknown[] = [];
  #waiting: Waiting[] = [];
  /** Promises of the batch the thread is running. */
  #running: Waiting[] | undefined;
  #scheduled = false;
  /** Set when the thread died: every later write rejects with it. */
  #dead: Error | undefined;
  #closing: Promise<void> | undefined;
  readonly #SqliteError: (new (message: string, code: string) => Error) | undefined;

  constructor(settings: { file: string; busyTimeoutMs: number; synchronous: 'full' | 'normal' }) {
    const require = createRequire(import.meta.url);
    const driverPath = require.resolve('better-sqlite3');
    this.#settings = { ...settings, driverPath, sql: SQLITE_HOT_SQL, arity: ARITY, claimAttempts: CLAIM_ATTEMPTS };
    // Already loaded by openStore (CommonJS): its error class, so errors keep their type here.
    this.#SqliteError = (require(driverPath) as { SqliteError?: new (message: string, code: string) => Error }).SqliteError;
  }

  claim(claim: DedupeTable): Promise<ClaimResult> {
    return this.#queue(
      true,
      OP.claim,
      claim.provider,
      claim.dedupe_key,
      claim.delivery_id,
      claim.state,
      claim.claimed_at,
      claim.expires_at,
    ) as Promise<ClaimResult>;
  }

  complete(row: DeliveriesTable, done: DedupeTable): Promise<void> {
    return this.#queueRow(OP.complete, row, done) as Promise<void>;
  }

  record(row: DeliveriesTable): Promise<void> {
    return this.#queueRow(OP.record, row, undefined) as Promise<void>;
  }

  release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    return this.#queue(true, OP.release, provider, dedupeKey, deliveryId) as Promise<void>;
  }

  /** Waits for the writes already queued, then closes the thread's connection and stops it. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#running !== undefined || this.#waiting.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const worker = this.#worker;
      if (worker === undefined) return;
      this.#worker = undefined;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      worker.postMessage({ type: 'close' });
      await exited;
    })();
    return this.#closing;
  }

  #queueRow(code: number, row: DeliveriesTable, done: DedupeTable | undefined): Promise<unknown> {
    if (this.#dead !== undefined || this.#closing !== undefined) return Promise.reject(this.#unavailable());
    const ops = this.#ops;
    ops.push(code);
    for (let index = 0; index < DELIVERY_COLUMNS.length; index++) ops.push(row[DELIVERY_COLUMNS[index]!]);
    if (done !== undefined) ops.push(done.provider, done.dedupe_key, done.delivery_id, done.state, done.claimed_at, done.expires_at);
    return this.#wait(false);
  }

  #queue(visibleOnly: boolean, ...op: unknown[]): Promise<unknown> {
    if (this.#dead !== undefined || this.#closing !== undefined) return Promise.reject(this.#unavailable());
    for (const value of op) this.#ops.push(value);
    return this.#wait(visibleOnly);
  }

  #wait(visibleOnly: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ visibleOnly, resolve, reject });
      this.#schedule();
    });
  }

  /** Sends the waiting writes on the next turn (so every request handled in this one joins), unless a batch is running. */
  #schedule(): void {
    if (this.#scheduled || this.#running !== undefined) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #send(): void {
    if (this.#running !== undefined || this.#waiting.length === 0) return;
    let worker: Worker;
    try {
      worker = this.#thread();
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const waiting = this.#waiting;
    const ops = this.#ops;
    this.#waiting = [];
    this.#ops = [];
    this.#running = waiting;
    const visibleOnly = waiting.every((write) => write.visibleOnly);
    const message: BatchMessage = { type: 'batch', synchronous: visibleOnly ? 'normal' : this.#settings.synchronous, ops, count: waiting.length };
    // Keep the process alive while a write is in flight (an idle thread does not).
    worker.ref();
    worker.postMessage(message);
  }

  #onReply(reply: ReplyMessage): void {
    if (reply.type === 'closed') return;
    const running = this.#running ?? [];
    this.#running = undefined;
    if (reply.type === 'failed') {
      const error = this.#error(reply.error);
      for (const write of running) write.reject(error);
    } else {
      reply.results.forEach((result, index) => {
        const write = running[index]!;
        if (result.ok) write.resolve(result.value);
        else write.reject(this.#error(result.error));
      });
    }
    if (this.#waiting.length > 0) this.#schedule();
    else this.#worker?.unref();
  }

  /** The writer thread, started on first use (after `openStore` has migrated the schema). */
  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    // Dynamic imports only: the eval'd code is parsed as CommonJS or, under
    // `--input-type=module` (inherited from the process), as a module without `require`.
    const code = `Promise.all([import('node:worker_threads'), import('node:module')]).then(([threads, module]) =>
      (${writerThreadMain.toString()})(threads, module.createRequire(threads.workerData.driverPath)));`;
    const worker = new Worker(code, {
      eval: true,
      workerData: this.#settings,
    });
    worker.on('message', (reply: ReplyMessage) => this.#onReply(reply));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#fail(new Error(`the SQLite writer thread stopped (exit code ${code})`));
    });
    this.#worker = worker;
    return worker;
  }

  /** The thread died: what it was running and everything waiting rejects; later writes too. */
  #fail(error: Error): void {
    this.#dead ??= error;
    this.#worker = undefined;
    const writes = [...(this.#running ?? []), ...this.#waiting];
    this.#running = undefined;
    this.#waiting = [];
    this.#ops = [];
    for (const write of writes) write.reject(error);
  }

  #unavailable(): Error {
    return this.#dead ?? new Error('the SQLite writer thread is closed');
  }

  /** Rebuilds a SQLite error on this side, keeping its `code` (SQLITE_BUSY, SQLITE_CONSTRAINT …). */
  #error(data: ErrorData): Error {
    if (data.code !== undefined && this.#SqliteError !== undefined) return new this.#SqliteError(data.message, data.code);
    const error = new Error(data.message) as Error & { code?: string };
    if (data.code !== undefined) error.code = data.code;
    return error;
  }
}

/**
 * The writer thread's body. Serialised with `toString()` into an `eval` worker (so it runs the
 * same from `src` under a test runner and from `dist`): it must not use anything from this
 * module's scope, only its arguments.
 */
function writerThreadMain(threads: typeof import('node:worker_threads'), load: NodeJS.Require): void {
  const settings = threads.workerData as WriterSettings;
  const port = threads.parentPort!;
  // biome-ignore lint/suspicious/noExplicitAny: the driver is loaded by path inside the worker.
  const Sqlite = load(settings.driverPath) as any;
  const db = new Sqlite(settings.file, { timeout: settings.busyTimeoutMs });
  let synchronous = settings.synchronous;
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
  // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 statements, typed by the main side.
  let statements: Record<keyof WriterSettings['sql'], any> | undefined;
  const prepared = () => {
    if (statements === undefined) {
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      const next = {} as Record<keyof WriterSettings['sql'], any>;
      for (const name of Object.keys(settings.sql) as Array<keyof WriterSettings['sql']>) next[name] = db.prepare(settings.sql[name]);
      statements = next;
    }
    return statements;
  };
  const errorData = (error: unknown) => ({
    message: error instanceof Error ? error.message : String(error),
    code: typeof (error as { code?: unknown })?.code === 'string' ? ((error as { code: string }).code as string) : undefined,
  });
  const runOne = (s: ReturnType<typeof prepared>, ops: unknown[], at: number, code: number): unknown => {
    const a = (offset: number) => ops[at + offset];
    if (code === 0) {
      for (let attempt = 0; attempt < settings.claimAttempts; attempt++) {
        if (s.claim.get(a(0), a(1), a(2), a(3), a(4), a(5)) !== undefined) return { kind: 'claimed' };
        const holder = s.holder.get(a(0), a(1)) as { delivery_id: string; state: string; expires_at: number } | undefined;
        if (holder === undefined) continue;
        if (holder.state === 'done') return { kind: 'done', firstDeliveryId: holder.delivery_id };
        return { kind: 'in_progress', holderDeliveryId: holder.delivery_id, leaseExpiresAt: Number(holder.expires_at) };
      }
      throw new Error(`claim(): the key kept changing hands during ${settings.claimAttempts} attempts`);
    }
    const columns = settings.arity[2]!;
    if (code === 2) {
      s.insert.run(ops.slice(at, at + columns));
      return undefined;
    }
    if (code === 1) {
      // Row and done key together or not at all. Without a savepoint (its statement journal
      // cost ~10-15 % of a completion): a failing statement is undone by SQLite on its own, so
      // only a row this call inserted must be taken back when the done key fails after it. If
      // even that fails, the whole batch is rolled back (every write of it rejects).
      const d = at + columns;
      const inserted = s.insert.run(ops.slice(at, d)).changes > 0;
      try {
        s.done.run(ops[d], ops[d + 1], ops[d + 2], ops[d + 3], ops[d + 4], ops[d + 5]);
      } catch (error) {
        if (inserted && db.inTransaction) {
          try {
            s.unrecord.run(ops[at]);
          } catch {
            s.rollback.run();
          }
        }
        throw error;
      }
      return undefined;
    }
    s.release.run(a(0), a(1), a(2));
    return undefined;
  };
  port.on('message', (message: BatchMessage | { type: 'close' }) => {
    if (message.type === 'close') {
      db.close();
      port.postMessage({ type: 'closed' });
      port.close();
      return;
    }
    try {
      const s = prepared();
      if (message.synchronous !== synchronous) {
        db.pragma(`synchronous = ${message.synchronous}`);
        synchronous = message.synchronous;
      }
      s.begin.run();
      const results: unknown[] = [];
      try {
        const ops = message.ops;
        let at = 0;
        for (let index = 0; index < message.count; index++) {
          const code = ops[at] as number;
          try {
            results.push({ ok: true, value: runOne(s, ops, at + 1, code) });
          } catch (error) {
            if (!db.inTransaction) throw error; // SQLite rolled everything back
            results.push({ ok: false, error: errorData(error) });
          }
          at += 1 + settings.arity[code]!;
        }
        s.commit.run();
      } catch (error) {
        if (db.inTransaction) {
          try {
            s.rollback.run();
          } catch {
            // The batch fails with the original error either way.
          }
        }
        throw error;
      }
      port.postMessage({ type: 'done', results });
    } catch (error) {
      port.postMessage({ type: 'failed', error: errorData(error) });
    }
  });
}
