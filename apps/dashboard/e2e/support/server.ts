import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard app directory. */
export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The servers' copy of the build (`distDir` via HOOKGATE_NEXT_DIST_DIR, see next.config.ts). */
export const E2E_DIST_DIR = '.next-e2e';
const nextBin = path.join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next');
const logDir = path.join(APP_DIR, 'test-results');

/** A running `next start` of the e2e build. */
export interface DashboardServer {
  url: string;
  child: ChildProcess;
  /** `test-results/server-<name>.log`: everything the server printed. */
  logFile: string;
  /** Everything the server printed so far (complete once {@link exitCode} resolved). */
  output(): string;
  /** Settles with the exit code once the process ended and its output streams closed. */
  closed: Promise<number | null>;
}

/**
 * Starts `next start` from the e2e copy of the build on a free loopback port with exactly the
 * given `HOOKGATE_*` variables (a developer's own are removed), and waits until it serves.
 *
 * @example
 * ```ts
 * const server = await startDashboard('pg', { HOOKGATE_STORE: 'postgres://postgres@127.0.0.1/x' });
 * await stopDashboard(server);
 * ```
 */
export async function startDashboard(name: string, env: Record<string, string>): Promise<DashboardServer> {
  const server = await spawnDashboard(name, env);
  await waitUntilServing(server);
  return server;
}

/**
 * Starts `next start` like {@link startDashboard} without waiting (for servers expected to exit).
 *
 * @example
 * ```ts
 * const { child } = await spawnDashboard('bad-config', { HOOKGATE_STORE: 'mysql://db' });
 * ```
 */
export async function spawnDashboard(name: string, env: Record<string, string>): Promise<DashboardServer> {
  const port = await freePort();
  mkdirSync(logDir, { recursive: true });
  const child = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: APP_DIR,
    env: { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: '1', HOOKGATE_NEXT_DIST_DIR: E2E_DIST_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = path.join(logDir, `server-${name}.log`);
  const log = createWriteStream(logFile);
  const chunks: Buffer[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.pipe(log);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  }
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { url: `http://127.0.0.1:${port}`, child, logFile, closed, output: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Stops a server: SIGTERM, then SIGKILL after 5 s.
 *
 * @example
 * ```ts
 * await stopDashboard(server);
 * ```
 */
export function stopDashboard({ child }: DashboardServer): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The server's exit code once it ended and its output streams closed (rejects after `timeoutMs`).
 *
 * @example
 * ```ts
 * expect(await exitCode(server, 30_000)).toBe(1);
 * ```
 */
export function exitCode(server: DashboardServer, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([server.closed, timeout]).finally(() => clearTimeout(timer));
}

// The servers must see only what the tests set, not a developer's own HOOKGATE_* settings.
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('HOOKGATE_') || name === 'PORT') delete env[name];
  return env;
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

async function waitUntilServing({ url, child, logFile }: DashboardServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}; see ${logFile}`);
    try {
      // Any answer from our route (200 open, 401 with a token) means the app is up.
      const response = await fetch(`${url}/api/deliveries?limit=1`);
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not start within 60 s; see ${logFile}`);
}
