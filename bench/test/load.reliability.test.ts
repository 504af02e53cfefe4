import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@hookgate/store';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithAcks } from '../src/support/load.js';
import { createTemporaryDatabase } from '../src/support/postgres.js';
import { buildGateway, startExpress, startFastify } from '../src/support/servers.js';
import { signedDelivery } from '../src/support/signed-deliveries.js';
import { compareAcksWithStore, readStoredRows } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';

// Saturation for a fixed, short time; both bounds hold whichever comes first.
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 8);
const MAX_REQUESTS = 60_000;
const CONNECTIONS = 32;

describe('load with zero loss', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('Express + SQLite: every 2xx delivery is stored exactly once, no 5xx', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-load-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'hookgate.db');
    const store = await openStore(`sqlite:${file}`);
    const server = await startExpress(buildGateway({ store }));
    const runId = `xs${Date.now().toString(36)}`;
    const result = await loadWithAcks({
      url: server.url,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      maxRequests: MAX_REQUESTS,
      delivery: (n) => signedDelivery(n, { prefix: '/webhooks', runId, mix: true }),
    });
    await server.close();
    await store.close();
    const check = compareAcksWithStore(result.acked, await readStoredRows({ sqlite: file }));
    printSummary({
      scenario: 'load express+sqlite',
      requests: result.sent,
      acked: result.acked.size,
      stored: check.stored,
      lost: check.lost.length,
      extra: { statuses: result.statuses, errors: result.errors, rps: Math.round(result.requestsPerSecond), duplicated: check.duplicated.length },
    });
    expect(result.acked.size).toBeGreaterThan(500);
    expect(check.lost).toEqual([]);
    expect(check.duplicated).toEqual([]);
    expect(Object.keys(result.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(Object.keys(result.statuses)).toEqual(['200']);
  });

  it('Fastify + PostgreSQL: every 2xx delivery is stored exactly once, no 5xx', async () => {
    const database = await createTemporaryDatabase('load');
    cleanup.push(() => database.drop());
    const store = await openStore(database.url());
    const server = await startFastify(buildGateway({ store }));
    const runId = `fp${Date.now().toString(36)}`;
    const result = await loadWithAcks({
      url: server.url,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      maxRequests: MAX_REQUESTS,
      delivery: (n) => signedDelivery(n, { prefix: '/webhooks', runId, mix: true }),
    });
    await server.close();
    await store.close();
    const check = compareAcksWithStore(result.acked, await readStoredRows({ postgres: database.url() }));
    printSummary({
      scenario: 'load fastify+postgres',
      requests: result.sent,
      acked: result.acked.size,
      stored: check.stored,
      lost: check.lost.length,
      extra: { statuses: result.statuses, errors: result.errors, rps: Math.round(result.requestsPerSecond), duplicated: check.duplicated.length },
    });
    expect(result.acked.size).toBeGreaterThan(500);
    expect(check.lost).toEqual([]);
    expect(check.duplicated).toEqual([]);
    expect(Object.keys(result.statuses)).toEqual(['200']);
  });
});
