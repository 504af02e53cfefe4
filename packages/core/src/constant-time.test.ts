import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './constant-time.js';
import { canonicalDigest, decodeDigest } from './digest-encoding.js';

describe('constantTimeEqual', () => {
  it('is true for equal strings and false for any single-character difference', () => {
    const hex = randomBytes(32).toString('hex');
    expect(constantTimeEqual(hex, hex)).toBe(true);
    for (let index = 0; index < hex.length; index++) {
      const flipped = hex.slice(0, index) + (hex[index] === '0' ? '1' : '0') + hex.slice(index + 1);
      expect(constantTimeEqual(hex, flipped)).toBe(false);
    }
  });

  it('is false for different lengths, including a prefix', () => {
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('agrees with === on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });

  it('visits every character: no early exit on the first difference', () => {
    // Count charCodeAt calls on a string whose first character differs: a short-circuiting
    // comparison would stop after one.
    const given = 'x'.repeat(64);
    let reads = 0;
    const probe = new Proxy(new String('y'.repeat(64)), {
      get(target, property) {
        if (property === 'charCodeAt') {
          return (index: number) => {
            reads++;
            return target.charCodeAt(index);
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as unknown as string;
    expect(constantTimeEqual(probe, given)).toBe(false);
    expect(reads).toBe(64);
  });
});

describe('canonicalDigest', () => {
  it('lower-cases hex so either case matches the expected lower-case digest', () => {
    const digest = randomBytes(32);
    expect(canonicalDigest(digest.toString('hex').toUpperCase(), 'hex', 32)).toBe(digest.toString('hex'));
  });

  it('accepts exactly what decodeDigest accepts, in every encoding', () => {
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      const digest = randomBytes(64);
      const text = digest.toString(encoding);
      expect(canonicalDigest(text, encoding, 64)).toBe(encoding === 'hex' ? text.toLowerCase() : text);
      expect(canonicalDigest(`${text} `, encoding, 64)).toBeNull();
      expect(canonicalDigest(text.slice(1), encoding, 64)).toBeNull();
    }
    // base64 without its padding, and with non-zero pad bits, are not canonical.
    const padded = randomBytes(32).toString('base64');
    expect(canonicalDigest(padded.replace(/=+$/, ''), 'base64', 32)).toBeNull();
    expect(canonicalDigest(`${padded.slice(0, 42)}B=`, 'base64', 32)).toBeNull();
  });
});

describe('canonicalDigest agrees with decodeDigest', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=';
  it('accepts exactly the strings decodeDigest accepts (random near-canonical strings, every length class)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 20, 31, 32, 33, 64),
        fc.constantFrom('base64', 'base64url') as fc.Arbitrary<'base64' | 'base64url'>,
        fc.integer({ min: -2, max: 2 }),
        fc.array(fc.constantFrom(...alphabet), { maxLength: 100 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.nat(),
        (byteLength, encoding, lengthDelta, noise, bytes, where) => {
          // Start from a canonical encoding and disturb it: swap one character, or change the length.
          const canonical = Buffer.from(bytes.subarray(0, byteLength)).toString(encoding);
          const chars = [...canonical];
          if (noise.length > 0) chars[where % chars.length] = noise[where % noise.length]!;
          let text = chars.join('');
          if (lengthDelta > 0) text += noise.slice(0, lengthDelta).join('');
          if (lengthDelta < 0) text = text.slice(0, lengthDelta);
          const expected = decodeDigest(text, encoding, byteLength) === null ? null : text;
          expect(canonicalDigest(text, encoding, byteLength)).toBe(expected);
          expect(canonicalDigest(canonical, encoding, byteLength)).toBe(canonical);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('verification after the constant-time text comparison', () => {
  it('hashes text chunks exactly as separate updates would, even around a split surrogate pair', async () => {
    const { createHmac } = await import('node:crypto');
    const { hmac } = await import('./verify-hmac.js');
    const { prepareSecrets } = await import('./secrets.js');
    const strategy = hmac({ header: 'X-Sig', message: '{$request.header.X-A}{$request.header.X-B}.{$request.body}' });
    const body = new TextEncoder().encode('{"a":1}');
    // A lone high surrogate then a lone low surrogate: joined they would be one code point.
    const a = 'ts\uD83D';
    const b = '\uDE00!';
    const separate = createHmac('sha256', 'k').update(a).update(b).update('.').update(body).digest('hex');
    const joined = createHmac('sha256', 'k')
      .update(a + b + '.')
      .update(body)
      .digest('hex');
    expect(separate).not.toBe(joined);
    const verify = (signature: string) =>
      strategy.verify({ method: 'POST', headers: { 'x-sig': signature, 'x-a': a, 'x-b': b }, rawBody: body }, prepareSecrets('k'));
    expect(verify(separate).ok).toBe(true);
    expect(verify(separate.toUpperCase()).ok).toBe(true);
    expect(verify(joined)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });
});
