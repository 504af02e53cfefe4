import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bulkInsert, openStore } from '@hookgate/store';
import { storedDelivery } from './support/delivery-input';
import { startDashboard, stopDashboard } from './support/server';
import { expect, test } from './support/test';

// HOOKGATE_RETENTION_DAYS: the dashboard deletes deliveries older than that many days when it
// starts (and hourly after); without it nothing is deleted.

const DAY = 86_400_000;

const delivery = (id: string, ageDays: number) => storedDelivery(id, ageDays * DAY);

for (const retention of ['30', undefined] as const) {
  test(`HOOKGATE_RETENTION_DAYS=${retention ?? '(unset)'}: ${retention ? 'deliveries older than 30 days are gone once the server has started; newer ones stay' : 'nothing is deleted'}`, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-e2e-retention-'));
    const url = `sqlite:${path.join(dataDir, 'hookgate.db')}`;
    const seeded = await openStore(url);
    await bulkInsert(seeded, [delivery('old-90', 90), delivery('old-31', 31), delivery('new-29', 29), delivery('new-0', 0)]);
    await seeded.close();
    const server = await startDashboard(`retention-${retention ?? 'unset'}`, {
      HOOKGATE_STORE: url,
      HOOKGATE_DATA_DIR: dataDir,
      ...(retention ? { HOOKGATE_RETENTION_DAYS: retention } : {}),
    });
    try {
      const ids = async () => {
        const store = await openStore(url, { migrate: false });
        try {
          return (await store.list({ limit: 10 })).items.map((item) => item.id);
        } finally {
          await store.close();
        }
      };
      if (retention) {
        await expect.poll(ids).toEqual(['new-0', 'new-29']);
        // The log line follows the commit through a pipe: it may arrive just after the rows are gone.
        await expect.poll(() => server.output()).toContain('[hookgate] Pruned 2 deliveries older than 30 days');
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(await ids()).toEqual(['new-0', 'new-29', 'old-31', 'old-90']);
      }
    } finally {
      await stopDashboard(server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

test('HOOKGATE_RETENTION_DAYS that is not a number of days stops the server with the variable named', async () => {
  const { spawnDashboard } = await import('./support/server');
  const server = await spawnDashboard('retention-bad', { HOOKGATE_RETENTION_DAYS: '30d' });
  expect(await server.closed).toBe(1);
  expect(server.output()).toContain('HOOKGATE_RETENTION_DAYS');
  expect(server.output()).toContain('must be a number of days');
});
