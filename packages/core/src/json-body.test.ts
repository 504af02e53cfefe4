import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_JSON_DEPTH,
  decodedTextOf,
  jsonDepthExceeds,
  jsonDepthLimitOf,
  markPristine,
  parseJsonBody,
  pristineTextOf,
  serializePayload,
  setJsonDepthLimit,
} from './json-body.js';
import { encodeStoredBody } from './stored-body.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const nested = (depth: number, open = '[', close = ']', inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);

/** The depth of a parsed value, by definition (recursion is fine for the small values generated). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonDepthExceeds()', () => {
  it('counts arrays and objects alike; a scalar is depth 0', () => {
    expect(jsonDepthExceeds(bytes('"a"'), 0)).toBe(false);
    expect(jsonDepthExceeds(bytes('[]'), 0)).toBe(true);
    expect(jsonDepthExceeds(bytes('{"a":{"b":[1]}}'), 3)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":{"b":[1]}}'), 2)).toBe(true);
  });

  it('a body at exactly the limit passes, one level more does not', () => {
    expect(jsonDepthExceeds(bytes(nested(DEFAULT_MAX_JSON_DEPTH)), DEFAULT_MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(bytes(nested(DEFAULT_MAX_JSON_DEPTH + 1)), DEFAULT_MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(bytes(nested(300, '{"k":', '}')), 299)).toBe(true);
    expect(jsonDepthExceeds(bytes(nested(300, '{"k":', '}')), 300)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const inString = `[${JSON.stringify('['.repeat(500))}]`;
    expect(jsonDepthExceeds(bytes(inString), 1)).toBe(false);
    // An escaped quote does not end the string; an escaped backslash before a quote does.
    expect(jsonDepthExceeds(bytes(`["\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]`), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes(`["\\\\", ${nested(40)}]`), 40)).toBe(true);
    expect(jsonDepthExceeds(bytes(`["\\\\", ${nested(40)}]`), 41)).toBe(false);
  });

  it('ignores brackets in multi-byte UTF-8 text and siblings that close before the next opens', () => {
    expect(jsonDepthExceeds(bytes(`["🎉[[[[", "é{{{{{"]`), 1)).toBe(false);
    const siblings = `[${Array.from({ length: 400 }, () => '[[1]]').join(',')}]`;
    expect(jsonDepthExceeds(bytes(siblings), 3)).toBe(false);
    expect(jsonDepthExceeds(bytes(siblings), 2)).toBe(true);
  });

  it('handles the depth that overflowed JSON.stringify (10,000 levels) without recursion', () => {
    expect(jsonDepthExceeds(bytes(nested(10_000)), DEFAULT_MAX_JSON_DEPTH)).toBe(true);
  });

  it('gives the same answer wherever the body starts in its buffer (word-at-a-time counting)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 5 }), (value, offset, limit) => {
        const text = bytes(JSON.stringify(value));
        // A pooled buffer: the body sits at any byte offset, with unrelated brackets around it.
        const pool = new Uint8Array(offset + text.length + 8).fill(0x5b);
        pool.set(text, offset);
        const body = pool.subarray(offset, offset + text.length);
        expect(jsonDepthExceeds(body, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it('counts every bracket exactly at every alignment: depth d exceeds d - 1 but not d', () => {
    for (let offset = 0; offset < 4; offset++) {
      for (let pad = 0; pad < 4; pad++) {
        for (let depth = 1; depth <= 40; depth++) {
          const text = bytes(' '.repeat(pad) + nested(depth, depth % 2 ? '[' : '{"a":', depth % 2 ? ']' : '}'));
          const pool = new Uint8Array(offset + text.length);
          pool.set(text, offset);
          const body = pool.subarray(offset);
          expect(jsonDepthExceeds(body, depth - 1), `offset ${offset} pad ${pad} depth ${depth}`).toBe(true);
          expect(jsonDepthExceeds(body, depth)).toBe(false);
        }
      }
    }
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonDepthExceeds(bytes(text), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the parsed depth for strings full of brackets, quotes and backslashes', () => {
    const tricky = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', 'é') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, tricky, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(tricky, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), (generated, limit) => {
        expect(jsonDepthExceeds(bytes(JSON.stringify(generated)), limit)).toBe(depthOf(generated) > limit);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseJsonBody()', () => {
  it('parses JSON within the limit', () => {
    expect(parseJsonBody(bytes('{"a":[1,{"b":null}]}'))).toEqual({ ok: true, value: { a: [1, { b: null }] } });
    const atLimit = parseJsonBody(bytes(nested(DEFAULT_MAX_JSON_DEPTH)));
    expect(atLimit.ok).toBe(true);
  });

  it('refuses a body nested deeper than the limit before parsing it', () => {
    expect(parseJsonBody(bytes(nested(DEFAULT_MAX_JSON_DEPTH + 1)))).toEqual({
      ok: false,
      reason: 'json_too_deep',
      message: `body nests arrays/objects deeper than ${DEFAULT_MAX_JSON_DEPTH} levels`,
    });
    expect(parseJsonBody(bytes('[[[]]]'), 2)).toMatchObject({ ok: false, reason: 'json_too_deep' });
  });

  it('reports invalid JSON, invalid UTF-8 and an empty body as invalid_json', () => {
    expect(parseJsonBody(bytes('{"a":'))).toEqual({ ok: false, reason: 'invalid_json', message: 'body is not valid JSON' });
    expect(parseJsonBody(new Uint8Array([0x22, 0xff, 0x22]))).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(parseJsonBody(new Uint8Array())).toEqual({ ok: false, reason: 'invalid_json', message: 'body is empty' });
  });

  it('applies the limit a handler set for that exact body, and the default to any other', () => {
    const deep = bytes(nested(400));
    const copy = bytes(nested(400));
    expect(parseJsonBody(deep).ok).toBe(false);
    setJsonDepthLimit(deep, 400);
    expect(jsonDepthLimitOf(deep)).toBe(400);
    expect(parseJsonBody(deep).ok).toBe(true);
    expect(parseJsonBody(copy).ok).toBe(false);
    setJsonDepthLimit(deep, 3);
    expect(parseJsonBody(deep)).toMatchObject({ ok: false, reason: 'json_too_deep' });
    setJsonDepthLimit(deep, DEFAULT_MAX_JSON_DEPTH);
    expect(jsonDepthLimitOf(deep)).toBe(DEFAULT_MAX_JSON_DEPTH);
  });
});

describe('serializePayload()', () => {
  it('is JSON.stringify for what it can serialise', () => {
    expect(serializePayload({ a: [1, 'x'], b: null })).toBe('{"a":[1,"x"],"b":null}');
    expect(serializePayload('text')).toBe('"text"');
  });

  it('is null for no payload and for what would throw: too deep, BigInt, cycles', () => {
    expect(serializePayload(null)).toBeNull();
    expect(serializePayload(undefined)).toBeNull();
    expect(serializePayload(JSON.parse(nested(20_000)))).toBeNull();
    expect(serializePayload({ amount: 10n })).toBeNull();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(serializePayload(cycle)).toBeNull();
    expect(serializePayload(() => 1)).toBeNull();
  });
});

describe('decodedTextOf()', () => {
  it('is the text parseJsonBody decoded, for that very body only', () => {
    const body = new TextEncoder().encode('{"a":"é"}');
    const copy = body.slice();
    parseJsonBody(body);
    expect(decodedTextOf(body)).toBe('{"a":"é"}');
    expect(decodedTextOf(copy)).toBeUndefined();
    parseJsonBody(copy);
    expect(decodedTextOf(body)).toBeUndefined();
  });

  it('leaves the stored form of any body unchanged (encodeStoredBody with and without it)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json().map((text) => new TextEncoder().encode(text)),
          fc.uint8Array({ maxLength: 64 }),
        ),
        fc.nat(80),
        (bytes, max) => {
          const fresh = encodeStoredBody(bytes.slice(), max);
          parseJsonBody(bytes);
          expect(encodeStoredBody(bytes, max)).toEqual(fresh);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('markPristine / pristineTextOf', () => {
  it("gives the body's text for the value parsed last, once marked, and nothing for any other value", () => {
    const text = '{ "a" : [1, 2] }';
    const parsed = parseJsonBody(new TextEncoder().encode(text));
    if (!parsed.ok) throw new Error('not parsed');
    expect(pristineTextOf(parsed.value)).toBeUndefined(); // not marked yet
    markPristine({ a: [1, 2] }); // an equal value that is not the parsed object: ignored
    expect(pristineTextOf(parsed.value)).toBeUndefined();
    markPristine(parsed.value);
    expect(pristineTextOf(parsed.value)).toBe(text);
    expect(pristineTextOf({ a: [1, 2] })).toBeUndefined();
    expect(pristineTextOf(undefined)).toBeUndefined();
  });

  it('never hands out a text for a value parsed before another body', () => {
    const first = parseJsonBody(new TextEncoder().encode('{"n":1}'));
    const second = parseJsonBody(new TextEncoder().encode('{"n":2}'));
    if (!first.ok || !second.ok) throw new Error('not parsed');
    markPristine(first.value); // no longer the last parse: ignored
    expect(pristineTextOf(first.value)).toBeUndefined();
    markPristine(second.value);
    expect(pristineTextOf(second.value)).toBe('{"n":2}');
    expect(pristineTextOf(first.value)).toBeUndefined();
  });
});

describe('markPristine under a raised depth limit', () => {
  it('is ignored for a body parsed under a limit above the default (it may be too deep to serialise again)', () => {
    const body = bytes(nested(300, '{"a":', '}', '1'));
    const parsed = parseJsonBody(body, 100_000);
    if (!parsed.ok) throw new Error('not parsed');
    markPristine(parsed.value);
    expect(pristineTextOf(parsed.value)).toBeUndefined();
    const shallow = parseJsonBody(body, DEFAULT_MAX_JSON_DEPTH + 100);
    if (!shallow.ok) throw new Error('not parsed');
    markPristine(shallow.value);
    expect(pristineTextOf(shallow.value)).toBeUndefined();
  });
});
