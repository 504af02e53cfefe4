#!/usr/bin/env node
// `pnpm --filter @hookgate/dashboard test:packed`: the published package, as a user gets it.
// Packs @hookgate/dashboard and the workspace packages it needs with `pnpm pack` (the real
// tarballs), installs them with npm into an empty app next to a hookgate.config.ts (third-party
// dependencies from the registry; install scripts off, PostgreSQL needs none), runs the
// `hookgate-dashboard` bin against a PostgreSQL schema of its own, sends a signed delivery and
// reads it back through the API and the list page. Needs the registry and the local PostgreSQL
// (HOOKGATE_TEST_PG, default postgres://postgres@127.0.0.1:5432/test); ~2 minutes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(appDir, '../..');
const packages = ['packages/core', 'packages/store', 'packages/config', 'packages/adapter-next', 'packages/provider-pylon', 'apps/dashboard'];
const database = process.env.HOOKGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `hookgate_packed_${process.pid}`;
const secret = 'packed-test-secret-0123';

if (!existsSync(path.join(appDir, 'standalone', 'server.js'))) {
  execFileSync(process.execPath, [path.join(appDir, 'scripts/build-standalone.mjs')], { stdio: 'inherit' });
}
const work = mkdtempSync(path.join(tmpdir(), 'hookgate-packed-'));
const tarballs = path.join(work, 'tarballs');
const app = path.join(work, 'app');
mkdirSync(tarballs);
mkdirSync(app);
const admin = new pg.Client({ connectionString: database });
let server;
try {
  for (const folder of packages) execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: path.join(root, folder), stdio: 'ignore' });
  writeFileSync(path.join(app, 'package.json'), '{ "name": "packed-app", "private": true, "type": "module" }\n');
  writeFileSync(
    path.join(app, 'hookgate.config.ts'),
    "import { defineConfig } from '@hookgate/config';\nimport { fixtures, pylon, signPylon } from '@hookgate/provider-pylon';\n\n" +
      'export default defineConfig({ providers: [{ provider: pylon(), sign: signPylon, fixtures }] });\n',
  );
  const files = readdirSync(tarballs).map((name) => path.join(tarballs, name));
  console.log(`› npm install ${files.length} tarballs into ${app}`);
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', ...files], { cwd: app, stdio: 'inherit' });

  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const port = await freePort();
  const store = `${database}?options=-c%20search_path%3D${schema}`;
  server = spawn(path.join(app, 'node_modules/.bin/hookgate-dashboard'), ['--config', './hookgate.config.ts', '--store', store, '--port', String(port)], {
    cwd: app,
    env: { ...process.env, HOOKGATE_SECRET_PYLON: secret },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/deliveries?limit=1`);

  const { signPylon, fixtures } = await import(path.join(app, 'node_modules/@hookgate/provider-pylon/dist/index.js'));
  const signed = signPylon({ payload: fixtures.valid.IssueNewEvent, secret });
  const answer = await fetch(`${base}/api/webhooks/pylon`, { method: 'POST', headers: signed.headers, body: signed.body });
  const outcome = await answer.json();
  check(answer.status === 200 && outcome.kind === 'handled', `webhook answered ${answer.status} ${JSON.stringify(outcome)}`);
  const list = await (await fetch(`${base}/api/deliveries?limit=5`)).json();
  check(list.items.length === 1 && list.items[0].id === outcome.deliveryId && list.items[0].event === 'IssueNewEvent', 'the delivery is listed');
  const page = await fetch(`${base}/deliveries`);
  check(page.status === 200 && (await page.text()).includes('IssueNewEvent'), 'the list page shows it');
  console.log('✓ packed @hookgate/dashboard served an app config and a PostgreSQL store');
} finally {
  server?.kill('SIGTERM');
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await admin.end().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}

function check(condition, what) {
  if (!condition) throw new Error(`packed dashboard: ${what}`);
  console.log(`  ✓ ${what}`);
}

async function waitFor(url) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`hookgate-dashboard exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
