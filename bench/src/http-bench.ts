import { median } from './harness.js';
import type { BenchResult } from './results.js';
import { startChildServer } from './support/child-server.js';
import { loadWithAcks } from './support/load.js';
import { signedDelivery } from './support/signed-deliveries.js';

/** Options of {@link runHttpBench}. */
export interface HttpBenchOptions {
  rounds: number;
  /** Measured seconds per target per round (after a 1 s warm-up). */
  seconds: number;
}

/** Unique deliveries per target per round: more than a warm-up plus a measured run can send. */
const POOL_SIZE = 120_000;

const TARGETS = [
  { framework: 'express', mode: 'floor' },
  { framework: 'express', mode: 'hookgate' },
  { framework: 'express', mode: 'hookgate-null' },
  { framework: 'fastify', mode: 'floor' },
  { framework: 'fastify', mode: 'hookgate' },
  { framework: 'fastify', mode: 'hookgate-null' },
] as const;

/**
 * Section 3: requests/s of Express and Fastify with Hookgate (memory store) against a
 * hand-written route on the same framework (raw body, node:crypto verify, JSON.parse). Each
 * server runs in its own process, restarted every round (a fresh memory store), warmed up for
 * a second, then saturated by autocannon over loopback with unique signed Pylon deliveries.
 * Targets run interleaved; ratios are per round, then the median.
 *
 * @example
 * ```ts
 * const rows = await runHttpBench({ rounds: 5, seconds: 5 });
 * ```
 */
export async function runHttpBench(options: HttpBenchOptions): Promise<BenchResult[]> {
  const perRound = new Map<string, number[]>(TARGETS.map((target) => [`${target.framework} ${target.mode}`, []]));
  let n = 0;
  const runId = `http${Date.now().toString(36)}`;
  for (let round = 0; round < options.rounds; round++) {
    for (let offset = 0; offset < TARGETS.length; offset++) {
      const target = TARGETS[(round + offset) % TARGETS.length]!;
      const name = `${target.framework} ${target.mode}`;
      // Signed before the server starts: on 2 cores the load generator shares the machine, and
      // signing per request made the hand-written route client-bound (its server sat 50 % idle).
      const pool = Array.from({ length: POOL_SIZE }, () => signedDelivery(n++, { prefix: '/webhooks', runId }));
      let next = 0;
      const server = await startChildServer('src/support/http-target.ts', [target.framework, target.mode]);
      try {
        const run = (seconds: number) =>
          loadWithAcks({
            url: server.url,
            connections: 32,
            durationSeconds: seconds,
            maxRequests: Number.MAX_SAFE_INTEGER,
            keepAcks: false,
            delivery: () => pool[next++ % POOL_SIZE]!,
          });
        await run(1);
        const measured = await run(options.seconds);
        const statuses = Object.keys(measured.statuses);
        if (statuses.length !== 1 || statuses[0] !== '200') {
          throw new Error(`${name} answered ${JSON.stringify(measured.statuses)}: the bench would measure an error path`);
        }
        perRound.get(name)!.push(measured.requestsPerSecond);
        console.log(`  round ${round + 1} ${name}: ${Math.round(measured.requestsPerSecond)} req/s`);
      } finally {
        await server.kill();
      }
    }
  }
  const note = `autocannon, 32 connections, pre-signed unique deliveries, ${options.seconds} s per target per round, median of ${options.rounds} interleaved rounds; server in its own process`;
  const rows: BenchResult[] = [];
  for (const framework of ['express', 'fastify'] as const) {
    const floor = perRound.get(`${framework} floor`)!;
    // The memory store is the target; the store that keeps nothing isolates adapter + core.
    for (const [mode, label, target] of [
      ['hookgate', 'hookgate+memory store', 0.9],
      ['hookgate-null', 'hookgate+store that keeps nothing (diagnostic)', null],
    ] as const) {
      const hookgate = perRound.get(`${framework} ${mode}`)!;
      const ratio = median(hookgate.map((value, index) => value / floor[index]!));
      rows.push({
        name: `http.${framework} ${label} vs hand-written route`,
        value: median(hookgate),
        unit: 'req/s',
        baseline: median(floor),
        baselineName: `${framework} hand-written`,
        ratio,
        target: target === null ? 'orientation' : `>= ${target.toFixed(2)}x`,
        met: target === null ? true : ratio >= target,
        note,
      });
    }
  }
  return rows;
}
