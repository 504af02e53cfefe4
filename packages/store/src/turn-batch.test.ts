// The one per-turn batcher of the store: PostgreSQL's hot writes (keys apart, batches at once)
// and the PostgreSQL inbox (one promise per call, batches one after another, a failed batch
// retried call by call).
import { describe, expect, it } from 'vitest';
import { awaitedBatch, TurnBatch } from './turn-batch.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('hands the items of one turn over together, at most `max` per batch, never two of one key in a batch', async () => {
    const batches: string[][] = [];
    const batcher = new TurnBatch<string>(
      async (batch) => {
        batches.push(batch);
      },
      { max: 3, key: (item) => item.split(':')[0] },
    );
    for (const item of ['a:1', 'b:1', 'a:2', 'c:1', 'd:1', 'a:3']) batcher.add(item);
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([['a:1', 'b:1', 'c:1'], ['a:2', 'd:1'], ['a:3']]);
    batcher.add('e:1');
    await nextTurn();
    expect(batches.at(-1)).toEqual(['e:1']);
  });

  it('runs a turn’s batches at once, or one after another when sequential', async () => {
    for (const sequential of [false, true]) {
      let running = 0;
      let most = 0;
      const batcher = new TurnBatch<number>(
        async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 10));
          running--;
        },
        { max: 1, sequential },
      );
      for (let item = 0; item < 3; item++) batcher.add(item);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect([sequential, most]).toEqual([sequential, sequential ? 1 : 3]);
    }
  });
});

describe('awaitedBatch', () => {
  it('resolves every call of a batch after its run; a failed batch runs again call by call, so only the bad call rejects', async () => {
    const runs: number[][] = [];
    const add = awaitedBatch<number>(
      async (values) => {
        runs.push(values);
        if (values.includes(13)) throw new Error('unlucky');
      },
      { max: 10 },
    );
    const settled = await Promise.allSettled([add(1), add(13), add(2)]);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(runs).toEqual([[1, 13, 2], [1], [13], [2]]);
  });
});
