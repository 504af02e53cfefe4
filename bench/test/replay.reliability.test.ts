import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@hookgate/store';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGateway, startExpress } from '../src/support/servers.js';
import { signedDelivery } from '../src/support/signed-deliveries.js';
import { readStoredRows } from '../src/support/stored-rows.js';
import { printSummary } from '../src/support/summary.js';

describe('replay of a captured delivery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookgate-replay-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('within the tolerance window: recorded as duplicate, listeners not called again; after it: 401', async () => {
    const file = join(dir, 'hookgate.db');
    const store = await openStore(`sqlite:${file}`);
    // The gateway's clock is ours to move: real time cannot wait out a 300 s window in CI.
    let clock = Date.now();
    const calls = new Map<string, number>();
    const gateway = buildGateway({
      store,
      now: () => clock,
      // Webhooks B checks X-Timestamp only when opted in; the replay rule applies to both.
      webhooksBToleranceSeconds: 300,
      onEvent: (_provider, key) => calls.set(key, (calls.get(key) ?? 0) + 1),
    });
    const server = await startExpress(gateway);
    const send = async (delivery: ReturnType<typeof signedDelivery>) => {
      const response = await fetch(server.url + delivery.path, { method: 'POST', headers: delivery.headers, body: delivery.body });
      return { status: response.status, body: (await response.json()) as { kind: string; reason?: string; deliveryId?: string } };
    };
    const results: Array<{ provider: string; first: number; within: string; after: string }> = [];
    try {
      for (const n of [0, 1]) {
        clock = Date.now();
        const captured = signedDelivery(n, { prefix: '/webhooks', runId: `replay${clock.toString(36)}`, mix: true, nowMs: clock });
        const first = await send(captured);
        expect(first).toMatchObject({ status: 200, body: { kind: 'handled' } });

        clock += 120_000; // two minutes later: inside the window
        const within = await send(captured);
        expect(within).toMatchObject({ status: 200, body: { kind: 'duplicate' } });
        expect(calls.get(captured.key)).toBe(1);

        clock += 300_000; // now seven minutes after signing
        const after = await send(captured);
        expect(after).toMatchObject({ status: 401, body: { kind: 'rejected_signature', reason: 'timestamp_too_old' } });
        expect(calls.get(captured.key)).toBe(1);
        results.push({
          provider: captured.provider,
          first: first.status,
          within: within.body.kind,
          after: `${after.status} ${after.body.reason ?? after.body.kind}`,
        });
      }
    } finally {
      await server.close();
      await store.close();
    }
    const rows = await readStoredRows({ sqlite: file });
    printSummary({
      scenario: 'replay',
      requests: 6,
      acked: 4,
      stored: rows.length,
      lost: 0,
      extra: { results },
    });
    expect(rows.map((row) => row.status).sort()).toEqual(['handled', 'duplicate', 'rejected_signature', 'handled', 'duplicate', 'rejected_signature'].sort());
  });
});
