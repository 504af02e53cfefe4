import { createWebhookHandler, MemoryStore, type DeliveryStore, type WebhookRequest } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { FloorDeliveryLog, floorParse, floorVerifyPylon } from './floors.js';
import { compareRounds, median, ratioOf, type Candidate } from './harness.js';
import type { BenchResult } from './results.js';
import { SECRET } from './samples.js';
import { NullStore } from './support/null-store.js';
import { signedDelivery, type SignedDelivery } from './support/signed-deliveries.js';

/** Options of {@link runRetentionBench}. */
export interface RetentionBenchOptions {
  rounds: number;
  millisecondsPerCandidate: number;
}

/** A copy of `text` that shares no memory with it (the HTTP parser hands every request fresh strings). */
function fresh(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** What a Node server hands a route for one delivery: fresh header strings and a fresh body buffer. */
function requestOf(delivery: SignedDelivery): { headers: Record<string, string>; body: Buffer } {
  const body = Buffer.from(delivery.body);
  const headers: Record<string, string> = { host: fresh('127.0.0.1:3000'), connection: fresh('keep-alive'), 'content-length': String(body.length) };
  for (const name in delivery.headers) headers[name] = fresh(delivery.headers[name]!);
  return { headers, body };
}

/** Hands out the deliveries of one pool in turn; `unique` pools throw instead of sending one twice. */
function feeder(size: number, unique: boolean, runId: string): () => SignedDelivery {
  const pool = Array.from({ length: size }, (_, n) => signedDelivery(n, { prefix: '/webhooks', runId }));
  let next = 0;
  return () => {
    if (unique && next >= size) throw new Error(`retention bench: ${size} unique deliveries were not enough; raise the pool size`);
    return pool[next++ % size]!;
  };
}

/**
 * Part of section `http`: where the Fastify + `MemoryStore` row loses, measured in process (CPU
 * time per delivery, interleaved rounds, no sockets), which is stable where HTTP throughput on
 * this shared VM is not. Four candidates, each given what a Node server hands a route (fresh
 * header strings, a fresh body buffer):
 *
 * - the hand-written route's work (node:crypto verify + `JSON.parse`), keeping nothing;
 * - the same plus a hand-written in-memory delivery log (dedupe map on SHA-256 of the signed
 *   message, a record per delivery with id, time, redacted headers and body text);
 * - `handler.handle()` with a store that keeps nothing;
 * - `handler.handle()` with `MemoryStore`.
 *
 * Keeping history is what costs: every kept delivery is promoted by the GC and grows the heap
 * into fresh pages (≈ 15 µs per first touch on this VM). Comparing like with like separates that
 * from Hookgate's own work.
 *
 * @example
 * ```ts
 * const rows = await runRetentionBench({ rounds: 5, millisecondsPerCandidate: 200 });
 * ```
 */
export async function runRetentionBench(options: RetentionBenchOptions): Promise<BenchResult[]> {
  const runId = `ret${Date.now().toString(36)}`;
  // Enough unique deliveries for the keeping candidates at ≥ 15 µs each over every round.
  const uniqueSize = Math.ceil((options.rounds * options.millisecondsPerCandidate * 1000) / 15) + 20_000;
  const handlerWith = (store: DeliveryStore) => createWebhookHandler({ provider: pylon(), secret: SECRET, store });
  const nullHandler = handlerWith(new NullStore());
  const memoryHandler = handlerWith(new MemoryStore());
  const deliveryLog = new FloorDeliveryLog();

  const plainNext = feeder(20_000, false, `${runId}a`);
  const keepNext = feeder(uniqueSize, true, `${runId}b`);
  const nullNext = feeder(20_000, false, `${runId}c`);
  const memoryNext = feeder(uniqueSize, true, `${runId}d`);

  const route = (headers: Record<string, string>, body: Buffer): boolean => {
    if (!floorVerifyPylon(headers, body, SECRET, Date.now())) throw new Error('retention bench: the route refused a signed delivery');
    return floorParse(body) !== undefined;
  };
  const handled = async (handler: typeof nullHandler, delivery: SignedDelivery): Promise<boolean> => {
    const { headers, body } = requestOf(delivery);
    const request: WebhookRequest = { method: 'POST', path: delivery.path, headers, rawBody: body };
    const outcome = await handler.handle(request);
    if (outcome.status !== 200) throw new Error(`retention bench: handle() answered ${outcome.status} ${outcome.reason ?? ''}`);
    return true;
  };
  const candidates: Candidate[] = [
    {
      name: 'route: verify + JSON.parse',
      fn: () => {
        const { headers, body } = requestOf(plainNext());
        return route(headers, body);
      },
    },
    {
      name: 'route + in-memory log',
      fn: () => {
        const { headers, body } = requestOf(keepNext());
        route(headers, body);
        if (!deliveryLog.keep(headers, body)) throw new Error('retention bench: a delivery was sent twice');
        return true;
      },
    },
    { name: 'handle(), store keeps nothing', fn: () => handled(nullHandler, nullNext()) },
    { name: 'handle(), MemoryStore', fn: () => handled(memoryHandler, memoryNext()) },
  ];
  const rounds = await compareRounds(candidates, options);
  const usPerDelivery = (name: string) => 1e6 / median(rounds.get(name)!);
  const note = `in process, CPU time per delivery, ${options.rounds} interleaved rounds of ${options.millisecondsPerCandidate} ms per candidate; each call gets fresh header strings and a fresh body buffer, as from a Node server`;
  const row = (name: string, candidate: string, baseline: string): BenchResult => ({
    name,
    value: usPerDelivery(candidate),
    unit: 'µs CPU/delivery',
    baseline: usPerDelivery(baseline),
    baselineName: baseline,
    ratio: ratioOf(rounds, candidate, baseline),
    target: 'orientation',
    met: true,
    note,
  });
  return [
    row(
      "http.in-process handle() with a store that keeps nothing vs the route's verify + JSON.parse (diagnostic)",
      'handle(), store keeps nothing',
      'route: verify + JSON.parse',
    ),
    row('http.in-process handle() with MemoryStore vs the route + a hand-written in-memory log (diagnostic)', 'handle(), MemoryStore', 'route + in-memory log'),
    row(
      'http.in-process route + a hand-written in-memory log vs the route alone: the cost of keeping history (diagnostic)',
      'route + in-memory log',
      'route: verify + JSON.parse',
    ),
  ];
}
