import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectMalformedInputRefused } from './support/hostile-input';
import { rawRequest } from './support/http';
import { APP_DIR, startDashboard, stopDashboard, type DashboardServer } from './support/server';
import { expect, test } from './support/test';

// The dashboard on the real PostgreSQL (where NUL in a text filter made the store fail with 503,
// and pages with 500): a server of its own, on a schema of its own in the test database.
const PG_URL = process.env.HOOKGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
// The dashboard has no PostgreSQL client of its own: borrow the store's driver.
type PgClient = { connect(): Promise<void>; query(statement: string): Promise<unknown>; end(): Promise<void> };
const pg = createRequire(path.join(APP_DIR, 'node_modules/@hookgate/store/package.json'))('pg') as {
  Client: new (options: { connectionString: string }) => PgClient;
};

test.describe.configure({ mode: 'serial' });

let server: DashboardServer;
const schema = `hookgate_e2e_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-e2e-pg-'));

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  await admin(`create schema ${schema}`);
  const separator = PG_URL.includes('?') ? '&' : '?';
  server = await startDashboard('postgres', {
    HOOKGATE_STORE: `${PG_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    HOOKGATE_DATA_DIR: dataDir,
  });
});

test.afterAll(async () => {
  if (server) await stopDashboard(server);
  await admin(`drop schema if exists ${schema} cascade`);
  rmSync(dataDir, { recursive: true, force: true });
});

test('on PostgreSQL, NUL filters are 400 and malformed ids 404, never a 503 or 500', async ({ page }) => {
  await expectMalformedInputRefused(server.url);
  expect((await rawRequest(`${server.url}/api/deliveries?q=fine`)).status).toBe(200);
  await page.goto(`${server.url}/deliveries?provider=a%00b`);
  await expect(page.getByRole('alert').filter({ hasText: 'control characters' })).toContainText('provider: must not contain control characters');
});
