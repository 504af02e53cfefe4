import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../src/support/child-server.js';
import { loadWithAcks } from '../src/support/load.js';
import { signedDelivery } from '../src/support/signed-deliveries.js';
import { compareAcksWithStore, readStoredRows } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';

const CHILD = 'src/support/gateway-child.ts';

describe('crash: kill -9 mid-load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookgate-crash-'));
  const children: ChildServer[] = [];
  afterAll(async () => {
    for (const child of children) await child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every delivery acknowledged before the kill is in the store after a restart', async () => {
    const file = join(dir, 'hookgate.db');
    const first = await startChildServer(CHILD, [file]);
    children.push(first);
    const runId = `crash${Date.now().toString(36)}`;
    // Kill after 3 s of load, stop the load generator half a second later.
    const killed = new Promise<void>((resolve) =>
      setTimeout(() => {
        void first.kill().then(() => setTimeout(resolve, 500));
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
    const second = await startChildServer(CHILD, [file]);
    children.push(second);
    const after = await loadWithAcks({
      url: second.url,
      connections: 4,
      durationSeconds: 2,
      maxRequests: 200,
      delivery: (n) => signedDelivery(n, { prefix: '/webhooks', runId: `${runId}-after`, mix: true }),
    });
    await second.kill();

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
