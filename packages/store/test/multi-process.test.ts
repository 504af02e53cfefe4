import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openStore } from '../src/index.js';
import { DATABASE_TARGETS } from './helpers.js';
import { runTwoWorkers } from './workers.js';

interface ClaimRow {
  key: string;
  deliveryId: string;
  claimed: boolean;
  firstDeliveryId?: string;
}

interface HandleRow {
  index: number;
  kind: string;
  status: number;
  deliveryId: string;
  duplicateOf: string | null;
}

describe.each(DATABASE_TARGETS)('two processes on one $name database', ({ create }) => {
  it('migrate the empty database together, then race for 150 keys: exactly one winner each', async () => {
    const target = await create();
    try {
      const where = target.relative ?? { url: target.url, cwd: undefined };
      const [a, b] = await runTwoWorkers<ClaimRow>('claim', where.url, 150, where.cwd === undefined ? {} : { cwd: where.cwd });
      // Both opened (and migrated) at the same moment; each version was applied exactly once.
      expect((await target.rows('hookgate_migrations')).map((row) => Number(row.version))).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, index) => index + 1),
      );
      for (let index = 0; index < 150; index++) {
        const pair = [a[index]!, b[index]!];
        const winners = pair.filter((row) => row.claimed);
        expect(winners, pair[0]!.key).toHaveLength(1);
        const loser = pair.find((row) => !row.claimed)!;
        expect(loser.firstDeliveryId).toBe(winners[0]!.deliveryId);
      }
      const claims = await target.rows('hookgate_dedupe');
      expect(claims).toHaveLength(150);
    } finally {
      await target.cleanup();
    }
  });

  it('handle the same 40 signed deliveries concurrently: one handled and one duplicate each', async () => {
    const target = await create();
    try {
      await (await openStore(target.url)).close(); // schema first: this test is about dedupe
      const [a, b] = await runTwoWorkers<HandleRow>('handle', target.url, 40);
      for (let index = 0; index < 40; index++) {
        const pair = [a[index]!, b[index]!].sort((x, y) => x.kind.localeCompare(y.kind));
        expect(pair.map((row) => `${row.kind} ${row.status}`), `delivery ${index}`).toEqual(['duplicate 200', 'handled 200']);
        expect(pair[0]!.duplicateOf).toBe(pair[1]!.deliveryId);
      }
      const store = await openStore(target.url);
      try {
        const handled = await store.list({ status: 'handled', limit: 500 });
        const duplicates = await store.list({ status: 'duplicate', limit: 500 });
        expect(handled.items).toHaveLength(40);
        expect(duplicates.items).toHaveLength(40);
        const handledIds = new Set(handled.items.map((item) => item.id));
        for (const duplicate of duplicates.items) expect(handledIds.has(duplicate.duplicateOf!)).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await target.cleanup();
    }
  });
});
