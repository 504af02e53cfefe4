import { openStore, type PersistentDeliveryStore } from '@hookgate/store';
import { afterAll, describe, expect, it } from 'vitest';
import { createTemporaryDatabase, type TemporaryDatabase } from '../src/support/postgres.js';
import { buildGateway, startExpress, startFastify, type RunningServer } from '../src/support/servers.js';
import { signedDelivery, type SignedDelivery } from '../src/support/signed-deliveries.js';
import { readStoredRows } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';

const DELIVERIES = 40;
/**
 * Copies of each delivery the provider sends: the first, then the others once the first attempt
 * is inside its listener (a provider whose timeout fired early), staggered a little.
 */
const COPIES = 3;
const COPY_SPACING_MS = 50;
/** How long a listener works; the first run of every event then fails. */
const LISTENER_MS = 800;
/** Lease well above a listener run under load (else a takeover runs it twice), short enough that honouring Retry-After keeps the scenario within seconds. */
const LEASE_SECONDS = 5;
/** Attempts per copy, like a provider's retry budget. */
const MAX_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CopyResult {
  key: string;
  statuses: number[];
  finalKind: string;
}

/**
 * Sends one copy the way a retrying provider does: resend on any non-2xx or network error,
 * waiting what Retry-After says (else a short backoff), within a bounded number of attempts.
 */
async function deliverLikeAProvider(urls: readonly string[], delivery: SignedDelivery, startAt: number): Promise<CopyResult> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const url = urls[(startAt + attempt) % urls.length]!;
    let retryAfterMs = 100 * (attempt + 1);
    try {
      const response = await fetch(url + delivery.path, { method: 'POST', headers: delivery.headers, body: delivery.body });
      const body = (await response.json()) as { kind: string };
      statuses.push(response.status);
      if (response.status < 300) return { key: delivery.key, statuses, finalKind: body.kind };
      const header = response.headers.get('retry-after');
      if (header !== null) retryAfterMs = Number(header) * 1000;
    } catch {
      statuses.push(0);
    }
    await sleep(retryAfterMs);
  }
  return { key: delivery.key, statuses, finalKind: 'gave_up' };
}

describe('overlapping retries: the first run of every listener fails while copies arrive', () => {
  let database: TemporaryDatabase | undefined;
  const stores: PersistentDeliveryStore[] = [];
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const store of stores) await store.close();
    await database?.drop();
  });

  it('two gateways on one PostgreSQL: every delivery ends with exactly one completed handling, 0 lost', async () => {
    database = await createTemporaryDatabase('overlap');
    const runs = new Map<string, number>();
    const completed = new Map<string, number>();
    const firstRunStarted = new Map<string, () => void>();
    const started = new Map<string, Promise<void>>();
    const listener = async (_provider: string, key: string): Promise<void> => {
      const run = (runs.get(key) ?? 0) + 1;
      runs.set(key, run);
      if (run === 1) firstRunStarted.get(key)?.();
      await sleep(LISTENER_MS);
      if (run === 1) throw new Error(`first run of ${key} fails`);
      completed.set(key, (completed.get(key) ?? 0) + 1);
    };
    // Two instances behind a load balancer: Express and Fastify, each with its own pool.
    for (const start of [startExpress, startFastify]) {
      const store = await openStore(database.url());
      stores.push(store);
      servers.push(await start(buildGateway({ store, onEvent: listener, leaseSeconds: LEASE_SECONDS })));
    }
    const urls = servers.map((server) => server.url);
    const runId = `overlap${Date.now().toString(36)}`;
    const deliveries = Array.from({ length: DELIVERIES }, (_, n) => signedDelivery(n, { prefix: '/webhooks', runId, mix: true }));
    for (const delivery of deliveries) started.set(delivery.key, new Promise((resolve) => firstRunStarted.set(delivery.key, resolve)));

    const startedAt = performance.now();
    const copies = await Promise.all(
      deliveries.flatMap((delivery, n) =>
        Array.from({ length: COPIES }, async (_, copy) => {
          if (copy > 0) {
            await started.get(delivery.key);
            await sleep(copy * COPY_SPACING_MS);
          }
          return deliverLikeAProvider(urls, delivery, n + copy);
        }),
      ),
    );
    const seconds = (performance.now() - startedAt) / 1000;

    const rows = await readStoredRows({ postgres: database.url() });
    const statuses: Record<number, number> = {};
    for (const copy of copies) for (const status of copy.statuses) statuses[status] = (statuses[status] ?? 0) + 1;
    const gaveUp = copies.filter((copy) => copy.finalKind === 'gave_up');
    const lost = deliveries.filter((delivery) => !rows.some((row) => row.key === delivery.key && row.status === 'handled'));
    const handledTwice = deliveries.filter((delivery) => rows.filter((row) => row.key === delivery.key && row.status === 'handled').length !== 1);
    const notExactlyOnce = deliveries.filter((delivery) => completed.get(delivery.key) !== 1);
    printSummary({
      scenario: 'overlapping retries (express+fastify, one postgres, first listener run fails)',
      requests: copies.reduce((sum, copy) => sum + copy.statuses.length, 0),
      acked: copies.length - gaveUp.length,
      stored: rows.length,
      lost: lost.length,
      extra: { statuses, seconds: Number(seconds.toFixed(1)), gaveUp: gaveUp.length, completedTwice: notExactlyOnce.length },
    });

    // The scenario really overlapped: copies were refused as in progress and first runs failed.
    expect(statuses[409] ?? 0).toBeGreaterThanOrEqual(DELIVERIES / 2);
    expect(statuses[500]).toBe(DELIVERIES);
    // Every copy was eventually acknowledged, every delivery completed exactly once, none lost.
    expect(gaveUp).toEqual([]);
    expect(notExactlyOnce.map((delivery) => delivery.key)).toEqual([]);
    expect(lost.map((delivery) => delivery.key)).toEqual([]);
    expect(handledTwice.map((delivery) => delivery.key)).toEqual([]);
    // Every answered request was recorded exactly once (the 409s too).
    expect(rows.filter((row) => deliveries.some((delivery) => delivery.key === row.key))).toHaveLength(
      copies.reduce((sum, copy) => sum + copy.statuses.filter((status) => status !== 0).length, 0),
    );
    // Each copy's final answer was the one handling or a duplicate of it.
    for (const copy of copies) expect(['handled', 'duplicate']).toContain(copy.finalKind);
    expect(copies.filter((copy) => copy.finalKind === 'handled')).toHaveLength(DELIVERIES);
  });
});
