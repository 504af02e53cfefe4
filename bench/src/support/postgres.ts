import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where the test PostgreSQL runs (loopback, trust auth); `HOOKGATE_TEST_POSTGRES` overrides it.
 *
 * @example
 * ```ts
 * new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
 * ```
 */
export const POSTGRES_ADMIN_URL = process.env.HOOKGATE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database created for one run. */
export interface TemporaryDatabase {
  name: string;
  /** URL of the new database on the given host:port (default: the real server). */
  url(hostPort?: string): string;
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database (dropped by `drop()`, connections forced out).
 *
 * @example
 * ```ts
 * const db = await createTemporaryDatabase('load');
 * const store = await openStore(db.url());
 * await store.close(); await db.drop();
 * ```
 */
export async function createTemporaryDatabase(purpose: string): Promise<TemporaryDatabase> {
  const name = `hookgate_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const base = new URL(POSTGRES_ADMIN_URL);
  return {
    name,
    url(hostPort = base.host) {
      return `postgres://${base.username || 'postgres'}@${hostPort}/${name}`;
    },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        // Connections still closing (a pool's end() or a killed child's socket in flight) get up to
        // 5 s to go first: FORCE terminates them, and a pg client terminated while it has no
        // 'error' listener throws in whichever process owns it (seen once in CI, after every
        // assertion had passed).
        for (let waited = 0; waited < 5000; waited += 100) {
          const { rows } = await client.query<{ open: number }>('select count(*)::int as open from pg_stat_activity where datname = $1', [name]);
          if (rows[0]!.open === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
