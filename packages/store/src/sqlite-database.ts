import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { HookgateError } from '@hookgate/core';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { loadDriver } from './drivers.js';
import type { StoreDatabase } from './schema.js';

/** SQLite settings chosen by `openStore`. */
export interface SqliteSettings {
  /** How long a write waits for another process's lock before failing (SQLITE_BUSY). */
  busyTimeoutMs: number;
  /** `full`: a commit survives power loss; `normal`: survives a process crash only. */
  synchronous: 'full' | 'normal';
}

/** An open SQLite database: the Kysely instance, and the raw handle for transaction state. */
export interface SqliteHandle {
  db: Kysely<StoreDatabase>;
  /** True while a transaction is open (false after SQLite rolled one back on its own). */
  inTransaction(): boolean;
  /** Runs one statement without results (BEGIN, COMMIT, PRAGMA …) on the raw connection. */
  exec(statement: string): void;
  /** A prepared statement on the raw connection, cached by SQL text (shared with Kysely's queries). */
  prepare(statement: string): Database.Statement;
  /**
   * Throws when the database file is no longer at its path (deleted, or replaced by another
   * file): SQLite in WAL mode goes on committing into the unlinked file without an error.
   */
  checkFile(): void;
}

/** Prepared statements kept per SQL text; Kysely's SQLite driver would re-prepare on every query. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens (creating folders and file as needed) a SQLite database in WAL mode for the store.
 * `file` is an absolute path or `:memory:`. better-sqlite3 is loaded here, on first use, so an
 * app that only uses PostgreSQL need not install it; without it this rejects with
 * `HookgateError('missing_driver')`.
 *
 * @example
 * ```ts
 * const { db } = await openSqliteDatabase('/var/lib/hookgate/hookgate.db', { busyTimeoutMs: 5000, synchronous: 'full' });
 * ```
 */
export async function openSqliteDatabase(file: string, settings: SqliteSettings): Promise<SqliteHandle> {
  const { default: Sqlite } = await loadDriver('better-sqlite3', () => import('better-sqlite3'));
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // `timeout` is SQLite's busy_timeout, set before anything else so that even switching to WAL
  // waits for a second process that is opening the same file.
  const raw = new Sqlite(file, { timeout: settings.busyTimeoutMs });
  let opened: { dev: bigint; ino: bigint } | undefined;
  try {
    if (file !== ':memory:') {
      // SQLite opens a file it may not write read-only without a word; every write would then
      // fail (503) with nothing said at start.
      try {
        accessSync(file, constants.W_OK);
      } catch (error) {
        throw new HookgateError(
          'invalid_config',
          `the SQLite file ${file} is not writable by this process (${(error as { code?: string }).code ?? 'no access'})`,
          {
            cause: error,
          },
        );
      }
      const { dev, ino } = statSync(file, { bigint: true });
      opened = { dev, ino };
    }
    // Two processes opening a new file at once: SQLite may answer SQLITE_BUSY to the switch to WAL
    // without waiting out busy_timeout (its busy handler is not used for that lock), so wait here.
    await whileBusy(() => raw.pragma('journal_mode = WAL'), settings.busyTimeoutMs);
    raw.pragma(`synchronous = ${settings.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // 32 MiB of page cache (the default is 2 MiB): the upper levels of six indexes over millions
    // of rows stay in memory, which keeps inserts and deep pages off the disk.
    raw.pragma('cache_size = -32768');
    // Savepoints inside the group commit (the inbox's atomic updates) journal every page they
    // touch; in a temp file that doubled the cost of the completion's savepoint when it had one.
    // Temp tables, sorts and sub-journals stay small here (bounded pages, batched prunes).
    raw.pragma('temp_store = MEMORY');
  } catch (error) {
    raw.close();
    throw error;
  }
  const statements = new Map<string, Database.Statement>();
  const database = {
    prepare(sql: string): Database.Statement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = raw.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
    close(): void {
      statements.clear();
      raw.close();
    },
  };
  return {
    db: new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) }),
    inTransaction: () => raw.open && raw.inTransaction,
    exec: (statement) => {
      database.prepare(statement).run();
    },
    prepare: (statement) => database.prepare(statement),
    checkFile: () => {
      if (opened === undefined) return;
      let now: { dev: bigint; ino: bigint } | undefined;
      try {
        now = statSync(file, { bigint: true });
      } catch {
        now = undefined;
      }
      if (now === undefined || now.dev !== opened.dev || now.ino !== opened.ino) throw fileMovedError(file, now === undefined);
    },
  };
}

/** The error of every write once the database file left its path (see SqliteHandle.checkFile). */
function fileMovedError(file: string, deleted: boolean): Error {
  return Object.assign(
    new Error(
      `the SQLite file ${file} was ${deleted ? 'deleted' : 'replaced by another file'} while the store had it open: writes would go to a file nobody can read, so none is acknowledged. Restart the process to open the file at that path again.`,
    ),
    { code: 'SQLITE_FILE_MOVED' },
  );
}

/** Runs `operation` again every 10 ms while it fails with SQLITE_BUSY, for at most `timeoutMs`. */
async function whileBusy<T>(operation: () => T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return operation();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
