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
      fc.property(fc.array(operation, { maxLength: 400 }), fc.constantFrom(1, 7, 64, 200, 4096), (operations, initialBytes) => {
        const capacity = 200;
        const ring = new ByteRing<number>(capacity, initialBytes);
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
          expect(ring.size).toBeLessThanOrEqual(capacity);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('starts small and doubles instead of dropping or wrapping until it reaches its capacity, records keeping their offsets and bytes', () => {
    const ring = new ByteRing<number>(1000, 16);
    const dropped: number[] = [];
    expect(ring.size).toBe(0); // nothing allocated before the first record
    const sizes: number[] = [];
    for (let name = 0; name < 100; name++) {
      const { offset } = ring.place(name, 10, (item) => dropped.push(item));
      expect(offset).toBe(name * 10);
      ring.buffer.bytes.fill(name, offset, offset + 10);
      if (sizes.at(-1) !== ring.size) sizes.push(ring.size);
    }
    expect(sizes).toEqual([16, 32, 64, 128, 256, 512, 1000]);
    expect(dropped).toEqual([]);
    for (let name = 0; name < 100; name++) expect(ring.buffer.bytes.subarray(name * 10, name * 10 + 10).every((byte) => byte === name)).toBe(true);
    // Full size: now it wraps and drops the oldest, as a ring of that capacity always did.
    expect(ring.place(100, 10, (item) => dropped.push(item)).offset).toBe(0);
    expect(dropped).toEqual([0]);
    expect(ring.size).toBe(1000);
  });

  it('grows at once to a record larger than its buffer, never past its capacity', () => {
    const ring = new ByteRing<number>(5000, 64);
    expect(ring.place(0, 3000, () => {}).offset).toBe(0);
    expect(ring.size).toBe(3000);
    expect(ring.place(1, 1500, () => {}).offset).toBe(3000);
    expect(ring.size).toBe(5000);
    expect(new ByteRing<number>(100).place(0, 1, () => {}).offset).toBe(0);
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
