// bytes.ts has two paths chosen at load: Node's Buffer, and plain JavaScript for runtimes without
// it (Workers, the Next.js Edge runtime). The second is loaded here with Buffer hidden and held
// to the same results as Buffer.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Bytes = typeof import('./bytes.js');
let portable: Bytes;
let native: Bytes;

beforeAll(async () => {
  native = await import('./bytes.js');
  vi.resetModules();
  vi.stubGlobal('Buffer', undefined);
  portable = await import('./bytes.js');
  vi.unstubAllGlobals();
});

afterAll(() => vi.unstubAllGlobals());

/** Text with multi-byte characters and lone surrogates (which UTF-8 encodes as U+FFFD). */
const text = () => fc.oneof(fc.string(), fc.constantFrom('é✓😀', '\ud83d', '\ude00x', 'a\ud83d\ude00b'));

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

describe('bytes.ts without Buffer', () => {
  it('is really the other module instance', () => {
    expect(portable).not.toBe(native);
  });

  it('base64 and base64url of any bytes match Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(portable.base64Of(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(portable.base64Of(bytes, true)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 200 },
    );
  });

  it('decodes what it encodes, padded or not, in either alphabet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const expected = hex(bytes);
        expect(hex(portable.bytesOfBase64(Buffer.from(bytes).toString('base64')))).toBe(expected);
        expect(hex(portable.bytesOfBase64(Buffer.from(bytes).toString('base64url')))).toBe(expected);
        expect(hex(portable.bytesOfBase64(Buffer.from(bytes).toString('base64').replace(/=+$/, '')))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('hex, UTF-8 and concatenation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), text(), (bytes, text) => {
        expect(portable.hexOf(bytes)).toBe(Buffer.from(bytes).toString('hex'));
        expect(hex(portable.utf8Bytes(text))).toBe(Buffer.from(text, 'utf8').toString('hex'));
        expect(portable.utf8Text(portable.utf8Bytes(text))).toBe(Buffer.from(text, 'utf8').toString('utf8'));
        const joined = portable.concatBytes([bytes, portable.utf8Bytes(text), bytes], bytes.length * 2 + Buffer.byteLength(text));
        expect(hex(joined)).toBe(Buffer.concat([bytes, Buffer.from(text), bytes]).toString('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('counts and writes UTF-8 at offsets like Buffer, on both paths', () => {
    fc.assert(
      fc.property(text(), fc.nat(8), (text, offset) => {
        for (const bytes of [portable, native]) {
          const length = bytes.utf8Length(text);
          expect(length).toBe(Buffer.byteLength(text, 'utf8'));
          const buffer = bytes.textBuffer(offset + length + 2);
          expect(buffer.write(text, offset)).toBe(length);
          expect(hex(buffer.bytes.subarray(offset, offset + length))).toBe(Buffer.from(text, 'utf8').toString('hex'));
          // Nothing written outside the text's own bytes.
          expect([...buffer.bytes.subarray(0, offset), ...buffer.bytes.subarray(offset + length)].every((byte) => byte === 0)).toBe(true);
          expect(buffer.read(offset, offset + length)).toBe(Buffer.from(text, 'utf8').toString('utf8'));
        }
      }),
      { numRuns: 300 },
    );
  });
});
