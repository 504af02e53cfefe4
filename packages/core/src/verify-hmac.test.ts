import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { request } from '../test/helpers.js';
import { HookgateError } from './errors.js';
import type { WebhookRequest } from './request.js';
import { prepareSecrets } from './secrets.js';
import { hmac, hmacWithTimestamp, type HmacAlgorithm, type VerificationResult } from './verify-hmac.js';

const SECRET = 'whsec-test';
const keys = prepareSecrets(SECRET);
const BODY = '{"id":"evt_1"}';
const NOW_S = 1_732_550_400;
const NOW_MS = NOW_S * 1000;

function digest(message: string, algorithm: HmacAlgorithm = 'sha256', secret = SECRET): Buffer {
  return createHmac(algorithm, secret).update(message).digest();
}

function reason(result: VerificationResult): string {
  return result.ok ? 'ok' : result.reason;
}

describe('hmac(): reason codes', () => {
  const strategy = hmac({ header: 'X-Sig' });
  const good = digest(BODY).toString('hex');

  it('passes a correct signature and reports secret 0 and the signed message', () => {
    const result = strategy.verify(request({ 'x-sig': good }, BODY), keys);
    expect(result).toMatchObject({ ok: true, secretIndex: 0 });
    if (result.ok) expect(Buffer.concat(result.signedMessage.map((c) => Buffer.from(c))).toString()).toBe(BODY);
  });

  it('missing_signature: header absent', () => {
    expect(reason(strategy.verify(request({}, BODY), keys))).toBe('missing_signature');
  });

  it('missing_signature: an empty header counts as absent', () => {
    expect(reason(strategy.verify(request({ 'x-sig': '' }, BODY), keys))).toBe('missing_signature');
  });

  it('malformed_signature: not hex, wrong length, whitespace only', () => {
    for (const value of ['zz'.repeat(32), good.slice(2), `${good}00`, 'nothex', '   ', ',']) {
      expect(reason(strategy.verify(request({ 'x-sig': value }, BODY), keys)), value).toBe('malformed_signature');
    }
  });

  it('signature_mismatch: well-formed but wrong digest', () => {
    const wrong = digest(`${BODY} `).toString('hex');
    expect(reason(strategy.verify(request({ 'x-sig': wrong }, BODY), keys))).toBe('signature_mismatch');
  });

  it('missing_header: a header the template needs is absent (missingHeader fail, the default)', () => {
    const strict = hmac({ header: 'X-Sig', message: '{$request.header.X-Ts}|{$request.body}' });
    const result = strict.verify(request({ 'x-sig': digest(`|${BODY}`).toString('hex') }, BODY), keys);
    expect(result).toMatchObject({ ok: false, reason: 'missing_header' });
    if (!result.ok) expect(result.message).toContain('X-Ts');
  });

  it("missingHeader 'empty' signs an absent header as the empty string", () => {
    const lenient = hmac({ header: 'X-Sig', message: '{$request.header.X-Ts}|{$request.body}', missingHeader: 'empty' });
    expect(lenient.verify(request({ 'x-sig': digest(`|${BODY}`).toString('hex') }, BODY), keys).ok).toBe(true);
  });

  it('missing_signature is reported before missing_header', () => {
    const strict = hmac({ header: 'X-Sig', message: '{$request.header.X-Ts}|{$request.body}' });
    expect(reason(strict.verify(request({}, BODY), keys))).toBe('missing_signature');
  });

  it('failure messages never contain the expected digest or the secret', () => {
    const result = strategy.verify(request({ 'x-sig': '00'.repeat(32) }, BODY), keys);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).not.toContain(good);
      expect(result.message).not.toContain(SECRET);
    }
  });

  it('verifies the raw bytes, so re-serialised JSON with other spacing fails', () => {
    const spaced = '{ "id": "evt_1" }';
    expect(reason(strategy.verify(request({ 'x-sig': good }, spaced), keys))).toBe('signature_mismatch');
  });
});

describe('hmac(): digest encodings and signature value templates', () => {
  const raw = digest(BODY);
  const cases = [
    { encoding: 'hex', value: raw.toString('hex') },
    { encoding: 'base64', value: raw.toString('base64') },
    { encoding: 'base64url', value: raw.toString('base64url') },
  ] as const;

  for (const { encoding, value } of cases) {
    for (const template of ['{digest}', 'v1={digest}', 'sha256={digest}']) {
      it(`${encoding} in ${template}`, () => {
        const strategy = hmac({ header: 'X-Sig', encoding, signature: template });
        const header = template.replace('{digest}', value);
        expect(strategy.verify(request({ 'x-sig': header }, BODY), keys).ok).toBe(true);
        // The bare digest without the prefix is malformed when a prefix is expected (and vice versa).
        if (template !== '{digest}') {
          expect(reason(strategy.verify(request({ 'x-sig': value }, BODY), keys))).toBe('malformed_signature');
        }
      });
    }
  }

  it('hex digests are accepted in upper case', () => {
    const strategy = hmac({ header: 'X-Sig', signature: 'sha256={digest}' });
    expect(strategy.verify(request({ 'x-sig': `sha256=${raw.toString('hex').toUpperCase()}` }, BODY), keys).ok).toBe(true);
  });

  it('the prefix is matched exactly (case-sensitive)', () => {
    const strategy = hmac({ header: 'X-Sig', signature: 'sha256={digest}' });
    expect(reason(strategy.verify(request({ 'x-sig': `SHA256=${raw.toString('hex')}` }, BODY), keys))).toBe('malformed_signature');
  });

  it('a suffix in the value template is honoured', () => {
    const strategy = hmac({ header: 'X-Sig', signature: '[{digest}]' });
    expect(strategy.verify(request({ 'x-sig': `[${raw.toString('hex')}]` }, BODY), keys).ok).toBe(true);
    expect(reason(strategy.verify(request({ 'x-sig': `[${raw.toString('hex')}` }, BODY), keys))).toBe('malformed_signature');
  });

  it('base64 must be padded and canonical; base64url must be unpadded', () => {
    const b64 = hmac({ header: 'X-Sig', encoding: 'base64' });
    const padded = raw.toString('base64'); // 32 bytes → one '='
    expect(padded.endsWith('=')).toBe(true);
    expect(reason(b64.verify(request({ 'x-sig': padded.slice(0, -1) }, BODY), keys))).toBe('malformed_signature');
    expect(reason(b64.verify(request({ 'x-sig': raw.toString('base64url') }, BODY), keys))).not.toBe('ok');
    const b64url = hmac({ header: 'X-Sig', encoding: 'base64url' });
    expect(reason(b64url.verify(request({ 'x-sig': `${raw.toString('base64url')}=` }, BODY), keys))).toBe('malformed_signature');
  });

  it('sha1 and sha512 digest lengths are enforced', () => {
    for (const algorithm of ['sha1', 'sha512'] as const) {
      const strategy = hmac({ header: 'X-Sig', algorithm });
      expect(strategy.verify(request({ 'x-sig': digest(BODY, algorithm).toString('hex') }, BODY), keys).ok).toBe(true);
      // A sha256 digest has the wrong length for either.
      expect(reason(strategy.verify(request({ 'x-sig': raw.toString('hex') }, BODY), keys))).toBe('malformed_signature');
    }
  });
});

describe('hmac(): several signatures in one header', () => {
  const strategy = hmac({ header: 'X-Sig', encoding: 'base64', signature: 'v1={digest}' });
  const good = `v1=${digest(BODY).toString('base64')}`;
  const wrong = `v1=${digest('other').toString('base64')}`;

  it.each([
    ['space separated, match last', `${wrong} ${good}`],
    ['space separated, match first', `${good} ${wrong}`],
    ['comma separated', `${wrong},${good}`],
    ['comma and space', `${wrong}, ${good}`],
    ['tab separated', `${wrong}\t${good}`],
    ['surrounding junk values', `t=123,${good},v0=abc`],
  ])('%s', (_name, header) => {
    expect(strategy.verify(request({ 'x-sig': header }, BODY), keys).ok).toBe(true);
  });

  it('one well-formed wrong value among malformed ones is a mismatch, not malformed', () => {
    expect(reason(strategy.verify(request({ 'x-sig': `garbage ${wrong} v1=short` }, BODY), keys))).toBe('signature_mismatch');
  });

  it('only malformed values is malformed', () => {
    expect(reason(strategy.verify(request({ 'x-sig': 'garbage v1=short' }, BODY), keys))).toBe('malformed_signature');
  });

  it('a repeated header (Node array) counts as several values', () => {
    expect(strategy.verify(request({ 'x-sig': [wrong, good] }, BODY), keys).ok).toBe(true);
  });
});

describe('hmac(): secrets and rotation', () => {
  const strategy = hmac({ header: 'X-Sig' });

  it('reports the index of the secret that matched', () => {
    const rotated = prepareSecrets(['new-secret', 'old-secret', SECRET]);
    const result = strategy.verify(request({ 'x-sig': digest(BODY, 'sha256', 'old-secret').toString('hex') }, BODY), rotated);
    expect(result).toMatchObject({ ok: true, secretIndex: 1 });
    const third = strategy.verify(request({ 'x-sig': digest(BODY).toString('hex') }, BODY), rotated);
    expect(third).toMatchObject({ ok: true, secretIndex: 2 });
  });

  it('a signature by a secret not configured is a mismatch', () => {
    const rotated = prepareSecrets(['a', 'b']);
    expect(reason(strategy.verify(request({ 'x-sig': digest(BODY).toString('hex') }, BODY), rotated))).toBe('signature_mismatch');
  });

  it('a byte secret equals the same UTF-8 string secret', () => {
    const bytes = prepareSecrets(new TextEncoder().encode(SECRET));
    expect(strategy.verify(request({ 'x-sig': digest(BODY).toString('hex') }, BODY), bytes).ok).toBe(true);
  });

  it('rotation on the sender side: two signatures, one secret configured', () => {
    const header = `${digest(BODY, 'sha256', 'retired').toString('hex')} ${digest(BODY).toString('hex')}`;
    expect(strategy.verify(request({ 'x-sig': header }, BODY), keys)).toMatchObject({ ok: true, secretIndex: 0 });
  });
});

describe('hmacWithTimestamp()', () => {
  const strategy = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts' });
  const signAt = (ts: string, body = BODY): WebhookRequest => request({ 'x-sig': digest(`${ts}.${body}`).toString('hex'), 'x-ts': ts }, body);

  it('passes a fresh, correctly signed request', () => {
    expect(strategy.verify(signAt(String(NOW_S)), keys, NOW_MS).ok).toBe(true);
  });

  it('timestamp_missing: header absent or empty (mode required, the default)', () => {
    const sig = digest(BODY).toString('hex');
    expect(reason(strategy.verify(request({ 'x-sig': sig }, BODY), keys, NOW_MS))).toBe('timestamp_missing');
    expect(reason(strategy.verify(request({ 'x-sig': sig, 'x-ts': '' }, BODY), keys, NOW_MS))).toBe('timestamp_missing');
  });

  it.each(['-1', '+1732550400', '1732550400.5', ' 1732550400', '1e9', 'abc', '0x10', '1234567890123', '١٢٣'])('timestamp_invalid: %j', (ts) => {
    expect(reason(strategy.verify(signAt(ts), keys, NOW_MS))).toBe('timestamp_invalid');
  });

  it('tolerance boundaries: |skew| == tolerance is inside, one more is outside (default 300 s)', () => {
    expect(strategy.verify(signAt(String(NOW_S - 300)), keys, NOW_MS).ok).toBe(true);
    expect(strategy.verify(signAt(String(NOW_S + 300)), keys, NOW_MS).ok).toBe(true);
    expect(reason(strategy.verify(signAt(String(NOW_S - 301)), keys, NOW_MS))).toBe('timestamp_too_old');
    expect(reason(strategy.verify(signAt(String(NOW_S + 301)), keys, NOW_MS))).toBe('timestamp_in_future');
  });

  it("sub-second clock: a seconds timestamp is compared with the clock's whole seconds (as Stripe's, Standard Webhooks' and Slack's verifiers do)", () => {
    // 300.999 s old reads as 300 s: inside. A full second more is outside, and says so in whole seconds.
    expect(strategy.verify(signAt(String(NOW_S - 300)), keys, NOW_MS + 999).ok).toBe(true);
    const old = strategy.verify(signAt(String(NOW_S - 300)), keys, NOW_MS + 1000);
    expect(old).toMatchObject({ ok: false, reason: 'timestamp_too_old', message: 'timestamp is 301 s old; tolerance is 300 s' });
    // The future side: NOW_S + 300 is 301 s ahead of a clock that has not yet reached NOW_S.
    expect(strategy.verify(signAt(String(NOW_S + 300)), keys, NOW_MS).ok).toBe(true);
    expect(reason(strategy.verify(signAt(String(NOW_S + 300)), keys, NOW_MS - 1))).toBe('timestamp_in_future');
  });

  it('toleranceSeconds is configurable, including 0 (then only the current second passes)', () => {
    const tight = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', toleranceSeconds: 0 });
    expect(tight.verify(signAt(String(NOW_S)), keys, NOW_MS).ok).toBe(true);
    expect(tight.verify(signAt(String(NOW_S)), keys, NOW_MS + 999).ok).toBe(true);
    expect(reason(tight.verify(signAt(String(NOW_S)), keys, NOW_MS + 1000))).toBe('timestamp_too_old');
    expect(reason(tight.verify(signAt(String(NOW_S)), keys, NOW_MS - 1))).toBe('timestamp_in_future');
  });

  it("timestampUnit 'ms': boundaries in milliseconds", () => {
    const ms = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', timestampUnit: 'ms', toleranceSeconds: 5 });
    expect(ms.verify(signAt(String(NOW_MS - 5000)), keys, NOW_MS).ok).toBe(true);
    expect(ms.verify(signAt(String(NOW_MS + 5000)), keys, NOW_MS).ok).toBe(true);
    expect(reason(ms.verify(signAt(String(NOW_MS - 5001)), keys, NOW_MS))).toBe('timestamp_too_old');
    expect(reason(ms.verify(signAt(String(NOW_MS + 5001)), keys, NOW_MS))).toBe('timestamp_in_future');
    // A seconds value read as milliseconds is decades old.
    expect(reason(ms.verify(signAt(String(NOW_S)), keys, NOW_MS))).toBe('timestamp_too_old');
  });

  it('sign(): a fractional timestamp is rounded down (every verifier refuses a fraction), a string is sent as given, NaN is refused', () => {
    const headers = strategy.sign({ secret: SECRET, body: BODY, timestamp: NOW_MS / 1000 + 0.5 }, NOW_MS);
    expect(headers['X-Ts']).toBe(String(NOW_S));
    expect(strategy.verify({ method: 'POST', headers, rawBody: new TextEncoder().encode(BODY) }, keys, NOW_MS).ok).toBe(true);
    expect(strategy.sign({ secret: SECRET, body: BODY, timestamp: 'not-a-time' }, NOW_MS)['X-Ts']).toBe('not-a-time');
    expect(strategy.sign({ secret: SECRET, body: BODY }, NOW_MS + 999)['X-Ts']).toBe(String(NOW_S));
    expect(() => strategy.sign({ secret: SECRET, body: BODY, timestamp: Number.NaN }, NOW_MS)).toThrow(HookgateError);
  });

  it('the timestamp is checked before the HMAC: a stale request with a garbage signature is too old', () => {
    const stale = request({ 'x-sig': 'not-a-signature', 'x-ts': String(NOW_S - 3600) }, BODY);
    expect(reason(strategy.verify(stale, keys, NOW_MS))).toBe('timestamp_too_old');
    const invalid = request({ 'x-sig': 'not-a-signature', 'x-ts': 'soon' }, BODY);
    expect(reason(strategy.verify(invalid, keys, NOW_MS))).toBe('timestamp_invalid');
    const future = request({ 'x-sig': '00'.repeat(32), 'x-ts': String(NOW_S + 3600) }, BODY);
    expect(reason(strategy.verify(future, keys, NOW_MS))).toBe('timestamp_in_future');
  });

  it('missing_signature comes before any timestamp check', () => {
    expect(reason(strategy.verify(request({ 'x-ts': 'garbage' }, BODY), keys, NOW_MS))).toBe('missing_signature');
  });

  it('the timestamp is part of the signed message: changing it fails', () => {
    const signed = signAt(String(NOW_S));
    const moved = { ...signed, headers: { ...(signed.headers as Record<string, string>), 'x-ts': String(NOW_S + 1) } };
    expect(reason(strategy.verify(moved, keys, NOW_MS))).toBe('signature_mismatch');
  });

  describe("mode 'optional'", () => {
    const optional = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', timestamp: 'optional' });

    it('without a timestamp, the body alone is verified', () => {
      expect(optional.verify(request({ 'x-sig': digest(BODY).toString('hex') }, BODY), keys, NOW_MS).ok).toBe(true);
      expect(optional.verify(request({ 'x-sig': digest(BODY).toString('hex'), 'x-ts': '' }, BODY), keys, NOW_MS).ok).toBe(true);
    });

    it('with a timestamp, only the timestamped form is accepted (no fallback to body-only)', () => {
      const bodyOnly = request({ 'x-sig': digest(BODY).toString('hex'), 'x-ts': String(NOW_S) }, BODY);
      expect(reason(optional.verify(bodyOnly, keys, NOW_MS))).toBe('signature_mismatch');
      expect(optional.verify(signAt(String(NOW_S)), keys, NOW_MS).ok).toBe(true);
    });

    it('a present timestamp is still validated and windowed', () => {
      expect(reason(optional.verify(signAt('yesterday'), keys, NOW_MS))).toBe('timestamp_invalid');
      expect(reason(optional.verify(signAt(String(NOW_S - 301)), keys, NOW_MS))).toBe('timestamp_too_old');
    });
  });

  describe("mode 'ignore'", () => {
    const ignore = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', timestamp: 'ignore' });

    it('never reads the header: a garbage or stale timestamp does not matter, the body alone is signed', () => {
      const sig = digest(BODY).toString('hex');
      expect(ignore.verify(request({ 'x-sig': sig, 'x-ts': 'garbage' }, BODY), keys, NOW_MS).ok).toBe(true);
      expect(ignore.verify(request({ 'x-sig': sig, 'x-ts': '1' }, BODY), keys, NOW_MS).ok).toBe(true);
      expect(ignore.verify(request({ 'x-sig': sig }, BODY), keys, NOW_MS).ok).toBe(true);
    });
  });

  it('a template can read the timestamp header instead of {$timestamp} (Webhooks B style)', () => {
    const b = hmacWithTimestamp({
      header: 'X-Webhook-Signature',
      timestampHeader: 'X-Timestamp',
      algorithm: 'sha512',
      encoding: 'base64',
      signature: 'v1={digest}',
      message: '{$method}|{$request.header.X-Timestamp}|{$request.body}',
    });
    const sig = `v1=${digest(`POST|${NOW_S}|${BODY}`, 'sha512').toString('base64')}`;
    expect(b.verify(request({ 'x-webhook-signature': sig, 'x-timestamp': String(NOW_S) }, BODY), keys, NOW_MS).ok).toBe(true);
  });

  it("a body-only template is allowed in mode 'ignore' (the timestamp is never read)", () => {
    expect(() => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', timestamp: 'ignore', message: '{$request.body}' })).not.toThrow();
  });

  it('verify() defaults now to the real clock', () => {
    const nowS = Math.floor(Date.now() / 1000);
    expect(strategy.verify(signAt(String(nowS)), keys).ok).toBe(true);
  });
});

describe('configuration errors are thrown at construction', () => {
  const bad: Array<[string, () => unknown]> = [
    ['empty header', () => hmac({ header: '' })],
    ['unknown algorithm', () => hmac({ header: 'X', algorithm: 'md5' as never })],
    ['unknown encoding', () => hmac({ header: 'X', encoding: 'hex64' as never })],
    ['no {digest}', () => hmac({ header: 'X', signature: 'v1=' })],
    ['{digest} twice', () => hmac({ header: 'X', signature: '{digest}{digest}' })],
    ['space in value template', () => hmac({ header: 'X', signature: 't=1 v1={digest}' })],
    ['comma in value template', () => hmac({ header: 'X', signature: 't=1,v1={digest}' })],
    ['unknown missingHeader', () => hmac({ header: 'X', missingHeader: 'skip' as never })],
    ['unknown pointer', () => hmac({ header: 'X', message: '{$request.query}' })],
    // Regression: invalid names made verify() throw mid-request on Fetch Headers (Headers.get validates).
    ['signature header with a space', () => hmac({ header: 'X Sig' })],
    ['signature header with a colon', () => hmac({ header: 'X-Sig:' })],
    ['timestamp header with a space', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'X Ts' })],
    ['template header with a space', () => hmac({ header: 'X', message: '{$request.header.X Ts}{$request.body}' })],
    ['{$timestamp} without a timestamp strategy', () => hmac({ header: 'X', message: '{$timestamp}.{$request.body}' })],
    ['no timestampHeader', () => hmacWithTimestamp({ header: 'X', timestampHeader: '' })],
    ['unknown unit', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', timestampUnit: 'us' as never })],
    ['negative tolerance', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', toleranceSeconds: -1 })],
    ['NaN tolerance', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', toleranceSeconds: Number.NaN })],
    ['unknown mode', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', timestamp: 'sometimes' as never })],
    // Regression: a timestamp outside the signed message could be swapped for a fresh one.
    ['timestamp not signed', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', message: '{$request.body}' })],
    [
      'another header signed instead of the timestamp',
      () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', message: '{$request.header.U}.{$request.body}' }),
    ],
  ];
  it.each(bad)('%s', (_name, build) => {
    expect(build).toThrow(HookgateError);
    try {
      build();
    } catch (error) {
      expect((error as HookgateError).code).toBe('invalid_config');
    }
  });
});

describe('property: verify() never throws', () => {
  const strategies = [
    hmac({ header: 'X-Sig', message: '{$method}|{$request.header.X-Ts}|{$request.body#/a/0}|{$request.body}' }),
    hmac({ header: 'X-Sig', encoding: 'base64', signature: 'v1={digest}', missingHeader: 'empty', message: '{$request.header.X-Ts}{$request.body}' }),
    hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', encoding: 'base64url', timestamp: 'optional' }),
    hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', timestampUnit: 'ms', algorithm: 'sha512' }),
    hmacWithTimestamp({ header: 'X-Sig', signature: { type: 'key-value', signatureKey: 'v1', timestampKey: 't' }, timestamp: 'optional' }),
    hmacWithTimestamp({
      header: 'X-Sig',
      timestampHeader: 'X-Ts',
      encoding: 'base64',
      signature: { type: 'versioned', version: 'v1' },
      message: '{$request.header.X-Id}.{$timestamp}.{$request.body}',
    }),
  ];
  const value = fc.oneof(fc.string({ maxLength: 120 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), fc.constant(undefined));
  const names = fc.oneof(fc.constantFrom('x-sig', 'X-SIG', 'x-ts', 'X-Ts', 'x-id', '__proto__', 'constructor', ''), fc.string({ maxLength: 8 }));

  it('for any header record, body, method, path and clock it returns a result', () => {
    fc.assert(
      fc.property(
        fc.nat(strategies.length - 1),
        fc.dictionary(names, value),
        fc.uint8Array({ maxLength: 100 }),
        fc.string({ maxLength: 8 }),
        fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        (index, headers, body, method, path, now) => {
          const result = strategies[index]!.verify({ method, path, headers, rawBody: body }, keys, now);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hmacWithTimestamp(): timestamp and signatures in one key-value header (Stripe style)', () => {
  const strategy = hmacWithTimestamp({ header: 'Stripe-Signature', signature: { type: 'key-value', signatureKey: 'v1', timestampKey: 't' } });
  const sig = (ts: string | number, body = BODY, secret = SECRET) => digest(`${ts}.${body}`, 'sha256', secret).toString('hex');
  const verify = (header: string, body = BODY, now = NOW_MS) => strategy.verify(request({ 'stripe-signature': header }, body), keys, now);

  it('passes t + one v1 over `${t}.${body}`; the strategy names no timestamp header', () => {
    expect(verify(`t=${NOW_S},v1=${sig(NOW_S)}`)).toMatchObject({ ok: true, secretIndex: 0 });
    expect(strategy.timestampHeader).toBeUndefined();
    expect(strategy.redactHeaders).toEqual(['Stripe-Signature']);
  });

  it('any one of several v1 signatures may match, in any position; v0 entries are ignored', () => {
    const wrong = sig(NOW_S, BODY, 'retired');
    expect(verify(`t=${NOW_S},v1=${wrong},v1=${sig(NOW_S)},v0=${wrong}`).ok).toBe(true);
    expect(verify(`v1=${sig(NOW_S)},t=${NOW_S}`).ok).toBe(true);
  });

  it('a correct digest under v0 only is malformed (no v1 entry), not accepted', () => {
    expect(reason(verify(`t=${NOW_S},v0=${sig(NOW_S)}`))).toBe('malformed_signature');
  });

  it('tampered body, wrong secret and a moved timestamp are mismatches', () => {
    expect(reason(verify(`t=${NOW_S},v1=${sig(NOW_S)}`, `${BODY} `))).toBe('signature_mismatch');
    expect(reason(verify(`t=${NOW_S},v1=${sig(NOW_S, BODY, 'other')}`))).toBe('signature_mismatch');
    expect(reason(verify(`t=${NOW_S + 1},v1=${sig(NOW_S)}`))).toBe('signature_mismatch');
  });

  it('timestamp_missing / invalid / too old / in the future come from the t entry, before the HMAC', () => {
    expect(reason(verify(`v1=${sig(NOW_S)}`))).toBe('timestamp_missing');
    expect(reason(verify(`t=,v1=${sig(NOW_S)}`))).toBe('timestamp_missing');
    const invalid = verify(`t=soon,v1=${sig('soon')}`);
    expect(reason(invalid)).toBe('timestamp_invalid');
    if (!invalid.ok) expect(invalid.message).toContain('t= entry of Stripe-Signature');
    expect(reason(verify(`t=${NOW_S - 301},v1=garbage`))).toBe('timestamp_too_old');
    expect(reason(verify(`t=${NOW_S + 301},v1=${sig(NOW_S + 301)}`))).toBe('timestamp_in_future');
    expect(verify(`t=${NOW_S - 300},v1=${sig(NOW_S - 300)}`).ok).toBe(true);
  });

  it('two t entries, or more entries than the bound, are malformed', () => {
    expect(reason(verify(`t=${NOW_S},t=${NOW_S},v1=${sig(NOW_S)}`))).toBe('malformed_signature');
    const many = [`t=${NOW_S}`, ...Array(40).fill(`v0=${sig(NOW_S)}`), `v1=${sig(NOW_S)}`].join(',');
    expect(reason(verify(many))).toBe('malformed_signature');
  });

  it("mode 'optional': without t, the body alone is verified", () => {
    const optional = hmacWithTimestamp({
      header: 'X-Sig',
      signature: { type: 'key-value', signatureKey: 'v1', timestampKey: 't' },
      timestamp: 'optional',
    });
    expect(optional.verify(request({ 'x-sig': `v1=${digest(BODY).toString('hex')}` }, BODY), keys, NOW_MS).ok).toBe(true);
    expect(optional.verify(request({ 'x-sig': `t=${NOW_S},v1=${digest(BODY).toString('hex')}` }, BODY), keys, NOW_MS).ok).toBe(false);
  });

  it('sign() writes t=…,v1=… and verify() accepts it; several secrets give several v1 entries', () => {
    const headers = strategy.sign({ secret: SECRET, body: BODY }, NOW_MS);
    expect(headers).toEqual({ 'Stripe-Signature': `t=${NOW_S},v1=${sig(NOW_S)}` });
    const rotated = strategy.sign({ secret: ['new-secret', SECRET], body: BODY, timestamp: NOW_S }, NOW_MS);
    expect(rotated['Stripe-Signature']).toBe(`t=${NOW_S},v1=${sig(NOW_S, BODY, 'new-secret')},v1=${sig(NOW_S)}`);
    expect(strategy.verify(request(rotated, BODY), keys, NOW_MS)).toMatchObject({ ok: true, secretIndex: 0 });
    expect(strategy.verify(request(rotated, BODY), prepareSecrets(['x', 'new-secret']), NOW_MS)).toMatchObject({ ok: true, secretIndex: 1 });
  });
});

describe('versioned lists and base64 secrets (Standard Webhooks style)', () => {
  const KEY = Buffer.from('a 24-byte test key here!');
  const WHSEC = `whsec_${KEY.toString('base64')}`;
  const strategy = hmacWithTimestamp({
    header: 'webhook-signature',
    timestampHeader: 'webhook-timestamp',
    encoding: 'base64',
    signature: { type: 'versioned', version: 'v1' },
    secretFormat: 'whsec_base64',
    message: '{$request.header.webhook-id}.{$timestamp}.{$request.body}',
  });
  const prepared = prepareSecrets(WHSEC, strategy.secretFormat);
  const sig = (id: string, ts: number, key: Buffer | string = KEY) => createHmac('sha256', key).update(`${id}.${ts}.${BODY}`).digest('base64');
  const deliver = (signature: string, extra: Record<string, string> = {}) =>
    strategy.verify(request({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW_S), 'webhook-signature': signature, ...extra }, BODY), prepared, NOW_MS);

  it('the key is the base64-decoded secret after whsec_, not the text', () => {
    expect(strategy.secretFormat).toBe('whsec_base64');
    expect(deliver(`v1,${sig('msg_1', NOW_S)}`).ok).toBe(true);
    expect(reason(deliver(`v1,${sig('msg_1', NOW_S, WHSEC)}`))).toBe('signature_mismatch');
  });

  it('any v1 entry of the list may match; v1a, bare and v2 entries are never candidates', () => {
    const good = sig('msg_1', NOW_S);
    expect(deliver(`v1,${sig('msg_1', NOW_S, 'old')} v1,${good}`).ok).toBe(true);
    for (const header of [good, `v1a,${good}`, `v2,${good}`, `v1a,${good} ${good}`]) {
      expect(reason(deliver(header)), header).toBe('malformed_signature');
    }
  });

  it('the id is signed: another webhook-id is a mismatch, a missing one is missing_header', () => {
    expect(reason(deliver(`v1,${sig('msg_1', NOW_S)}`, { 'webhook-id': 'msg_2' }))).toBe('signature_mismatch');
    const noId = strategy.verify(request({ 'webhook-timestamp': String(NOW_S), 'webhook-signature': `v1,${sig('msg_1', NOW_S)}` }, BODY), prepared, NOW_MS);
    expect(reason(noId)).toBe('missing_header');
  });

  it('sign() decodes the secret the same way and writes v1,<base64> (one entry per secret)', () => {
    const headers = strategy.sign({ secret: [WHSEC, KEY.toString('base64')], body: BODY, headers: { 'webhook-id': 'msg_1' } }, NOW_MS);
    expect(headers['webhook-signature']).toBe(`v1,${sig('msg_1', NOW_S)} v1,${sig('msg_1', NOW_S)}`);
    expect(headers['webhook-timestamp']).toBe(String(NOW_S));
    expect(strategy.verify(request(headers, BODY), prepared, NOW_MS).ok).toBe(true);
  });

  it('hmac() accepts the new formats too (no timestamp)', () => {
    const plain = hmac({ header: 'X-Sig', encoding: 'base64', signature: { type: 'versioned', version: 'v1' }, secretFormat: 'base64' });
    const body64 = createHmac('sha256', KEY).update(BODY).digest('base64');
    expect(plain.verify(request({ 'x-sig': `v1,${body64}` }, BODY), prepareSecrets(KEY.toString('base64'), 'base64')).ok).toBe(true);
    const headers = plain.sign({ secret: KEY.toString('base64'), body: BODY });
    expect(headers['X-Sig']).toBe(`v1,${body64}`);
  });
});

describe('configuration errors of the new formats', () => {
  const kv = { type: 'key-value', signatureKey: 'v1', timestampKey: 't' } as const;
  const bad: Array<[string, () => unknown, string]> = [
    ['timestampKey with hmac()', () => hmac({ header: 'X', signature: kv }), 'hmacWithTimestamp'],
    ['timestampKey and timestampHeader', () => hmacWithTimestamp({ header: 'X', timestampHeader: 'T', signature: kv }), 'not both'],
    [
      'neither timestampKey nor timestampHeader',
      () => hmacWithTimestamp({ header: 'X', signature: { type: 'key-value', signatureKey: 'v1' } }),
      'timestampKey',
    ],
    [
      'timestampKey whose template does not sign {$timestamp}',
      () => hmacWithTimestamp({ header: 'X', signature: kv, message: '{$request.body}' }),
      '{$timestamp}',
    ],
    ['unknown secretFormat', () => hmac({ header: 'X', secretFormat: 'hex' as never }), 'secretFormat'],
    ['versioned with a comma in the label', () => hmac({ header: 'X', signature: { type: 'versioned', version: 'v,1' } }), 'version'],
  ];
  it.each(bad)('%s', (_name, build, mention) => {
    try {
      build();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HookgateError);
      expect((error as HookgateError).code).toBe('invalid_config');
      expect((error as HookgateError).message).toContain(mention);
    }
  });
});
