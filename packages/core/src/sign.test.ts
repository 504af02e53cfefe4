import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notify, NOW, SECRET, shop } from '../test/helpers.js';
import { KAT, KAT_BODY, KAT_BYTE_KEY_SHA256, KAT_TIMESTAMPED_SHA256, KAT_WEBHOOKS_B, KAT_WEBHOOKS_B_OPTIONS } from '../test/hmac-vectors.js';
import type { DigestEncoding } from './digest-encoding.js';
import { prepareSecrets } from './secrets.js';
import { signRequest } from './sign.js';
import { hmac, hmacWithTimestamp, type HmacAlgorithm, type VerificationStrategy } from './verify-hmac.js';

const ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
const ENCODINGS: readonly DigestEncoding[] = ['hex', 'base64', 'base64url'];
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('known-answer vectors (Python hmac)', () => {
  for (const algorithm of ALGORITHMS) {
    for (const encoding of ENCODINGS) {
      const expected = KAT[algorithm][encoding];
      it(`${algorithm} ${encoding}: sign produces it and verify accepts it`, () => {
        const strategy = hmac({ header: 'X-Sig', algorithm, encoding });
        expect(signRequest(strategy, { secret: 'whsec-test', body: KAT_BODY })['X-Sig']).toBe(expected);
        const result = strategy.verify({ method: 'POST', headers: { 'x-sig': expected }, rawBody: bytes(KAT_BODY) }, prepareSecrets('whsec-test'));
        expect(result.ok).toBe(true);
      });
    }
  }

  it('a byte key (not valid UTF-8 text) signs as the same bytes', () => {
    const key = Uint8Array.from({ length: 32 }, (_, index) => index);
    const strategy = hmac({ header: 'X-Sig' });
    expect(signRequest(strategy, { secret: key, body: KAT_BODY })['X-Sig']).toBe(KAT_BYTE_KEY_SHA256);
    const result = strategy.verify({ method: 'POST', headers: { 'x-sig': KAT_BYTE_KEY_SHA256 }, rawBody: bytes(KAT_BODY) }, prepareSecrets(key));
    expect(result.ok).toBe(true);
  });

  it('timestamped message `${ts}.${body}`', () => {
    const strategy = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts' });
    const headers = signRequest(strategy, { secret: 'whsec-test', body: KAT_BODY, timestamp: 1_732_550_400 });
    expect(headers).toEqual({ 'X-Ts': '1732550400', 'X-Sig': KAT_TIMESTAMPED_SHA256 });
  });

  it('Webhooks B: POST|X-Timestamp|body, sha512, base64, v1=', () => {
    const strategy = hmac(KAT_WEBHOOKS_B_OPTIONS);
    const body = '{"userActionNotificationEventType":"user.action"}';
    const headers = signRequest(strategy, { secret: 'whsec-test', body, headers: { 'X-Timestamp': '1732550400' } });
    expect(headers).toEqual({ 'X-Timestamp': '1732550400', 'X-Webhook-Signature': `v1=${KAT_WEBHOOKS_B}` });
  });
});

describe('signRequest()', () => {
  it('accepts a provider and uses its strategy', () => {
    const headers = signRequest(shop, { secret: SECRET, body: '{}' });
    expect(Object.keys(headers)).toEqual(['X-Shop-Signature']);
    expect(headers['X-Shop-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('stamps now (in the strategy unit) unless a timestamp is given; null omits it', () => {
    expect(signRequest(notify, { secret: SECRET, body: '{}', now: NOW })['X-Notify-Timestamp']).toBe(String(NOW / 1000));
    expect(signRequest(notify, { secret: SECRET, body: '{}', timestamp: 42 })['X-Notify-Timestamp']).toBe('42');
    expect(signRequest(notify, { secret: SECRET, body: '{}', timestamp: null })).not.toHaveProperty('X-Notify-Timestamp');
    const ms = hmacWithTimestamp({ header: 'S', timestampHeader: 'T', timestampUnit: 'ms' });
    expect(signRequest(ms, { secret: SECRET, body: '{}', now: NOW }).T).toBe(String(NOW));
  });

  it('keeps the other headers it was given and signs what the template reads from them', () => {
    const strategy = hmac({ header: 'X-Sig', message: '{$method} {$request.path} {$request.header.x-tenant} {$request.body}' });
    const headers = signRequest(strategy, { secret: SECRET, body: 'b', method: 'PUT', path: '/p', headers: { 'X-Tenant': 't1' } });
    expect(headers['X-Tenant']).toBe('t1');
    const ok = strategy.verify({ method: 'PUT', path: '/p', headers, rawBody: bytes('b') }, prepareSecrets(SECRET));
    expect(ok.ok).toBe(true);
    const otherMethod = strategy.verify({ method: 'POST', path: '/p', headers, rawBody: bytes('b') }, prepareSecrets(SECRET));
    expect(otherMethod).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('rejects an empty secret like the handler does', () => {
    expect(() => signRequest(shop, { secret: '', body: '{}' })).toThrow(/empty/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests: sign → verify round-trips, and every single-byte change is caught.

const strategyArbitrary: fc.Arbitrary<{ strategy: VerificationStrategy; timed: boolean }> = fc
  .record({
    algorithm: fc.constantFrom(...ALGORITHMS),
    encoding: fc.constantFrom(...ENCODINGS),
    signature: fc.constantFrom('{digest}', 'v1={digest}', 'sha256={digest}', '{digest}.sig'),
    template: fc.constantFrom('{$request.body}', '{$method}|{$request.header.X-Extra}|{$request.body}', '{$request.path}:{$request.body}'),
    timed: fc.boolean(),
  })
  .map(({ algorithm, encoding, signature, template, timed }) => ({
    timed,
    strategy: timed
      ? hmacWithTimestamp({
          header: 'X-Sig',
          timestampHeader: 'X-Ts',
          algorithm,
          encoding,
          signature,
          message: `{$timestamp}.${template}`,
        })
      : hmac({ header: 'X-Sig', algorithm, encoding, signature, message: template }),
  }));

const secretArbitrary = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: 80 }));
const bodyArbitrary = fc.uint8Array({ maxLength: 300 });
const PROPERTY_RUNS = { numRuns: 150 };

describe('property: sign → verify', () => {
  it('round-trips for random bodies, secrets, algorithms, encodings and templates', () => {
    fc.assert(
      fc.property(strategyArbitrary, secretArbitrary, bodyArbitrary, fc.string({ maxLength: 20 }), ({ strategy }, secret, body, extra) => {
        const headers = signRequest(strategy, { secret, body, path: '/in', headers: { 'X-Extra': extra }, now: NOW });
        const result = strategy.verify({ method: 'POST', path: '/in', headers, rawBody: body }, prepareSecrets(secret), NOW);
        expect(result.ok).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('finds the signing secret among several (rotation) and reports its index', () => {
    fc.assert(
      fc.property(
        strategyArbitrary,
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        bodyArbitrary,
        ({ strategy }, secrets, pick, body) => {
          const index = pick % secrets.length;
          const headers = signRequest(strategy, { secret: secrets[index]!, body, path: '/in', headers: { 'X-Extra': '' }, now: NOW });
          const result = strategy.verify({ method: 'POST', path: '/in', headers, rawBody: body }, prepareSecrets(secrets), NOW);
          expect(result).toMatchObject({ ok: true, secretIndex: index });
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('any single-byte change of the body fails with signature_mismatch', () => {
    fc.assert(
      fc.property(
        strategyArbitrary,
        secretArbitrary,
        bodyArbitrary.filter((b) => b.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        ({ strategy }, secret, body, at, delta) => {
          const headers = signRequest(strategy, { secret, body, path: '/in', headers: { 'X-Extra': 'x' }, now: NOW });
          const changed = Uint8Array.from(body);
          const index = at % changed.length;
          changed[index] = (changed[index]! + delta) & 0xff;
          const result = strategy.verify({ method: 'POST', path: '/in', headers, rawBody: changed }, prepareSecrets(secret), NOW);
          expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('any single-character change of the signature header fails (mismatch or malformed, never ok)', () => {
    fc.assert(
      fc.property(strategyArbitrary, secretArbitrary, bodyArbitrary, fc.nat(), fc.integer({ min: 1, max: 126 }), ({ strategy }, secret, body, at, delta) => {
        const headers = signRequest(strategy, { secret, body, path: '/in', headers: { 'X-Extra': 'x' }, now: NOW });
        const signature = headers['X-Sig']!;
        const index = at % signature.length;
        // Shift within printable ASCII so the header stays a legal value.
        const code = 33 + ((signature.charCodeAt(index) - 33 + delta) % 94);
        const tampered = signature.slice(0, index) + String.fromCharCode(code) + signature.slice(index + 1);
        fc.pre(tampered !== signature && !equivalentHex(strategy, signature, tampered));
        const result = strategy.verify({ method: 'POST', path: '/in', headers: { ...headers, 'X-Sig': tampered }, rawBody: body }, prepareSecrets(secret), NOW);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(['signature_mismatch', 'malformed_signature']).toContain(result.reason);
      }),
      PROPERTY_RUNS,
    );
  });

  it('any change of the timestamp fails (mismatch inside the window, a timestamp reason outside it)', () => {
    const timed = strategyArbitrary.filter((s) => s.timed);
    fc.assert(
      fc.property(
        timed,
        secretArbitrary,
        bodyArbitrary,
        fc.integer({ min: -600, max: 600 }).filter((d) => d !== 0),
        ({ strategy }, secret, body, delta) => {
          const headers = signRequest(strategy, { secret, body, path: '/in', headers: { 'X-Extra': 'x' }, now: NOW });
          const moved = String(Number(headers['X-Ts']) + delta);
          const result = strategy.verify({ method: 'POST', path: '/in', headers: { ...headers, 'X-Ts': moved }, rawBody: body }, prepareSecrets(secret), NOW);
          expect(result.ok).toBe(false);
          const expected = Math.abs(delta) <= 300 ? 'signature_mismatch' : delta < 0 ? 'timestamp_too_old' : 'timestamp_in_future';
          if (!result.ok) expect(result.reason).toBe(expected);
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('any single-byte change of the secret fails with signature_mismatch', () => {
    fc.assert(
      fc.property(
        strategyArbitrary,
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        bodyArbitrary,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        ({ strategy }, secret, body, at, delta) => {
          const headers = signRequest(strategy, { secret, body, path: '/in', headers: { 'X-Extra': 'x' }, now: NOW });
          const other = Uint8Array.from(secret);
          const index = at % other.length;
          other[index] = (other[index]! + delta) & 0xff;
          fc.pre(!hmacEquivalentKeys(strategy, secret, other));
          const result = strategy.verify({ method: 'POST', path: '/in', headers, rawBody: body }, prepareSecrets(other), NOW);
          expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('the signed bytes are exactly the body: same text, other bytes (e.g. re-serialised) fails', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { minKeys: 1, maxKeys: 4 }), (object) => {
        const strategy = hmac({ header: 'X-Sig' });
        const compact = JSON.stringify(object);
        const pretty = JSON.stringify(object, null, 2);
        const headers = signRequest(strategy, { secret: SECRET, body: compact });
        expect(strategy.verify({ method: 'POST', headers, rawBody: bytes(pretty) }, prepareSecrets(SECRET)).ok).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe('property: the signed bytes are the UTF-8 of each piece, concatenated', () => {
  // Any UTF-16 code units, lone surrogates included: each piece is encoded on its own, so a high
  // surrogate ending one piece and a low surrogate starting the next are two replacement
  // characters, not one code point (this guards the text-joining fast path in the HMAC).
  const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 6 }).map((codes) => String.fromCharCode(...codes));

  it('matches an HMAC computed independently over the concatenated pieces', () => {
    const strategy = hmac({ header: 'X-Sig', message: '{$method}{$request.path}{$request.body#/a}{$request.body#/b}{$request.body}' });
    fc.assert(
      fc.property(units, units, units, units, bodyArbitrary, (method, path, a, b, tail) => {
        const json = Buffer.from(JSON.stringify({ a, b }), 'utf8');
        const body = Buffer.concat([json, Buffer.from(tail)]);
        // A tail usually breaks the JSON (pointers then sign as ''); whitespace keeps it valid.
        const parsed = isJson(body);
        const pieces = [method, path, parsed ? a : '', parsed ? b : ''].map((piece) => Buffer.from(piece, 'utf8'));
        const expected = createHmac('sha256', SECRET)
          .update(Buffer.concat([...pieces, body]))
          .digest('hex');
        expect(signRequest(strategy, { secret: SECRET, body, method, path })['X-Sig']).toBe(expected);
      }),
      PROPERTY_RUNS,
    );
  });
});

function isJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder().decode(bytes));
    return true;
  } catch {
    return false;
  }
}

/** Hex is case-insensitive, so a tampered letter that only changed case is the same digest. */
function equivalentHex(strategy: VerificationStrategy, a: string, b: string): boolean {
  return strategy.encoding === 'hex' && a.toLowerCase() === b.toLowerCase();
}

/**
 * HMAC pads keys shorter than the block with zeros, so a key and the same key with trailing
 * zero bytes are the same key. A single-byte change can only produce that when it turns a
 * trailing byte into 0 or a trailing 0 into something else at the end of the key — exclude those.
 */
function hmacEquivalentKeys(strategy: VerificationStrategy, a: Uint8Array, b: Uint8Array): boolean {
  const block = strategy.algorithm === 'sha512' ? 128 : 64;
  if (a.length > block || b.length > block) return false;
  const trim = (key: Uint8Array): string =>
    Buffer.from(key)
      .toString('hex')
      .replace(/(00)+$/, '');
  return trim(a) === trim(b);
}
