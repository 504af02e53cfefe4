import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '@hookgate/core';
import { openStore } from '@hookgate/store';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithAcks } from '../src/support/load.js';
import { createTemporaryDatabase } from '../src/support/postgres.js';
import { buildGateway, startExpress, startFastify, type RunningServer } from '../src/support/servers.js';
import { signedDelivery } from '../src/support/signed-deliveries.js';
import { compareAcksWithStore, readStoredRows, type StoredRow } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';

// Saturation for a fixed, short time, capped in requests too; whichever comes first.
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 8);
const MAX_REQUESTS = 60_000;
const CONNECTIONS = 32;

interface Scenario {
  name: string;
  storeUrl: string;
  start: (gateway: Gateway) => Promise<RunningServer>;
  rows: () => Promise<StoredRow[]>;
}

/** Saturates the stack with unique deliveries, then checks the ack log against the database. */
async function runScenario(scenario: Scenario): Promise<void> {
  const store = await openStore(scenario.storeUrl);
  const server = await scenario.start(buildGateway({ store }));
  const runId = `${scenario.name.replace(/\W/g, '')}${Date.now().toString(36)}`;
  const result = await loadWithAcks({
    url: server.url,
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
    maxRequests: MAX_REQUESTS,
    delivery: (n) => signedDelivery(n, { prefix: '/webhooks', runId, mix: true }),
  });
  await server.close();
  await store.close();
  const check = compareAcksWithStore(result.acked, await scenario.rows());
  printSummary({
    scenario: `load ${scenario.name}`,
    requests: result.sent,
    acked: result.acked.size,
    stored: check.stored,
    lost: check.lost.length,
    extra: { statuses: result.statuses, errors: result.errors, rps: Math.round(result.requestsPerSecond), duplicated: check.duplicated.length },
  });
  expect(result.acked.size).toBeGreaterThan(500);
  expect(check.lost).toEqual([]);
  expect(check.duplicated).toEqual([]);
  // No 5xx at all (the store is never forced down here), and nothing but 200 for valid deliveries.
  expect(Object.keys(result.statuses)).toEqual(['200']);
}

describe('load with zero loss', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('Express + SQLite: every 2xx delivery is stored exactly once, no 5xx', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-load-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'hookgate.db');
    await runScenario({
      name: 'express+sqlite',
      storeUrl: `sqlite:${file}`,
      start: (gateway) => startExpress(gateway),
      rows: () => readStoredRows({ sqlite: file }),
    });
  });

  it('Fastify + PostgreSQL: every 2xx delivery is stored exactly once, no 5xx', async () => {
    const database = await createTemporaryDatabase('load');
    cleanup.push(() => database.drop());
    await runScenario({
      name: 'fastify+postgres',
      storeUrl: database.url(),
      start: (gateway) => startFastify(gateway),
      rows: () => readStoredRows({ postgres: database.url() }),
    });
  });
});
