import Database from 'better-sqlite3';
import pg from 'pg';
import { deliveryKeyOf } from './signed-deliveries.js';

/** A stored row reduced to what the loss checks need. */
export interface StoredRow {
  id: string;
  status: string;
  key: string | null;
}

/**
 * Reads every stored delivery straight from the database (not through the store under test).
 *
 * @example
 * ```ts
 * const rows = await readStoredRows({ sqlite: '/tmp/x/hookgate.db' });
 * ```
 */
export async function readStoredRows(where: { sqlite: string } | { postgres: string }): Promise<StoredRow[]> {
  if ('sqlite' in where) {
    const db = new Database(where.sqlite, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT id, status, body FROM hookgate_deliveries').all() as Array<{ id: string; status: string; body: string }>;
      return rows.map((row) => ({ id: row.id, status: row.status, key: deliveryKeyOf(row.body) }));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: where.postgres });
  await client.connect();
  try {
    const result = await client.query<{ id: string; status: string; body: string }>('SELECT id, status, body FROM hookgate_deliveries');
    return result.rows.map((row) => ({ id: row.id, status: row.status, key: deliveryKeyOf(row.body) }));
  } finally {
    await client.end();
  }
}

/** The outcome of comparing an ack log with the store. */
export interface LossCheck {
  /** Acked deliveries whose row is missing (or not `handled`): must be 0. */
  lost: string[];
  /** Keys stored more than once: must be 0. */
  duplicated: string[];
  /** Rows stored for the run's keys. */
  stored: number;
}

/**
 * Compares the load generator's ack log with the stored rows: every acked delivery must be
 * stored, as `handled`, under the delivery id it was answered with, exactly once.
 *
 * @example
 * ```ts
 * const check = compareAcksWithStore(result.acked, await readStoredRows({ sqlite: file }));
 * expect(check.lost).toEqual([]);
 * ```
 */
export function compareAcksWithStore(acked: ReadonlyMap<string, string>, rows: readonly StoredRow[]): LossCheck {
  const byKey = new Map<string, StoredRow[]>();
  for (const row of rows) {
    if (row.key === null) continue;
    const list = byKey.get(row.key);
    if (list) list.push(row);
    else byKey.set(row.key, [row]);
  }
  const lost: string[] = [];
  for (const [key, deliveryId] of acked) {
    const stored = byKey.get(key);
    if (!stored || !stored.some((row) => row.status === 'handled' && (deliveryId === '' || row.id === deliveryId))) lost.push(key);
  }
  const duplicated = [...byKey].filter(([, list]) => list.length > 1).map(([key]) => key);
  return { lost, duplicated, stored: byKey.size };
}
