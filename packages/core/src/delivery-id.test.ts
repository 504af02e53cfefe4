import { describe, expect, it } from 'vitest';
import { createDeliveryId, deliveryIdTime } from './delivery-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createDeliveryId()', () => {
  it('is a UUIDv7 (version 7, RFC 9562 variant)', () => {
    expect(createDeliveryId()).toMatch(UUID_V7);
  });

  it('encodes the given millisecond, read back by deliveryIdTime', () => {
    // Far in the future so the module's monotonic clock does not hold it back.
    const at = Date.parse('2099-01-02T03:04:05.678Z');
    expect(deliveryIdTime(createDeliveryId(at))).toBe(at);
  });

  it('is strictly increasing within one millisecond (thousands of ids, string order = creation order)', () => {
    const at = Date.parse('2100-01-01T00:00:00.000Z');
    const ids = Array.from({ length: 5000 }, () => createDeliveryId(at));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} < ${ids[i]}`).toBe(true);
    // 4096 counter values per millisecond: past them the id borrows the next millisecond.
    expect(deliveryIdTime(ids.at(-1)!)).toBeGreaterThan(at);
    expect(deliveryIdTime(ids.at(-1)!) - at).toBeLessThanOrEqual(2);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('never goes backwards when the clock does', () => {
    const a = createDeliveryId(Date.parse('2101-01-01T00:00:00.000Z'));
    const b = createDeliveryId(Date.parse('2000-01-01T00:00:00.000Z'));
    expect(b > a).toBe(true);
  });
});

describe('deliveryIdTime()', () => {
  it('NaN for anything that is not a UUIDv7', () => {
    expect(deliveryIdTime('not-an-id')).toBeNaN();
    expect(deliveryIdTime('0193a1b2-c3d4-4e5f-8a6b-1c2d3e4f5a6b')).toBeNaN(); // v4
    expect(deliveryIdTime('')).toBeNaN();
  });

  it('reads the 48-bit timestamp', () => {
    expect(deliveryIdTime('00000000-0001-7000-8000-000000000000')).toBe(1);
    expect(deliveryIdTime('ffffffff-ffff-7000-8000-000000000000')).toBe(2 ** 48 - 1);
  });
});
