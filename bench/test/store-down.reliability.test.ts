import { openStore } from '@hookgate/store';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithAcks, type LoadResult } from '../src/support/load.js';
import { createTemporaryDatabase } from '../src/support/postgres.js';
import { buildGateway, startFastify } from '../src/support/servers.js';
import { signedDelivery } from '../src/support/signed-deliveries.js';
import { compareAcksWithStore, readStoredRows } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';
import { startTcpProxy } from '../src/support/tcp-proxy.js';

const statusesOf = (result: LoadResult): number[] => Object.keys(result.statuses).map(Number).sort();

describe('store down: PostgreSQL behind a proxy the test cuts', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('answers 503 (never 2xx) while the database is unreachable and 2xx again once it is back, without a restart', async () => {
    const database = await createTemporaryDatabase('down');
    cleanup.push(() => database.drop());
    const proxy = await startTcpProxy('127.0.0.1:5432');
    cleanup.push(() => proxy.close());
    const store = await openStore(database.url(proxy.hostPort), { connectionTimeoutMs: 1000, poolSize: 4 });
    cleanup.push(() => store.close());
    const server = await startFastify(buildGateway({ store }));
    cleanup.push(() => server.close());
    const runId = `down${Date.now().toString(36)}`;
    let n = 0;
    const phase = (seconds: number, maxRequests: number) =>
      loadWithAcks({
        url: server.url,
        connections: 8,
        durationSeconds: seconds,
        maxRequests,
        delivery: () => signedDelivery(n++, { prefix: '/webhooks', runId, mix: true }),
      });

    const before = await phase(2, 2_000);
    await proxy.cut();
    const down = await phase(4, 400);
    await proxy.restore();
    // The pool reconnects on its own; give it a bounded number of attempts.
    let up: LoadResult | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      up = await phase(1, 500);
      if (up.acked.size > 0 && statusesOf(up).every((status) => status === 200)) break;
    }

    const rows = await readStoredRows({ postgres: database.url() });
    const all = new Map([...before.acked, ...down.acked, ...up!.acked]);
    const check = compareAcksWithStore(all, rows);
    printSummary({
      scenario: 'store down (fastify+postgres via proxy)',
      requests: before.sent + down.sent + up!.sent,
      acked: all.size,
      stored: check.stored,
      lost: check.lost.length,
      extra: { before: before.statuses, down: down.statuses, afterRestore: up!.statuses },
    });
    expect(statusesOf(before)).toEqual([200]);
    expect(before.acked.size).toBeGreaterThan(0);
    expect(down.acked.size).toBe(0);
    expect(statusesOf(down)).toEqual([503]);
    expect(up!.acked.size).toBeGreaterThan(0);
    expect(statusesOf(up!)).toEqual([200]);
    expect(check.lost).toEqual([]);
    expect(check.duplicated).toEqual([]);
  });
});
