import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createWebhookHandler, MemoryStore, type WebhookRequest } from '@hookgate/core';
import { prepareSecrets } from '@hookgate/core/provider';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { pylon } from '@hookgate/provider-pylon';
import Fastify from 'fastify';
import type { BenchResult } from './results.js';
import { SECRET } from './samples.js';
import { NullStore } from './support/null-store.js';
import { buildGateway } from './support/servers.js';
import { signedDelivery } from './support/signed-deliveries.js';

/** Options of {@link runMemoryBench}. */
export interface MemoryBenchOptions {
  /** Deliveries sent through the adapter (1,000,000 for the real figure). */
  deliveries: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function settledHeap(): number {
  for (let pass = 0; pass < 3; pass++) gc();
  return process.memoryUsage().heapUsed;
}

let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

/**
 * Bytes allocated per call: heap growth over `count` calls with no collection in between
 * (a window with a GC is retried; the smallest clean figure is kept).
 */
async function bytesPerCall(count: number, call: () => unknown): Promise<number> {
  for (let warm = 0; warm < 2000; warm++) await call();
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 20; attempt++) {
    settledHeap();
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the GC observer flush
    const before = process.memoryUsage().heapUsed;
    const seen = collections;
    for (let index = 0; index < count; index++) await call();
    const after = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (collections === seen) best = Math.min(best, (after - before) / count);
  }
  if (!Number.isFinite(best)) throw new Error('every window saw a GC: lower the count');
  return best;
}

/**
 * Section 5: heap after `deliveries` deliveries through the Fastify adapter (`inject`, the
 * plugin's real path) with a store that keeps nothing, against the heap after the first 10 %
 * (warm); and bytes allocated per verify / verifyAndParse / handle.
 *
 * @example
 * ```ts
 * const rows = await runMemoryBench({ deliveries: 1_000_000 });
 * ```
 */
export async function runMemoryBench(options: MemoryBenchOptions): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];

  // Allocation per call, for the three layers.
  const provider = pylon();
  const keys = prepareSecrets(SECRET);
  const sample = signedDelivery(0, { prefix: '', runId: 'mem' });
  const request: WebhookRequest = { method: 'POST', headers: sample.headers, rawBody: Buffer.from(sample.body) };
  const handler = createWebhookHandler({ provider, secret: SECRET });
  const handleHandler = createWebhookHandler({ provider, secret: SECRET, store: new NullStore() });
  const layers: Array<[string, () => unknown]> = [
    ['verify', () => provider.verification.verify(request, keys)],
    ['verifyAndParse', () => handler.verifyAndParse(request)],
    ['handle (store that keeps nothing)', () => handleHandler.handle(request)],
  ];
  for (const [name, call] of layers) {
    const bytes = await bytesPerCall(250, call);
    rows.push({
      name: `memory.bytes allocated per ${name}`,
      value: bytes,
      unit: 'B',
      baseline: null,
      baselineName: null,
      ratio: null,
      target: 'report',
      met: true,
      note: `heap growth over 250 calls with no GC in the window (smallest of 20), ~1 KB Pylon body`,
    });
  }

  // What a MemoryStore keeps per delivery on the JavaScript heap (the bench's HTTP target): heap
  // after GC, unique deliveries. Its history buffer (headers, body and payload JSON of each
  // delivery) is outside the heap; it is made large enough here that nothing is dropped.
  const retainedCount = 20_000;
  const unique = Array.from({ length: retainedCount }, (_, n) => {
    const delivery = signedDelivery(n, { prefix: '', runId: `kept${Date.now().toString(36)}` });
    return { method: 'POST', headers: delivery.headers, rawBody: Buffer.from(delivery.body) } satisfies WebhookRequest;
  });
  const keeping = new MemoryStore({ historyBytes: 64 * 1024 * 1024 });
  const keepingHandler = createWebhookHandler({ provider, secret: SECRET, store: keeping });
  const heapBefore = settledHeap();
  for (const each of unique) await keepingHandler.handle(each);
  const retained = (settledHeap() - heapBefore) / retainedCount;
  rows.push({
    name: 'memory.bytes retained per delivery by MemoryStore',
    value: retained,
    unit: 'B',
    baseline: null,
    baselineName: null,
    ratio: null,
    target: 'report',
    met: keeping.size === retainedCount,
    note: `JavaScript heap after forced GC over ${retainedCount.toLocaleString('en-US')} unique ~1 KB Pylon deliveries, all kept (historyBytes 64 MiB); their headers, bodies and payload JSON are in the store's history buffer, off the heap`,
  });
  await keeping.close();

  // Heap flatness through the adapter.
  const store = new NullStore();
  const app = Fastify({ logger: false });
  await app.register(hookgatePlugin, { prefix: '/webhooks', gateway: buildGateway({ store }) });
  await app.ready();
  // Re-signed every 100,000 deliveries so timestamps stay inside the 300 s window on a slow run.
  const signPool = () => Array.from({ length: 1000 }, (_, n) => signedDelivery(n, { prefix: '/webhooks', runId: `mem${Date.now().toString(36)}`, mix: true }));
  let pool = signPool();
  const warmAt = Math.floor(options.deliveries / 10);
  let warmHeap = 0;
  let peakSettled = 0;
  const started = performance.now();
  for (let n = 0; n < options.deliveries; n++) {
    if (n > 0 && n % 100_000 === 0) pool = signPool();
    const delivery = pool[n % pool.length]!;
    const response = await app.inject({ method: 'POST', url: delivery.path, headers: delivery.headers, payload: delivery.body });
    if (response.statusCode !== 200) throw new Error(`memory bench got ${response.statusCode}: ${response.body}`);
    if (n + 1 === warmAt) warmHeap = settledHeap();
    if (n + 1 > warmAt && (n + 1) % warmAt === 0) peakSettled = Math.max(peakSettled, settledHeap());
  }
  const seconds = (performance.now() - started) / 1000;
  const finalHeap = settledHeap();
  await app.close();
  const growth = finalHeap / warmHeap;
  rows.push({
    name: `memory.heap after ${options.deliveries.toLocaleString('en-US')} deliveries vs after 10 % (fastify adapter, store keeps nothing)`,
    value: finalHeap / 2 ** 20,
    unit: 'MiB',
    baseline: warmHeap / 2 ** 20,
    baselineName: 'heap after 10 %',
    ratio: growth,
    target: '<= 1.10x',
    met: growth <= 1.1 && store.recorded === options.deliveries,
    note: `heap after forced GC; highest checkpoint ${(peakSettled / 2 ** 20).toFixed(1)} MiB; ${store.recorded} recorded; ${seconds.toFixed(0)} s via app.inject`,
  });
  return rows;
}
