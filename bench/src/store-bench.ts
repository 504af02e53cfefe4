import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryStatus, DeliveryStore, ListQuery, WebhookRequest } from '@hookgate/core';
import type { DeliveryInput } from '@hookgate/core/store';
import { createDeliveryId } from '@hookgate/core/testing';
import { bulkInsert, openStore, type OpenStoreOptions } from '@hookgate/store';
import { median } from './harness.js';
import type { BenchResult } from './results.js';
import { createTemporaryDatabase } from './support/postgres.js';
import { buildGateway } from './support/servers.js';
import { signedDelivery } from './support/signed-deliveries.js';

/** Options of {@link runStoreBench}. */
export interface StoreBenchOptions {
  rounds: number;
  /** Rows seeded before the list queries (1,000,000 for the real figure). */
  seedRows: number;
  /** Seconds of recording per store per round. */
  recordSeconds: number;
}

const IN_FLIGHT = 64;
const QUERY_REPEATS = 40;

/**
 * Deliveries recorded per second through the gateway (`gateway.handle` with the store, unique
 * signed deliveries, 64 in flight — the adapter is left out so the store is what is measured).
 */
async function recordRate(store: DeliveryStore, seconds: number, runId: string): Promise<number> {
  const gateway = buildGateway({ store });
  // Signed up front, so signing is not part of the figure.
  const pool: Array<{ provider: string; request: WebhookRequest }> = [];
  for (let n = 0; n < 40_000; n++) {
    const delivery = signedDelivery(n, { prefix: '', runId, mix: true });
    pool.push({ provider: delivery.provider, request: { method: 'POST', headers: delivery.headers, rawBody: Buffer.from(delivery.body) } });
  }
  let next = 0;
  let recorded = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && next < pool.length) {
      const { provider, request } = pool[next++]!;
      const outcome = await gateway.handle(provider, request);
      if (outcome.status !== 200) throw new Error(`record bench got ${outcome.status} ${outcome.kind}: ${outcome.message ?? ''}`);
      recorded++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return recorded / ((performance.now() - started) / 1000);
}

const STATUSES: DeliveryStatus[] = ['handled', 'handled', 'handled', 'handled', 'duplicate', 'rejected_signature', 'invalid_payload', 'unknown_event'];
const EVENTS = [
  ['pylon', 'IssueNewEvent', 'IssueNewEvent'],
  ['pylon', 'MessageNewEvent', 'MessageNewEvent'],
  ['webhooks-b', 'userNotificationEvent', 'UserActionNotificationEvent'],
  ['webhooks-b', 'inventoryChangeEvent', 'InventoryStockDecreaseEvent'],
] as const;

/** One million plausible rows over the last 30 days, oldest first (ids stay time-ordered). */
function* seedRows(count: number): Generator<DeliveryInput> {
  const end = Date.now() - 60_000;
  const span = 30 * 24 * 3600 * 1000;
  for (let index = 0; index < count; index++) {
    const at = end - span + Math.floor((span * index) / count);
    const [provider, event, variant] = EVENTS[index % EVENTS.length]!;
    const status = STATUSES[(index * 7) % STATUSES.length]!;
    const parsed = status === 'handled' || status === 'duplicate';
    yield {
      id: createDeliveryId(at),
      receivedAt: new Date(at).toISOString(),
      provider,
      event: parsed ? event : null,
      variant: parsed ? variant : null,
      status,
      reason: status === 'rejected_signature' ? 'signature_mismatch' : status === 'invalid_payload' ? 'schema_mismatch' : null,
      message: null,
      dedupeKey: parsed ? `seed-${index}` : null,
      duplicateOf: null,
      secretIndex: parsed ? 0 : null,
      method: 'POST',
      path: `/webhooks/${provider}`,
      headers: { 'content-type': 'application/json', 'user-agent': 'seed' },
      rawBody: Buffer.from(`{"seed":${index},"event":"${event}","note":"bulk-loaded for the list benchmark"}`),
      payload: parsed ? { seed: index, event } : null,
      durationMs: 1.5,
    };
  }
}

/** p95 of `list(query)` over repeated calls, in milliseconds. */
async function listP95(store: DeliveryStore, query: ListQuery): Promise<{ p95: number; items: number }> {
  const times: number[] = [];
  let items = 0;
  for (let repeat = 0; repeat < QUERY_REPEATS + 3; repeat++) {
    const started = performance.now();
    const page = await store.list(query);
    const elapsed = performance.now() - started;
    items = page.items.length;
    if (repeat >= 3) times.push(elapsed); // the first calls warm caches and prepared statements
  }
  times.sort((a, b) => a - b);
  return { p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!, items };
}

const QUERIES: Array<{ name: string; query: ListQuery }> = [
  { name: 'first page', query: { limit: 50 } },
  { name: 'filtered page (provider+status)', query: { provider: 'webhooks-b', status: 'rejected_signature', limit: 50 } },
  { name: 'filtered page (event)', query: { event: 'MessageNewEvent', limit: 50 } },
];

/**
 * Section 4: deliveries recorded per second through the gateway with SQLite and PostgreSQL,
 * and `list` latency (first page, filtered pages, p95) over `seedRows` stored deliveries
 * seeded with the store's bulk loader. PostgreSQL runs in its own database, dropped afterwards.
 *
 * @example
 * ```ts
 * const rows = await runStoreBench({ rounds: 3, seedRows: 1_000_000, recordSeconds: 5 });
 * ```
 */
export async function runStoreBench(options: StoreBenchOptions): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hookgate-store-bench-'));
  const database = await createTemporaryDatabase('store');
  const rows: BenchResult[] = [];
  try {
    const stores: Array<{ name: string; url: string; options?: OpenStoreOptions; listQueries: boolean }> = [
      { name: 'sqlite', url: `sqlite:${join(dir, 'bench.db')}`, listQueries: true },
      // The store's default is synchronous=full (a commit survives power loss); normal survives a
      // process crash, which is what the kill -9 test checks. Measured for orientation.
      { name: 'sqlite synchronous=normal', url: `sqlite:${join(dir, 'normal.db')}`, options: { synchronous: 'normal' }, listQueries: false },
      { name: 'postgres', url: database.url(), listQueries: true },
    ];
    for (const { name, url, options: storeOptions, listQueries } of stores) {
      // Record rate first, on an empty store (what a fresh gateway sees), median of rounds.
      const rates: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const store = await openStore(url, storeOptions);
        try {
          rates.push(await recordRate(store, options.recordSeconds, `${name.replace(/\W/g, '')}${round}${Date.now().toString(36)}`));
        } finally {
          await store.close();
        }
        console.log(`  ${name} record round ${round + 1}: ${Math.round(rates.at(-1)!)} deliveries/s`);
      }
      const rate = median(rates);
      rows.push({
        name: `store.${name} deliveries recorded/s through the gateway`,
        value: rate,
        unit: 'deliveries/s',
        baseline: null,
        baselineName: null,
        ratio: null,
        target: name === 'sqlite' ? '>= 5000/s' : 'report',
        met: name === 'sqlite' ? rate >= 5000 : true,
        note: `gateway.handle, ${IN_FLIGHT} in flight, unique signed deliveries, ${options.recordSeconds} s, median of ${options.rounds} rounds`,
      });

      if (!listQueries) continue;
      const store = await openStore(url);
      try {
        const seedStarted = performance.now();
        const inserted = await bulkInsert(store, seedRows(options.seedRows));
        const seedSeconds = (performance.now() - seedStarted) / 1000;
        console.log(`  ${name}: seeded ${inserted} rows in ${seedSeconds.toFixed(1)} s`);
        for (const { name: queryName, query } of QUERIES) {
          const { p95, items } = await listP95(store, query);
          if (items === 0) throw new Error(`${name} ${queryName} returned no rows: the query measures nothing`);
          rows.push({
            name: `store.${name} list ${queryName} @ ${options.seedRows.toLocaleString('en-US')} rows`,
            value: p95,
            unit: 'ms p95',
            baseline: null,
            baselineName: null,
            ratio: null,
            target: 'p95 < 150 ms',
            met: p95 < 150,
            note: `${QUERY_REPEATS} calls after 3 warm-up calls; ${items} items per page; seeded with bulkInsert in ${seedSeconds.toFixed(0)} s`,
          });
        }
      } finally {
        await store.close();
      }
    }
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
