import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryStatus, DeliveryStore, ListQuery } from '@hookgate/core';
import type { DeliveryInput } from '@hookgate/core/store';
import { createDeliveryId } from '@hookgate/core/testing';
import { bulkInsert, openStore, type OpenStoreOptions } from '@hookgate/store';
import { median } from './harness.js';
import type { BenchResult } from './results.js';
import { createTemporaryDatabase, type TemporaryDatabase } from './support/postgres.js';
import { buildGateway } from './support/servers.js';
import { type BenchDelivery, postgresBatchedFloorRate, postgresFloorRate, signedPool, sqliteFloorRate } from './store-floors.js';

/** Options of {@link runStoreBench}. */
export interface StoreBenchOptions {
  rounds: number;
  /** Rows seeded before the list queries (1,000,000 for the real figure). */
  seedRows: number;
  /** Seconds of recording per store per round. */
  recordSeconds: number;
}

const IN_FLIGHT = 64;
/** PostgreSQL pool size of the gateway's store and of the hand-written floor (the store's default). */
const PG_POOL = 10;
const QUERY_REPEATS = 40;

/**
 * Deliveries recorded per second through the gateway (`gateway.handle` with the store, unique
 * signed deliveries from `pool`, `inFlight` at a time — the adapter is left out so the store is
 * what is measured).
 *
 * @example
 * ```ts
 * const rate = await recordRate(store, signedPool('r1', 40_000), 5);
 * ```
 */
export async function recordRate(store: DeliveryStore, pool: readonly BenchDelivery[], seconds: number, inFlight = IN_FLIGHT): Promise<number> {
  const gateway = buildGateway({ store });
  let next = 0;
  let recorded = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && next < pool.length) {
      const { provider, headers, body } = pool[next++]!;
      const outcome = await gateway.handle(provider, { method: 'POST', headers, rawBody: body });
      if (outcome.status !== 200) throw new Error(`record bench got ${outcome.status} ${outcome.kind}: ${outcome.message ?? ''}`);
      recorded++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
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

/** One candidate of the record-rate rounds: a name and how to measure it on a fresh pool. */
interface RateCandidate {
  name: string;
  measure(pool: readonly BenchDelivery[], round: number): Promise<number>;
}

/**
 * Runs every candidate once per round (order rotated each round), each on its own unique
 * signed deliveries; returns each candidate's rates, one per round.
 */
async function rateRounds(candidates: readonly RateCandidate[], options: StoreBenchOptions): Promise<Map<string, number[]>> {
  const rates = new Map<string, number[]>(candidates.map((candidate) => [candidate.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let offset = 0; offset < candidates.length; offset++) {
      const candidate = candidates[(round + offset) % candidates.length]!;
      const pool = signedPool(`${candidate.name.replace(/\W/g, '')}${round}${Date.now().toString(36)}`, 40_000);
      const rate = await candidate.measure(pool, round);
      rates.get(candidate.name)!.push(rate);
      console.log(`  round ${round + 1} ${candidate.name}: ${Math.round(rate)} deliveries/s (load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
  return rates;
}

/** Median over rounds of `candidate / baseline`, both from the same round. */
function roundRatio(rates: Map<string, number[]>, candidate: string, baseline: string): number {
  const baselineRates = rates.get(baseline)!;
  return median(rates.get(candidate)!.map((rate, index) => rate / baselineRates[index]!));
}

/** The record-rate rows: each store through the gateway against its hand-written floor, same rounds. */
async function recordRows(dir: string, database: TemporaryDatabase, options: StoreBenchOptions): Promise<BenchResult[]> {
  const seconds = options.recordSeconds;
  const file = (name: string, round: number) => join(dir, `${name}-${round}.db`);
  const throughStore = (url: string, storeOptions?: OpenStoreOptions) => async (pool: readonly BenchDelivery[]) => {
    const store = await openStore(url, storeOptions);
    try {
      return await recordRate(store, pool, seconds);
    } finally {
      await store.close();
    }
  };
  // Fresh files every round for both (the same starting point: an empty store).
  const sqlite = await rateRounds(
    [
      { name: 'gateway', measure: (pool, round) => throughStore(`sqlite:${file('gateway', round)}`)(pool) },
      {
        name: 'floor',
        measure: async (pool, round) => {
          await (await openStore(`sqlite:${file('floor', round)}`)).close(); // the store's schema
          return sqliteFloorRate(file('floor', round), pool, seconds);
        },
      },
      // The store's default is synchronous=full (a commit survives power loss); normal survives a
      // process crash, which is what the kill -9 test checks. Measured for orientation.
      { name: 'gateway normal', measure: (pool, round) => throughStore(`sqlite:${file('normal', round)}`, { synchronous: 'normal' })(pool) },
    ],
    options,
  );
  const url = database.url();
  await (await openStore(url)).close(); // the store's schema, for the floors too
  const postgres = await rateRounds(
    [
      { name: 'gateway', measure: throughStore(url, { poolSize: PG_POOL }) },
      { name: 'floor', measure: (pool) => postgresFloorRate(url, pool, seconds, { poolSize: PG_POOL, inFlight: IN_FLIGHT }) },
      { name: 'batched floor', measure: (pool) => postgresBatchedFloorRate(url, pool, seconds) },
    ],
    options,
  );
  const note = `gateway.handle, ${IN_FLIGHT} in flight, unique signed deliveries, ${seconds} s per candidate, ${options.rounds} interleaved rounds (wall clock)`;
  const row = (name: string, rates: Map<string, number[]>, candidate: string, baseline: string, baselineName: string, target: number | null): BenchResult => {
    const ratio = roundRatio(rates, candidate, baseline);
    return {
      name,
      value: median(rates.get(candidate)!),
      unit: 'deliveries/s',
      baseline: median(rates.get(baseline)!),
      baselineName,
      ratio,
      target: target === null ? 'orientation' : `>= ${target.toFixed(2)}x`,
      met: target === null || ratio >= target,
      note: `${note}; per-round ratios ${rates
        .get(candidate)!
        .map((rate, index) => (rate / rates.get(baseline)![index]!).toFixed(2))
        .join(', ')}`,
    };
  };
  return [
    row(
      'store.sqlite deliveries/s through the gateway vs hand-written better-sqlite3',
      sqlite,
      'gateway',
      'floor',
      'better-sqlite3 by hand, FULL, 64 per commit',
      0.6,
    ),
    row(
      'store.sqlite synchronous=normal through the gateway vs the FULL floor',
      sqlite,
      'gateway normal',
      'floor',
      'better-sqlite3 by hand, FULL, 64 per commit',
      null,
    ),
    row(
      'store.postgres deliveries/s through the gateway vs hand-written pg',
      postgres,
      'gateway',
      'floor',
      `pg by hand, 1 statement per delivery, pool ${PG_POOL}`,
      0.6,
    ),
    row(
      'store.postgres deliveries/s through the gateway vs hand-written pg, batched',
      postgres,
      'gateway',
      'batched floor',
      'pg by hand, 64 per statement',
      null,
    ),
  ];
}

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
    const stores: Array<{ name: string; url: string; listQueries: boolean }> = [
      { name: 'sqlite', url: `sqlite:${join(dir, 'bench.db')}`, listQueries: true },
      { name: 'postgres', url: database.url(), listQueries: true },
    ];
    rows.push(...(await recordRows(dir, database, options)));
    for (const { name, url, listQueries } of stores) {
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
