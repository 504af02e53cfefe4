import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithAcks } from '../src/support/load.js';
import { signedDelivery } from '../src/support/signed-deliveries.js';
import { compareAcksWithStore, readStoredRows } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';

const CHILD = fileURLToPath(new URL('../src/support/gateway-child.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Starts the child gateway and resolves with its URL once it prints READY. */
function startChild(file: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { cwd: BENCH_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway child did not start within 30 s: ${output}`));
    }, 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway child exited with ${String(code)} before READY: ${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('crash: kill -9 mid-load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookgate-crash-'));
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('every delivery acknowledged before the kill is in the store after a restart', async () => {
    const file = join(dir, 'hookgate.db');
    const first = await startChild(file);
    children.push(first.child);
    const runId = `crash${Date.now().toString(36)}`;
    // Kill after 3 s of load, stop the load generator half a second later.
    const killed = new Promise<void>((resolve) =>
      setTimeout(() => {
        first.child.kill('SIGKILL');
        void exited(first.child).then(() => setTimeout(resolve, 500));
      }, 3_000),
    );
    const load = await loadWithAcks({
      url: first.url,
      connections: 16,
      durationSeconds: 15,
      maxRequests: 50_000,
      delivery: (n) => signedDelivery(n, { prefix: '/webhooks', runId, mix: true }),
      until: killed,
    });
    expect(first.child.signalCode).toBe('SIGKILL');

    // Restart on the same file: it must come back and serve.
    const second = await startChild(file);
    children.push(second.child);
    const after = await loadWithAcks({
      url: second.url,
      connections: 4,
      durationSeconds: 2,
      maxRequests: 200,
      delivery: (n) => signedDelivery(n, { prefix: '/webhooks', runId: `${runId}-after`, mix: true }),
    });
    second.child.kill('SIGKILL');
    await exited(second.child);

    const rows = await readStoredRows({ sqlite: file });
    const check = compareAcksWithStore(load.acked, rows);
    const afterCheck = compareAcksWithStore(after.acked, rows);
    printSummary({
      scenario: 'crash kill -9 (express+sqlite child)',
      requests: load.sent,
      acked: load.acked.size,
      stored: check.stored,
      lost: check.lost.length,
      extra: { statuses: load.statuses, errors: load.errors, afterRestartAcked: after.acked.size, afterRestartLost: afterCheck.lost.length },
    });
    expect(load.acked.size).toBeGreaterThan(100);
    expect(check.lost).toEqual([]);
    expect(check.duplicated).toEqual([]);
    expect(after.acked.size).toBeGreaterThan(0);
    expect(afterCheck.lost).toEqual([]);
  });
});
