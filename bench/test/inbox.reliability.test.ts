// Issue 15's reliability scenario for inbox mode: three gateway processes and two worker
// processes on one PostgreSQL (pg-boss in the same database); signed deliveries, 10 % sent again
// to another gateway, 5 % whose listener fails its first run; one worker kill -9'ed mid-run and
// restarted. Every acknowledged delivery must complete, none may be lost, a duplicate must not
// run the listener again, and extra runs are allowed only for deliveries the killed worker held.
// A job the killed worker had taken but whose listener had not yet recorded its run comes back
// after its lease as the next attempt (pg-boss counts the re-run): such a delivery's first
// recorded run is attempt 2, so a planned first-run failure then runs once, not twice.
import { openStore, type PersistentDeliveryStore } from '@hookgate/store';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../src/support/child-server.js';
import { failsFirstRun, RUNS_TABLE_DDL } from '../src/support/inbox-scenario.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../src/support/postgres.js';
import { signedDelivery, type SignedDelivery } from '../src/support/signed-deliveries.js';
import { printSummary } from '../src/support/summary.js';
import { SECRET } from '../src/samples.js';

/**
 * Unique deliveries: the issue's 20,000 — about 161 s on a quiet 2-core machine, 464 s on one
 * whose load average was 13-20 (other builds and tests); the test's own 900 s timeout covers
 * both. Lower it for a quick local run with `HOOKGATE_INBOX_DELIVERIES=3000`.
 */
const DELIVERIES = Number(process.env.HOOKGATE_INBOX_DELIVERIES ?? 20_000);
const IN_FLIGHT = 48;
/** A copy of delivery n (n % 10 === 3) goes to another gateway this many sends later. */
const COPY_DISTANCE = 40;
const BOSS_SCHEMA = 'hookgate_queue';
/** The worker children's `concurrency`: the most jobs the killed worker can have held. */
const WORKER_CONCURRENCY = 32;

interface Send {
  n: number;
  copy: boolean;
}

describe('inbox mode: 3 gateways + 2 workers on one PostgreSQL, a worker kill -9ed mid-run', () => {
  const children: ChildServer[] = [];
  let database: TemporaryDatabase | undefined;
  let store: PersistentDeliveryStore | undefined;
  let admin: pg.Pool | undefined;
  afterAll(async () => {
    for (const child of children) await child.kill();
    await store?.close();
    await admin?.end();
    await database?.drop();
  });

  it('completes every acknowledged delivery once (twice for planned first-run failures), loses none', async () => {
    const started = Date.now();
    database = await createTemporaryDatabase('inbox');
    const url = database.url();
    store = await openStore(url, { poolSize: 4, inbox: { schema: BOSS_SCHEMA, poolSize: 2 } });
    admin = new pg.Pool({ connectionString: url, max: 4 });
    await admin.query(RUNS_TABLE_DDL);

    // Workers first: they set the queue's 5 s lease, which every job enqueued afterwards carries.
    // A generous start timeout: the replacement worker starts while the machine is saturated.
    const startWorkerChild = () => startChildServer('src/support/inbox-worker-child.mjs', [url, BOSS_SCHEMA, SECRET], [], 120_000);
    const workers = [await startWorkerChild(), await startWorkerChild()];
    children.push(...workers);
    const gateways: ChildServer[] = [];
    for (let index = 0; index < 3; index++)
      gateways.push(await startChildServer('src/support/inbox-gateway-child.mjs', [url, BOSS_SCHEMA, SECRET], [], 120_000));
    children.push(...gateways);

    // The send order: every delivery once, and a copy of 10 % to another gateway a little later.
    const slots: Send[][] = Array.from({ length: DELIVERIES }, (_, n) => [{ n, copy: false }]);
    for (let n = 3; n < DELIVERIES; n += 10) slots[Math.min(DELIVERIES - 1, n + COPY_DISTANCE)]!.push({ n, copy: true });
    const order = slots.flat();
    const runId = `inbox${Date.now().toString(36)}`;
    const signed = new Map<number, SignedDelivery>();
    const deliveryOf = (n: number): SignedDelivery => {
      let delivery = signed.get(n);
      if (delivery === undefined) {
        delivery = signedDelivery(n, { prefix: '/webhooks', runId });
        signed.set(n, delivery);
      }
      return delivery;
    };

    // Kill one worker once a quarter of the deliveries ran, and start a new one in its place.
    let killedPid: number | undefined;
    let killedAt: Date | undefined;
    const killer = (async () => {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const { rows } = await admin!.query<{ count: string }>('select count(*) from reliability_runs');
        if (Number(rows[0]!.count) >= DELIVERIES / 4) break;
      }
      // Kill while its listeners are running: a run it started whose attempt is not recorded.
      const pid = workers[0]!.child.pid;
      for (let tries = 0; tries < 600; tries++) {
        const { rows } = await admin!.query<{ count: string }>(
          `select count(*) from reliability_runs r where r.pid = $1
             and not exists (select 1 from hookgate_attempts a where a.delivery_id = r.delivery_id and a.attempt = r.attempt)`,
          [pid],
        );
        if (Number(rows[0]!.count) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      killedPid = pid;
      killedAt = (await admin!.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;
      console.log(`[inbox] kill -9 worker ${killedPid} after ${(Date.now() - started) / 1000} s`);
      await workers[0]!.kill(); // SIGKILL: no drain, no cleanup
      children.push(await startWorkerChild());
    })();

    // Send like a provider: 2xx is an acknowledgement; 409 (in progress), 5xx and connection
    // errors are retried after a short pause.
    const acked = new Map<string, { status: number; kind: string; deliveryId: string }[]>();
    const statuses: Record<string, number> = {};
    let retries = 0;
    let next = 0;
    async function sendOne(item: Send): Promise<void> {
      const delivery = deliveryOf(item.n);
      const gateway = gateways[(item.n + (item.copy ? 1 : 0)) % gateways.length]!;
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          const response = await fetch(gateway.url + delivery.path, { method: 'POST', headers: delivery.headers, body: delivery.body });
          const answer = (await response.json()) as { kind: string; deliveryId?: string };
          statuses[`${response.status} ${answer.kind}`] = (statuses[`${response.status} ${answer.kind}`] ?? 0) + 1;
          if (response.status < 300) {
            const list = acked.get(delivery.key) ?? [];
            list.push({ status: response.status, kind: answer.kind, deliveryId: answer.deliveryId ?? '' });
            acked.set(delivery.key, list);
            return;
          }
        } catch {
          statuses.connection_error = (statuses.connection_error ?? 0) + 1;
        }
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < order.length) await sendOne(order[next++]!);
      }),
    );
    const sentSeconds = (Date.now() - started) / 1000;
    console.log(`[inbox] sent ${order.length} requests (${acked.size} acked) after ${sentSeconds} s`);
    await killer;

    // Wait for the queue to drain: nothing queued or retrying.
    const deadline = Date.now() + 120_000;
    while ((await store.inbox.pending()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));

    const { rows: deliveries } = await admin.query<{ id: string; status: string; issue_id: string | null }>(
      "select id, status, payload::json->>'issue_id' as issue_id from hookgate_deliveries",
    );
    const { rows: runs } = await admin.query<{ issue_id: string; delivery_id: string; attempt: number; pid: number; at: Date }>(
      'select issue_id, delivery_id, attempt, pid, at from reliability_runs',
    );
    const { rows: firstAttempts } = await admin.query<{ delivery_id: string }>('select delivery_id from hookgate_attempts where attempt = 1');
    const firstAttemptRecorded = new Set(firstAttempts.map((row) => row.delivery_id));
    const { rows: held } = await admin.query<{ delivery_id: string }>(
      `select distinct r.delivery_id from reliability_runs r where r.pid = $1
         and not exists (select 1 from hookgate_attempts a where a.delivery_id = r.delivery_id and a.attempt = r.attempt)`,
      [killedPid],
    );
    const heldIds = new Set(held.map((row) => row.delivery_id));

    const completedByKey = new Map<string, number>();
    const dead: string[] = [];
    for (const row of deliveries) {
      if (row.status === 'handled' && row.issue_id) completedByKey.set(row.issue_id, (completedByKey.get(row.issue_id) ?? 0) + 1);
      if (row.status === 'dead') dead.push(row.id);
    }
    const runsByKey = new Map<string, typeof runs>();
    for (const run of runs) runsByKey.set(run.issue_id, [...(runsByKey.get(run.issue_id) ?? []), run]);

    const lost = [...acked.keys()].filter((key) => completedByKey.get(key) !== 1);
    const missingRuns: string[] = [];
    const unexplainedExtra: string[] = [];
    // Deliveries whose attempt 1 went with the killed worker before their listener ran: no run and
    // no recorded attempt 1, and the first run (attempt 2) after the kill. Anything else is a fault.
    const firstRunLostToKill: string[] = [];
    const unexplainedLateFirstRun: string[] = [];
    let extraRuns = 0;
    const histogram: Record<number, number> = {};
    for (const key of acked.keys()) {
      const keyRuns = runsByKey.get(key) ?? [];
      histogram[keyRuns.length] = (histogram[keyRuns.length] ?? 0) + 1;
      const first = keyRuns.reduce<(typeof runs)[number] | undefined>(
        (earliest, run) => (earliest === undefined || run.attempt < earliest.attempt ? run : earliest),
        undefined,
      );
      const startsLate = first !== undefined && first.attempt > 1;
      if (startsLate) {
        const explained =
          first.attempt === 2 && !firstAttemptRecorded.has(first.delivery_id) && killedAt !== undefined && first.at.getTime() > killedAt.getTime();
        (explained ? firstRunLostToKill : unexplainedLateFirstRun).push(key);
      }
      const expected = failsFirstRun(key) && !startsLate ? 2 : 1;
      if (keyRuns.length < expected) missingRuns.push(key);
      if (keyRuns.length > expected) {
        extraRuns += keyRuns.length - expected;
        if (!keyRuns.some((run) => heldIds.has(run.delivery_id))) unexplainedExtra.push(key);
      }
    }
    const duplicatesAcked = [...acked.values()].reduce((sum, list) => sum + list.filter((answer) => answer.kind === 'duplicate').length, 0);

    printSummary({
      scenario: 'inbox: 3 gateways + 2 workers, PostgreSQL + pg-boss, worker kill -9',
      requests: order.length,
      acked: acked.size,
      stored: completedByKey.size,
      lost: lost.length,
      extra: {
        deliveries: DELIVERIES,
        duplicateCopies: order.length - DELIVERIES,
        duplicatesAcked,
        completed: completedByKey.size,
        dead: dead.length,
        listenerRunsPerDelivery: histogram,
        plannedFirstRunFailures: [...acked.keys()].filter(failsFirstRun).length,
        heldByKilledWorker: heldIds.size,
        firstRunLostToKill: firstRunLostToKill.length,
        extraRuns,
        providerRetries: retries,
        statuses,
        sendSeconds: sentSeconds,
        totalSeconds: (Date.now() - started) / 1000,
      },
    });

    expect(acked.size).toBe(DELIVERIES);
    expect(killedPid).toBeDefined();
    expect(lost).toEqual([]);
    expect(dead).toEqual([]);
    expect(missingRuns).toEqual([]);
    expect(unexplainedExtra).toEqual([]);
    expect(unexplainedLateFirstRun).toEqual([]);
    expect(heldIds.size + firstRunLostToKill.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
    // The kill hit running listeners, and their deliveries still completed.
    expect(heldIds.size).toBeGreaterThan(0);
    expect(await store.inbox.pending()).toBe(0);
  }, 900_000);
});
