import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteRing } from './memory-ring.js';

interface Placed {
  name: number;
  offset: number;
  size: number;
  placement: number;
}

describe('ByteRing', () => {
  it('drops the oldest records only until the new one fits, and wraps to the start', () => {
    const ring = new ByteRing<string>(100);
    const dropped: string[] = [];
    const drop = (item: string) => dropped.push(item);
    expect(ring.place('a', 30, drop).offset).toBe(0);
    expect(ring.place('b', 30, drop).offset).toBe(30);
    expect(ring.place('c', 30, drop).offset).toBe(60);
    expect(dropped).toEqual([]);
    // 10 bytes left at the end: the record goes to the start, over 'a' only.
    expect(ring.place('d', 30, drop).offset).toBe(0);
    expect(dropped).toEqual(['a']);
    expect(ring.place('e', 40, drop).offset).toBe(30); // over 'b' and the first 10 bytes of 'c'
    expect(dropped).toEqual(['a', 'b', 'c']);
    expect(ring.count).toBe(2);
    expect(() => ring.place('f', 101, drop)).toThrow(RangeError);
  });

  it('keeps every live record intact and in its own bytes, whatever the sizes (model check)', () => {
    const operation = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('place' as const), size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(200)) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const) }) },
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), (operations) => {
        const capacity = 200;
        const ring = new ByteRing<number>(capacity);
        const live: Placed[] = [];
        let next = 0;
        const drop = (name: number, placement: number) => {
          // Always the oldest live record, with the placement it was given.
          const oldest = live.shift();
          expect(oldest?.name).toBe(name);
          expect(oldest?.placement).toBe(placement);
        };
        for (const operation of operations) {
          if (operation.kind === 'drop') {
            const held = live.length > 0;
            expect(ring.dropOldest(drop)).toBe(held);
            continue;
          }
          const name = next++;
          const { offset, placement } = ring.place(name, operation.size, drop);
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset + operation.size).toBeLessThanOrEqual(capacity);
          ring.buffer.bytes.fill(name % 251, offset, offset + operation.size);
          live.push({ name, offset, size: operation.size, placement });
          // Live records never overlap, and each still holds the bytes written for it.
          const sorted = [...live].sort((a, b) => a.offset - b.offset);
          for (let index = 1; index < sorted.length; index++) {
            expect(sorted[index]!.offset).toBeGreaterThanOrEqual(sorted[index - 1]!.offset + sorted[index - 1]!.size);
          }
          for (const each of live) {
            expect(ring.buffer.bytes.subarray(each.offset, each.offset + each.size).every((byte) => byte === each.name % 251)).toBe(true);
          }
          expect(ring.count).toBe(live.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('drops nothing while the records fit, and everything only when one takes the whole buffer', () => {
    const ring = new ByteRing<number>(64);
    const dropped: number[] = [];
    for (let name = 0; name < 8; name++) ring.place(name, 8, (item) => dropped.push(item));
    expect(dropped).toEqual([]);
    ring.place(8, 64, (item) => dropped.push(item));
    expect(dropped).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ring.count).toBe(1);
  });
});
