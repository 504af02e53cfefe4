import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

describe('isoTime()', () => {
  it('writes exactly what toISOString() writes, for any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5_000 },
    );
  });

  it('stays exact over runs of nearby instants, where the per-second cache is hit and replaced (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2.5e14 }), fc.array(fc.integer({ min: -1500, max: 1500 }), { maxLength: 40 }), (start, steps) => {
        let ms = start;
        for (const step of steps) {
          ms = Math.max(0, ms + step);
          expect(isoTime(ms)).toBe(new Date(ms).toISOString());
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('stays exact for instants in the same second, across seconds and at the edges of the four-digit years', () => {
    const base = Date.UTC(2026, 11, 31, 23, 59, 59, 0);
    for (const ms of [base, base + 1, base + 999, base + 1000, base + 998, 0, 999, 1000, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -1]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('leaves fractional milliseconds and impossible instants to Date (same text, same RangeError)', () => {
    expect(isoTime(1.7)).toBe(new Date(1.7).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
