import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookgateError } from './errors.js';
import { compileSignatureFormat, MAX_SIGNATURE_ENTRIES, type SignatureFormat } from './signature-header.js';

const HEX = 'ab'.repeat(32);
const HEX2 = 'cd'.repeat(32);
const B64 = Buffer.alloc(32, 7).toString('base64');
const B64_2 = Buffer.alloc(32, 9).toString('base64');

describe('key-value format (Stripe: t=…,v1=…)', () => {
  const codec = compileSignatureFormat({ type: 'key-value', signatureKey: 'v1', timestampKey: 't' }, 'hex', 32);

  it('reads the timestamp and every v1 signature, ignoring v0 and unknown keys', () => {
    expect(codec.read(`t=1732550400,v1=${HEX},v0=${HEX2},v1=${HEX2},x=y`)).toEqual({
      ok: true,
      candidates: [HEX, HEX2],
      timestamp: '1732550400',
    });
  });

  it('keys match exactly: v10, V1, v and " v1" are no signatures; t1 is no timestamp', () => {
    expect(codec.read(`v10=${HEX},V1=${HEX},v=${HEX}, v1=${HEX},t1=5`)).toEqual({ ok: true, candidates: [], timestamp: undefined });
  });

  it('only well-formed digests are candidates (wrong length, not hex, empty)', () => {
    expect(codec.read(`t=1,v1=${HEX.slice(2)},v1=${'zz'.repeat(32)},v1=,v1=${HEX}`)).toEqual({ ok: true, candidates: [HEX], timestamp: '1' });
  });

  it('the value is everything after the first = (a base64 digest keeps its padding)', () => {
    const b64 = compileSignatureFormat({ type: 'key-value', signatureKey: 'v1' }, 'base64', 32);
    expect(b64.read(`v1=${B64}`)).toEqual({ ok: true, candidates: [B64], timestamp: undefined });
  });

  it('two timestamp entries are refused (the signed message would be ambiguous)', () => {
    const result = codec.read(`t=1,t=2,v1=${HEX}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('t=');
  });

  it('a bare timestamp key (no =) counts as a timestamp entry with no value, as Stripe reads it', () => {
    expect(codec.read(`t=1,v1=${HEX},t`)).toMatchObject({ ok: false });
    expect(codec.read(`t,v1=${HEX}`)).toEqual({ ok: true, candidates: [HEX], timestamp: '' });
    // Only the exact key: `tt` or `v1` alone are other entries.
    expect(codec.read(`t=1,tt,v1,v1=${HEX}`)).toEqual({ ok: true, candidates: [HEX], timestamp: '1' });
  });

  it('the separator is configurable', () => {
    const semicolon = compileSignatureFormat({ type: 'key-value', signatureKey: 'sig', timestampKey: 'ts', separator: '; ' }, 'hex', 32);
    expect(semicolon.read(`ts=9; sig=${HEX}`)).toEqual({ ok: true, candidates: [HEX], timestamp: '9' });
    // With "; " as separator, a bare "," does not split.
    expect(semicolon.read(`ts=9,sig=${HEX}`)).toMatchObject({ ok: true, candidates: [] });
    expect(semicolon.write([HEX, HEX2], '9')).toBe(`ts=9; sig=${HEX}; sig=${HEX2}`);
  });

  it('writes timestamp first, then one entry per digest; reads back what it writes', () => {
    const header = codec.write([HEX, HEX2], '1732550400');
    expect(header).toBe(`t=1732550400,v1=${HEX},v1=${HEX2}`);
    expect(codec.read(header)).toEqual({ ok: true, candidates: [HEX, HEX2], timestamp: '1732550400' });
    expect(codec.description).toBe('t={timestamp},v1={digest}');
  });

  it(`reads at most ${MAX_SIGNATURE_ENTRIES} entries: exactly that many pass, one more is refused`, () => {
    const entries = (count: number) => Array.from({ length: count }, (_, i) => (i === 0 ? 't=1' : `v0=${HEX}`));
    expect(codec.read(entries(MAX_SIGNATURE_ENTRIES).join(',')).ok).toBe(true);
    const result = codec.read(entries(MAX_SIGNATURE_ENTRIES + 1).join(','));
    expect(result).toEqual({ ok: false, message: `the signature header has more than ${MAX_SIGNATURE_ENTRIES} entries` });
  });

  it('a hostile header (a million separators) is refused after a bounded scan', () => {
    expect(codec.read(','.repeat(1_000_000)).ok).toBe(false);
    expect(codec.read(`v1=${'a'.repeat(1_000_000)}`)).toEqual({ ok: true, candidates: [], timestamp: undefined });
    // Entries without `=` before a long tail: each entry is judged by its own first characters only.
    expect(codec.read(`${'a,'.repeat(MAX_SIGNATURE_ENTRIES - 1)}${'a'.repeat(1_000_000)}`)).toEqual({ ok: true, candidates: [], timestamp: undefined });
  });
});

describe('versioned format (Standard Webhooks: v1,<base64> …)', () => {
  const codec = compileSignatureFormat({ type: 'versioned', version: 'v1' }, 'base64', 32);

  it('reads every v1 entry of a space-separated list', () => {
    expect(codec.read(`v1,${B64} v1,${B64_2}`)).toEqual({ ok: true, candidates: [B64, B64_2], timestamp: undefined });
  });

  it('refuses what the official library refuses: a bare digest, v1a, v2, V1 and "v1 ," are no candidates', () => {
    for (const header of [B64, `v1a,${B64}`, `v2,${B64}`, `V1,${B64}`, `v1 ,${B64}`, `v1;${B64}`, `,${B64}`]) {
      expect(codec.read(header), header).toEqual({ ok: true, candidates: [], timestamp: undefined });
    }
  });

  it('the list separator is a single space: extra spaces are empty entries, tabs do not split', () => {
    expect(codec.read(`  v1,${B64}   v1,${B64_2} `)).toMatchObject({ candidates: [B64, B64_2] });
    expect(codec.read(`v1,${B64}\tv1,${B64_2}`)).toMatchObject({ candidates: [] });
  });

  it('writes one entry per digest and reads it back', () => {
    expect(codec.write([B64, B64_2], undefined)).toBe(`v1,${B64} v1,${B64_2}`);
    expect(codec.read(codec.write([B64], undefined))).toMatchObject({ candidates: [B64] });
    expect(codec.description).toBe('v1,{digest}');
  });

  it(`refuses more than ${MAX_SIGNATURE_ENTRIES} entries`, () => {
    expect(codec.read(Array(MAX_SIGNATURE_ENTRIES).fill(`v1,${B64}`).join(' ')).ok).toBe(true);
    expect(
      codec.read(
        Array(MAX_SIGNATURE_ENTRIES + 1)
          .fill(`v1,${B64}`)
          .join(' '),
      ).ok,
    ).toBe(false);
    expect(codec.read(' '.repeat(1_000_000)).ok).toBe(false);
  });
});

describe('template format (prefix{digest}suffix, today)', () => {
  const codec = compileSignatureFormat('sha256={digest}', 'hex', 32);

  it('reads whitespace- or comma-separated values with the prefix', () => {
    expect(codec.read(`sha256=${HEX}, sha256=${HEX2}\tjunk`)).toEqual({ ok: true, candidates: [HEX, HEX2], timestamp: undefined });
    expect(codec.write([HEX, HEX2], undefined)).toBe(`sha256=${HEX} sha256=${HEX2}`);
  });

  it(`refuses more than ${MAX_SIGNATURE_ENTRIES} values`, () => {
    expect(codec.read(Array(MAX_SIGNATURE_ENTRIES).fill(`sha256=${HEX}`).join(' ')).ok).toBe(true);
    expect(
      codec.read(
        Array(MAX_SIGNATURE_ENTRIES + 1)
          .fill(`sha256=${HEX}`)
          .join(' '),
      ).ok,
    ).toBe(false);
    expect(codec.read('x '.repeat(500_000)).ok).toBe(false);
  });

  it('a value shorter than prefix + suffix is no candidate (overlapping prefix and suffix)', () => {
    const wrapped = compileSignatureFormat('ab{digest}ba', 'hex', 1);
    expect(wrapped.read('aba')).toMatchObject({ candidates: [] });
    expect(wrapped.read('ab00ba')).toMatchObject({ candidates: ['00'] });
  });
});

describe('configuration errors', () => {
  const bad: Array<[string, SignatureFormat]> = [
    ['separator a letter', { type: 'key-value', signatureKey: 'v1', separator: 'x' }],
    ['separator =', { type: 'key-value', signatureKey: 'v1', separator: '=' }],
    ['empty separator', { type: 'key-value', signatureKey: 'v1', separator: '' }],
    ['empty signatureKey', { type: 'key-value', signatureKey: '' }],
    ['signatureKey with =', { type: 'key-value', signatureKey: 'v=1' }],
    ['signatureKey with the separator', { type: 'key-value', signatureKey: 'v,1' }],
    ['signatureKey with a space', { type: 'key-value', signatureKey: 'v 1' }],
    ['timestampKey equal to signatureKey', { type: 'key-value', signatureKey: 'v1', timestampKey: 'v1' }],
    ['empty timestampKey', { type: 'key-value', signatureKey: 'v1', timestampKey: '' }],
    ['empty version', { type: 'versioned', version: '' }],
    ['version with a comma', { type: 'versioned', version: 'v1,' }],
    ['version with a space', { type: 'versioned', version: 'v 1' }],
    ['unknown type', { type: 'jwt' } as unknown as SignatureFormat],
    ['null', null as unknown as SignatureFormat],
    ['template without {digest}', 'v1='],
  ];
  it.each(bad)('%s → invalid_config', (_name, format) => {
    expect(() => compileSignatureFormat(format, 'hex', 32)).toThrow(HookgateError);
    try {
      compileSignatureFormat(format, 'hex', 32);
    } catch (error) {
      expect((error as HookgateError).code).toBe('invalid_config');
    }
  });
});

describe('property: read() never throws and candidates are always canonical digests', () => {
  const formats: SignatureFormat[] = [
    { type: 'key-value', signatureKey: 'v1', timestampKey: 't' },
    { type: 'key-value', signatureKey: 'v1', separator: ';' },
    { type: 'versioned', version: 'v1' },
    'v1={digest}',
  ];
  const piece = fc.oneof(fc.constantFrom('t=', 'v1=', 'v1,', 'v0=', ',', ' ', ';', '=', HEX, B64, '\t'), fc.string({ maxLength: 6 }));
  it('for any header built of plausible pieces', () => {
    fc.assert(
      fc.property(fc.nat(formats.length - 1), fc.constantFrom('hex', 'base64'), fc.array(piece, { maxLength: 40 }), (index, encoding, pieces) => {
        const codec = compileSignatureFormat(formats[index]!, encoding, 32);
        const result = codec.read(pieces.join(''));
        if (result.ok) for (const candidate of result.candidates) expect(candidate.length).toBe(encoding === 'hex' ? 64 : 44);
      }),
      { numRuns: 500 },
    );
  });
});
