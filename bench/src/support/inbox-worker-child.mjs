// One worker process of the inbox reliability scenario (plain JavaScript, see the gateway
// child): `startWorker()` on the PostgreSQL store. Its Pylon listener records every run in
// `reliability_runs` (issue id, delivery id, attempt, this pid) before anything else, and fails
// the first attempt of issues whose number is a multiple of 20 (5 %); each run takes 20 ms (500 ms for issue numbers ending in 5). SIGTERM drains.
// Arguments: the store URL, pg-boss's schema and the secret. Prints `READY <pid>` once it consumes.
import { createWebhookHandler, startWorker } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { openStore } from '@hookgate/store';
import pg from 'pg';

const [url, bossSchema, secret] = process.argv.slice(2);
if (!url || !bossSchema || !secret) throw new Error('usage: inbox-worker-child <postgres url> <pg-boss schema> <secret>');
const store = await openStore(url, { migrate: false, poolSize: 6, inbox: { schema: bossSchema, poolSize: 2, maintenanceIntervalSeconds: 1 } });
// Asynchronous commits for this bookkeeping only: a killed worker cannot lose what PostgreSQL received.
const runs = new pg.Pool({ connectionString: url, max: 4, options: '-c synchronous_commit=off' });

/** Same rule as `failsFirstRun` in inbox-scenario.ts: issue numbers that are multiples of 20. */
const issueNumber = (issueId) => Number(/-(\d+)$/.exec(issueId)?.[1] ?? Number.NaN);
const failsFirstRun = (issueId) => issueNumber(issueId) % 20 === 0;
const runsSlowly = (issueId) => issueNumber(issueId) % 10 === 5;

const handler = createWebhookHandler({ provider: pylon(), secret });
handler.onAny(async (event, ctx) => {
  const issueId = String(event.payload.issue_id);
  await runs.query('insert into reliability_runs (issue_id, delivery_id, attempt, pid) values ($1, $2, $3, $4)', [
    issueId,
    ctx.deliveryId,
    ctx.attempt,
    process.pid,
  ]);
  // Listeners take a moment (10 % of them half a second), so the worker killed mid-run holds some.
  await new Promise((resolve) => setTimeout(resolve, runsSlowly(issueId) ? 500 : 20));
  if (ctx.attempt === 1 && failsFirstRun(issueId)) throw new Error(`planned failure of ${issueId}'s first run`);
});
handler.onError(() => undefined); // failures are planned and counted from the runs table

const worker = await startWorker({
  store,
  handlers: { pylon: handler },
  concurrency: 32,
  leaseSeconds: 5,
  pollIntervalMs: 100,
  retry: { maxAttempts: 5, baseDelayMs: 1000 },
  handleSignals: true,
});
process.stdout.write(`READY ${process.pid}\n`);
await worker.stopped;
await store.close();
await runs.end();
