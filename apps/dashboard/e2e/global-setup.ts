import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_ENV, E2E_SECRETS, E2E_TOKEN } from './support/env';
import { APP_DIR as appDir, E2E_DIST_DIR, startDashboard, stopDashboard, type DashboardServer } from './support/server';

const nextBin = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');

/**
 * Builds the app unless `.next` is newer than every source it is made of, then starts two
 * production servers on free loopback ports, each with its own temporary SQLite store:
 * `open` (no token: loopback rule, fixed secrets with rotation) and `token` (a dashboard token,
 * no secret variables: secrets generated into its data dir). Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executable)) {
    throw new Error(`Chromium is missing at ${executable}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  buildIfStale();
  // Serve a private copy: a `next build` started meanwhile (a teammate's turbo run) rewrites
  // .next, and a server whose chunks vanish answers 404s the browser would report.
  rmSync(path.join(appDir, E2E_DIST_DIR), { recursive: true, force: true });
  cpSync(path.join(appDir, '.next'), path.join(appDir, E2E_DIST_DIR), {
    recursive: true,
    filter: (source) => !/[\\/]\.next[\\/](cache|dev)([\\/]|$)/.test(source),
  });

  const root = await mkdtemp(path.join(tmpdir(), 'hookgate-e2e-'));
  const servers: DashboardServer[] = [];
  const start = async (name: string, env: Record<string, string>) => {
    const dataDir = path.join(root, name);
    const server = await startDashboard(name, { HOOKGATE_DATA_DIR: dataDir, HOOKGATE_STORE: `sqlite:${path.join(dataDir, 'hookgate.db')}`, ...env });
    servers.push(server);
    return { url: server.url, dataDir };
  };

  try {
    const [open, token] = await Promise.all([
      start('open', { HOOKGATE_SECRET_PYLON: E2E_SECRETS.pylon.join(','), HOOKGATE_SECRET_WEBHOOKS_B: E2E_SECRETS['webhooks-b'].join(',') }),
      start('token', { HOOKGATE_DASHBOARD_TOKEN: E2E_TOKEN }),
    ]);
    process.env[E2E_ENV.openUrl] = open.url;
    process.env[E2E_ENV.openDataDir] = open.dataDir;
    process.env[E2E_ENV.tokenUrl] = token.url;
    process.env[E2E_ENV.tokenDataDir] = token.dataDir;
  } catch (error) {
    await Promise.all(servers.map((server) => stopDashboard(server)));
    throw error;
  }

  return async () => {
    await Promise.all(servers.map((server) => stopDashboard(server)));
    await rm(root, { recursive: true, force: true });
    await rm(path.join(appDir, E2E_DIST_DIR), { recursive: true, force: true });
  };
}

// What the build is made of: the app's sources and the built workspace packages it imports.
const BUILD_INPUTS = [
  'app',
  'components',
  'lib',
  'proxy.ts',
  'instrumentation.ts',
  'next.config.ts',
  'package.json',
  'tsconfig.json',
  // The provider registry and every package it can pull in (providers are bundled from it).
  '../../hookgate.config.ts',
  ...['core', 'store', 'adapter-next', 'config'].map((name) => `../../packages/${name}/dist`),
  ...readdirSync(path.join(appDir, '../../packages'))
    .filter((name) => name.startsWith('provider-'))
    .map((name) => `../../packages/${name}/dist`),
];

/**
 * Runs `next build` unless `.next` is current: newer than every input (as after `turbo run
 * build`), or built by this setup from inputs with the same content (a package rebuilt by `tsc`
 * gets new mtimes but the same bytes).
 */
function buildIfStale(): void {
  const buildId = path.join(appDir, '.next', 'BUILD_ID');
  const stamp = path.join(appDir, '.next', 'e2e-inputs.sha256');
  const files = BUILD_INPUTS.flatMap((input) => listFiles(path.join(appDir, input)));
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const digest = createHash('sha256');
  for (const file of files) digest.update(`${path.relative(appDir, file)}\0`).update(readFileSync(file));
  const inputs = digest.digest('hex');
  if (builtAt > 0 && (files.every((file) => statSync(file).mtimeMs < builtAt) || (existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs))) {
    console.log('[e2e] .next is up to date, skipping next build');
    return;
  }
  console.log('[e2e] next build …');
  const started = Date.now();
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: appDir, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  writeFileSync(stamp, inputs);
  console.log(`[e2e] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function listFiles(target: string): string[] {
  if (!existsSync(target)) return [];
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .sort()
    .flatMap((entry) => listFiles(path.join(target, entry)));
}
