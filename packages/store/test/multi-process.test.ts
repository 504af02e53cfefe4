import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openStore } from '../src/index.js';
import { DATABASE_TARGETS } from './helpers.js';
import { runTwoWorkers } from './workers.js';

interface ClaimRow {
  key: string;
  deliveryId: string;
  kind: 'claimed' | 'in_progress' | 'done';
  holderDeliveryId?: string;
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
        const winners = pair.filter((row) => row.kind === 'claimed');
        expect(winners, pair[0]!.key).toHaveLength(1);
        const loser = pair.find((row) => row.kind !== 'claimed')!;
        expect(loser).toMatchObject({ kind: 'in_progress', holderDeliveryId: winners[0]!.deliveryId });
      }
      const claims = await target.rows('hookgate_dedupe');
      expect(claims).toHaveLength(150);
    } finally {
      await target.cleanup();
    }
  });

  it('handle the same 40 signed deliveries concurrently: one handled each, the copy a duplicate or (still processing) 409', async () => {
    const target = await create();
    try {
      await (await openStore(target.url)).close(); // schema first: this test is about dedupe
      const [a, b] = await runTwoWorkers<HandleRow>('handle', target.url, 40);
      for (let index = 0; index < 40; index++) {
        const pair = [a[index]!, b[index]!];
        const winner = pair.find((row) => row.kind === 'handled');
        const copy = pair.find((row) => row !== winner);
        expect(winner, `delivery ${index}: ${JSON.stringify(pair)}`).toMatchObject({ status: 200 });
        expect([['duplicate 200'], ['in_progress 409']], `delivery ${index}`).toContainEqual([`${copy!.kind} ${copy!.status}`]);
        expect(copy!.duplicateOf).toBe(winner!.deliveryId);
      }
      const store = await openStore(target.url);
      try {
        const handled = await store.list({ status: 'handled', limit: 500 });
        const duplicates = await store.list({ status: ['duplicate', 'in_progress'], limit: 500 });
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
