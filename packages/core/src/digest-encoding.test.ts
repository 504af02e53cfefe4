import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDigest, encodeDigest, type DigestEncoding } from './digest-encoding.js';

const digest = Buffer.from('ab'.repeat(32), 'hex'); // 32 bytes, like SHA-256

describe('decodeDigest()', () => {
  it('hex: either case, exact length', () => {
    expect(decodeDigest('ab'.repeat(32), 'hex', 32)).toEqual(digest);
    expect(decodeDigest('AB'.repeat(32), 'hex', 32)).toEqual(digest);
    expect(decodeDigest('aB'.repeat(32), 'hex', 32)).toEqual(digest);
    expect(decodeDigest('ab'.repeat(31), 'hex', 32)).toBeNull();
    expect(decodeDigest(`${'ab'.repeat(32)}0`, 'hex', 32)).toBeNull();
    expect(decodeDigest(`${'ab'.repeat(31)}g0`, 'hex', 32)).toBeNull();
    expect(decodeDigest(` ${'ab'.repeat(31)}a`, 'hex', 32)).toBeNull();
  });

  it('base64: padded and canonical only', () => {
    const b64 = digest.toString('base64');
    expect(b64).toHaveLength(44);
    expect(decodeDigest(b64, 'base64', 32)).toEqual(digest);
    expect(decodeDigest(b64.slice(0, -1), 'base64', 32)).toBeNull(); // unpadded
    expect(decodeDigest(`${b64.slice(0, -2)}==`, 'base64', 32)).toBeNull(); // wrong padding
    // Non-zero pad bits decode to the same bytes in lenient decoders but are not canonical.
    const lastChar = b64.at(-2)!;
    const sibling = String.fromCharCode(lastChar.charCodeAt(0) + 1);
    expect(decodeDigest(`${b64.slice(0, -2)}${sibling}=`, 'base64', 32)).toBeNull();
    expect(decodeDigest(digest.toString('base64url'), 'base64', 32)).toBeNull();
    expect(decodeDigest(`${b64.slice(0, 10)} ${b64.slice(11)}`, 'base64', 32)).toBeNull();
    expect(decodeDigest(`${b64.slice(0, 10)}=${b64.slice(11)}`, 'base64', 32)).toBeNull();
  });

  it('base64: the URL alphabet is refused even when the length fits', () => {
    const withSlash = Buffer.from('fb'.repeat(32), 'hex');
    const b64 = withSlash.toString('base64');
    expect(b64).toMatch(/[+/]/);
    expect(decodeDigest(b64, 'base64', 32)).toEqual(withSlash);
    expect(decodeDigest(b64.replaceAll('+', '-').replaceAll('/', '_'), 'base64', 32)).toBeNull();
  });

  it('base64url: unpadded, URL alphabet only', () => {
    const withSlash = Buffer.from('fb'.repeat(32), 'hex');
    const url = withSlash.toString('base64url');
    expect(url).toHaveLength(43);
    expect(decodeDigest(url, 'base64url', 32)).toEqual(withSlash);
    expect(decodeDigest(`${url}=`, 'base64url', 32)).toBeNull();
    expect(decodeDigest(withSlash.toString('base64').slice(0, 43), 'base64url', 32)).toBeNull();
  });

  it('lengths for sha1 (20), sha256 (32) and sha512 (64) bytes', () => {
    for (const size of [20, 32, 64]) {
      const bytes = Buffer.alloc(size, 7);
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        expect(decodeDigest(bytes.toString(encoding), encoding, size), `${size} ${encoding}`).toEqual(bytes);
        const other = size === 32 ? 20 : 32;
        expect(decodeDigest(bytes.toString(encoding), encoding, other)).toBeNull();
      }
    }
  });

  it('property: decode(encode(bytes)) is the bytes for every encoding', () => {
    fc.assert(
      fc.property(fc.constantFrom(20, 32, 64), fc.constantFrom<DigestEncoding>('hex', 'base64', 'base64url'), fc.nat(), (size, encoding, seed) => {
        const bytes = Buffer.alloc(size);
        for (let i = 0; i < size; i++) bytes[i] = (seed * 31 + i * 17) & 0xff;
        expect(decodeDigest(encodeDigest(bytes, encoding), encoding, size)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
  });
});

describe('encodeDigest()', () => {
  it('hex lower-case, base64 padded, base64url unpadded', () => {
    expect(encodeDigest(Uint8Array.from([0xff, 0xfe]), 'hex')).toBe('fffe');
    expect(encodeDigest(Uint8Array.from([0xff]), 'base64')).toBe('/w==');
    expect(encodeDigest(Uint8Array.from([0xff]), 'base64url')).toBe('_w');
  });

  it('encodes only the view of a subarray, not its whole buffer', () => {
    const backing = Uint8Array.from([1, 2, 3, 4]);
    expect(encodeDigest(backing.subarray(1, 3), 'hex')).toBe('0203');
  });
});
