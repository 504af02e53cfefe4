import { describe, expect, it } from 'vitest';
import { createDeliveryId } from './delivery-id.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { clampListLimit, normalizeListQuery } from './list-query.js';
import { parseJsonBody } from './json-body.js';
import { encodeStoredBody } from './stored-body.js';
import { listSummaries, type DeliveryStore } from './delivery-store.js';
import { MemoryStore } from './memory-store.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('encodeCursor() / decodeCursor()', () => {
  it('round-trips a position (receivedAt normalised to ISO with ms)', () => {
    const id = createDeliveryId();
    const cursor = encodeCursor({ receivedAt: '2026-01-01T00:00:00.000Z', id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ receivedAt: '2026-01-01T00:00:00.000Z', id });
  });

  it.each([
    ['garbage', 'garbage'],
    ['empty', ''],
    ['null', null],
    ['undefined', undefined],
    ['no separator', Buffer.from('2026-01-01T00:00:00.000Z').toString('base64url')],
    ['bad date', Buffer.from(`yesterday|${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`).toString('base64url')],
    ['empty id', Buffer.from('2026-01-01T00:00:00.000Z|').toString('base64url')],
    ['id over 1024 characters', Buffer.from(`2026-01-01T00:00:00.000Z|${'a'.repeat(1025)}`).toString('base64url')],
    ['leading separator', Buffer.from(`|${'0'.repeat(36)}`).toString('base64url')],
  ])('rejects %s → null (reads as the first page)', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  // Ids are opaque: record() and insertMany() take any id, and a cursor that refused one sent
  // list() back to the first page forever. Stores bind the id as a query parameter.
  it.each([
    ['not a UUID', 'import-17'],
    ['SQL-looking', "' OR 1=1 --"],
    ['with the separator', 'a|b'],
  ])('round-trips an id %s', (_name, id) => {
    expect(decodeCursor(encodeCursor({ receivedAt: '2026-01-01T00:00:00.000Z', id }))).toEqual({ receivedAt: '2026-01-01T00:00:00.000Z', id });
  });

  it('a garbage cursor in a list query means no cursor', () => {
    expect(normalizeListQuery({ cursor: '%%%' }).cursor).toBeNull();
  });
});

describe('clampListLimit()', () => {
  it('defaults to 50, clamps to 1…500, truncates fractions', () => {
    expect(clampListLimit(undefined)).toBe(50);
    expect(clampListLimit(Number.NaN)).toBe(50);
    expect(clampListLimit(0)).toBe(1);
    expect(clampListLimit(-5)).toBe(1);
    expect(clampListLimit(10.9)).toBe(10);
    expect(clampListLimit(10_000)).toBe(500);
  });
});

describe('encodeStoredBody()', () => {
  it('valid UTF-8 is kept as text', () => {
    expect(encodeStoredBody(bytes('{"a":"é✓"}'))).toEqual({ body: '{"a":"é✓"}', bodyEncoding: 'utf8', bodyTruncated: false });
  });

  it('invalid UTF-8 is kept as base64', () => {
    expect(encodeStoredBody(Uint8Array.from([0xff, 0xfe, 0x41]))).toEqual({ body: '//5B', bodyEncoding: 'base64', bodyTruncated: false });
  });

  it('a NUL byte (valid UTF-8, but not storable in PostgreSQL text) is kept as base64', () => {
    expect(encodeStoredBody(Uint8Array.from([0x61, 0x00]))).toEqual({ body: 'YQA=', bodyEncoding: 'base64', bodyTruncated: false });
  });

  it('a leading byte-order mark is kept (it is part of the signed bytes), also when the parse decoded the body without it', () => {
    const raw = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]);
    expect(encodeStoredBody(raw)).toEqual({ body: '\ufeff{"a":1}', bodyEncoding: 'utf8', bodyTruncated: false });
    expect(parseJsonBody(raw)).toEqual({ ok: true, value: { a: 1 } }); // the parse reads past the mark…
    expect(encodeStoredBody(raw).body).toBe('\ufeff{"a":1}'); // …and its decoded text is not reused for the store
  });

  it('an empty body is empty text', () => {
    expect(encodeStoredBody(new Uint8Array())).toEqual({ body: '', bodyEncoding: 'utf8', bodyTruncated: false });
  });

  it('cuts at maxBytes and flags it; exactly maxBytes is not truncated', () => {
    expect(encodeStoredBody(bytes('abcdef'), 6)).toEqual({ body: 'abcdef', bodyEncoding: 'utf8', bodyTruncated: false });
    expect(encodeStoredBody(bytes('abcdef'), 4)).toEqual({ body: 'abcd', bodyEncoding: 'utf8', bodyTruncated: true });
  });

  it('a cut inside a multi-byte character backs off to the last whole character, still text', () => {
    // 'a✓' is 61 e2 9c 93: cutting at 2 or 3 bytes splits the check mark.
    expect(encodeStoredBody(bytes('a✓b'), 3)).toEqual({ body: 'a', bodyEncoding: 'utf8', bodyTruncated: true });
    expect(encodeStoredBody(bytes('a✓b'), 4)).toEqual({ body: 'a✓', bodyEncoding: 'utf8', bodyTruncated: true });
  });

  it('a truncated binary body is base64 of the first maxBytes', () => {
    const raw = Uint8Array.from([0xff, 0xfe, 0xfd, 0xfc]);
    expect(encodeStoredBody(raw, 3)).toEqual({ body: Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'), bodyEncoding: 'base64', bodyTruncated: true });
  });

  it('default limit is 1 MiB', () => {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x61);
    const stored = encodeStoredBody(big);
    expect(stored.bodyTruncated).toBe(true);
    expect(stored.body).toHaveLength(1024 * 1024);
  });

  it('encodes only the subarray view', () => {
    const backing = bytes('xxhelloxx');
    expect(encodeStoredBody(Uint8Array.from([0xff]).subarray(0, 1)).body).toBe('/w==');
    expect(encodeStoredBody(backing.subarray(2, 7)).body).toBe('hello');
  });
});

describe('listSummaries()', () => {
  it('uses the store’s own listSummaries, and falls back to list (fields left out) for a store without it', async () => {
    const memory = new MemoryStore();
    const receivedAtMs = Date.parse('2026-01-01T00:00:00.000Z');
    await memory.record({
      id: createDeliveryId(receivedAtMs),
      receivedAt: new Date(receivedAtMs).toISOString(),
      receivedAtMs,
      provider: 'acme',
      event: 'ping',
      variant: 'ping',
      status: 'handled',
      reason: null,
      message: null,
      dedupeKey: 'k1',
      duplicateOf: null,
      secretIndex: 0,
      method: 'POST',
      path: '/webhooks/acme',
      headers: { 'content-type': 'application/json' },
      rawBody: bytes('{"type":"ping"}'),
      payload: { type: 'ping' },
      durationMs: 1,
    });
    // A store of someone else's that has only list(): every member but listSummaries.
    const listOnly: DeliveryStore = {
      claim: (input) => memory.claim(input),
      complete: (input) => memory.complete(input),
      release: (...args) => memory.release(...args),
      record: (input) => memory.record(input),
      get: (id) => memory.get(id),
      list: (query) => memory.list(query),
      stats: (query) => memory.stats(query),
      prune: (options) => memory.prune(options),
      close: () => memory.close(),
    };
    const own = await listSummaries(memory, { limit: 5 });
    const fallback = await listSummaries(listOnly, { limit: 5 });
    expect(own).toEqual(fallback);
    expect(own.items).toHaveLength(1);
    expect(own.items[0]).toMatchObject({ provider: 'acme', event: 'ping', status: 'handled', dedupeKey: 'k1' });
    for (const item of [...own.items, ...fallback.items]) {
      expect(Object.keys(item)).not.toContain('body');
      expect(Object.keys(item)).not.toContain('headers');
      expect(Object.keys(item)).not.toContain('payload');
    }
    await memory.close();
  });
});
