// `hookgate worker` as its own process, reading the same config and SQLite store as the gateway:
// it runs queued deliveries' listeners and, on SIGTERM, finishes and records the running ones.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayFromConfig } from '@hookgate/config';
import { loadConfig } from '@hookgate/config/load';
import { fixtures as pylonFixtures, signPylon } from '@hookgate/provider-pylon';
import { openStore } from '@hookgate/store';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type Io } from '../src/index.js';

const configFile = fileURLToPath(new URL('./fixtures/worker.config.ts', import.meta.url));
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const SECRET = 'pylon-worker-test-secret';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hookgate-worker-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const storeUrl = `sqlite:${path.join(dir, 'hookgate.db')}`;
  const { config } = await loadConfig({ file: configFile });
  const store = await openStore(storeUrl);
  cleanups.push(() => store.close());
  const gateway = gatewayFromConfig(config, { secrets: { pylon: [SECRET] }, store });
  const send = async (issueId: string) => {
    const body = JSON.stringify({ ...(pylonFixtures.valid.IssueNewEvent as object), issue_id: issueId });
    const { headers } = signPylon({ body, secret: SECRET });
    return gateway.handle('pylon', { method: 'POST', headers, rawBody: new TextEncoder().encode(body) });
  };
  return { dir, storeUrl, store, send, log: path.join(dir, 'runs.log') };
}

function startWorkerProcess(storeUrl: string, log: string, sleepMs: number) {
  const child = spawn(process.execPath, [bin, 'worker', '--config', configFile, '--store', storeUrl, '--concurrency', '2'], {
    env: { ...process.env, HOOKGATE_SECRET_PYLON: SECRET, WORKER_TEST_LOG: log, WORKER_TEST_SLEEP_MS: String(sleepMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, exited, output: () => output };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const runs = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('hookgate worker', () => {
  it('runs the listeners of deliveries the gateway queued, and drains on SIGTERM', async () => {
    const { storeUrl, store, send, log } = await setup();
    const first = await send('iss_a');
    expect(first).toMatchObject({ status: 202, kind: 'queued' });
    const worker = startWorkerProcess(storeUrl, log, 1000);
    await until(async () => (await store.get(first.deliveryId!))?.status === 'handled');
    expect(runs(log)).toEqual([`${first.deliveryId} 1`]);

    // Two more; stop the worker while their listeners are still sleeping.
    const more = [await send('iss_b'), await send('iss_c')];
    // Taken within a poll (250 ms) by the two slots, their listeners sleep 1 s: stop mid-run.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(runs(log)).toHaveLength(1);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('stopped: every running job finished and was recorded');
    for (const outcome of more) expect((await store.get(outcome.deliveryId!))?.status).toBe('handled');
    expect(runs(log).sort()).toEqual([first, ...more].map((outcome) => `${outcome.deliveryId} 1`).sort());
  });

  it('refuses a bad --concurrency with exit code 2', async () => {
    const io: Io & { errors: string[] } = {
      errors: [],
      log() {},
      error(line) {
        this.errors.push(line);
      },
    };
    const { storeUrl } = await setup();
    expect(await runCli(['worker', '--config', configFile, '--store', storeUrl, '--concurrency', '0'], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('--concurrency must be a positive integer');
  });
});
