import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_ENV, E2E_SECRETS, E2E_TOKEN } from './support/env';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
/** The servers' copy of the build (`distDir` via HOOKGATE_NEXT_DIST_DIR, see next.config.ts). */
const E2E_DIST_DIR = '.next-e2e';

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
  const logDir = path.join(appDir, 'test-results');
  mkdirSync(logDir, { recursive: true });
  const servers: ChildProcess[] = [];
  const start = async (name: string, env: Record<string, string>) => {
    const port = await freePort();
    const dataDir = path.join(root, name);
    const child = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
      cwd: appDir,
      env: { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: '1', HOOKGATE_NEXT_DIST_DIR: E2E_DIST_DIR, HOOKGATE_DATA_DIR: dataDir, HOOKGATE_STORE: `sqlite:${path.join(dataDir, 'hookgate.db')}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(path.join(logDir, `server-${name}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    servers.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilServing(url, child);
    return { url, dataDir };
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
    for (const child of servers) child.kill('SIGTERM');
    throw error;
  }

  return async () => {
    await Promise.all(servers.map((child) => stop(child)));
    await rm(root, { recursive: true, force: true });
    await rm(path.join(appDir, E2E_DIST_DIR), { recursive: true, force: true });
  };
}

// The servers must see only what the tests set, not a developer's own HOOKGATE_* settings.
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('HOOKGATE_') || name === 'PORT') delete env[name];
  return env;
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}; see test-results/server-*.log`);
    try {
      // Any answer from our route (200 open, 401 with a token) means the app is up.
      const response = await fetch(`${url}/api/deliveries?limit=1`);
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not start within 60 s; see test-results/server-*.log`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
