import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseVerification, type DiagnoseOptions, type VerificationDiagnosis } from './diagnose.js';
import { REDACTED } from './headers.js';
import type { WebhookRequest } from './request.js';
import { hmac, hmacWithTimestamp, type HmacAlgorithm, type VerificationStrategy } from './verify-hmac.js';

const SECRET = 'k3Q9zX7pLm2Vt8Rw';
const OLD_SECRET = 'Yh4uN6bEc1Fj5Gd0';
const OTHER_SECRET = 'Pq7Ws2Ax9Ze4Rt6Y';
const NOW_S = 1_732_550_400;
const NOW_MS = NOW_S * 1000;
const BODY = '{"event_type":"IssueNewEvent","id":"evt_1"}';
const PRETTY_BODY = JSON.stringify(JSON.parse(BODY), null, 2);

const timed = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', toleranceSeconds: 300 });
const plain = hmac({ header: 'X-Sig', signature: 'sha256={digest}' });

function mac(message: string, secret = SECRET, algorithm: HmacAlgorithm = 'sha256'): Buffer {
  return createHmac(algorithm, secret).update(message).digest();
}

function request(headers: Record<string, string>, body = BODY): WebhookRequest {
  return { method: 'POST', path: '/hooks', headers, rawBody: Buffer.from(body) };
}

function diagnose(strategy: VerificationStrategy, req: WebhookRequest, extra: Partial<DiagnoseOptions> = {}): Promise<VerificationDiagnosis> {
  return diagnoseVerification({ strategy, request: req, secrets: [SECRET], now: NOW_MS, ...extra });
}

function codes(diagnosis: VerificationDiagnosis): string[] {
  return diagnosis.findings.map((finding) => finding.code);
}

/** Headers `timed` would get from a sender with `secret` at `timestamp` over `body`. */
function timedHeaders(timestamp: number, body = BODY, secret = SECRET): Record<string, string> {
  return { 'x-ts': String(timestamp), 'x-sig': mac(`${timestamp}.${body}`, secret).toString('hex') };
}

describe('diagnoseVerification: clock', () => {
  it('reports the skew in seconds against the measured tolerance, and says the signature itself is right', async () => {
    const diagnosis = await diagnose(timed, request(timedHeaders(NOW_S - 1000)));
    expect(diagnosis).toMatchObject({ verified: false, reason: 'timestamp_too_old', signatureChecked: true });
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'clock_skew', skewSeconds: 1000, toleranceSeconds: 300, secretIndex: 0 })]);
    expect(diagnosis.findings[0]!.problem).toContain('1000 s older');
    expect(diagnosis.findings[0]!.problem).toContain('signature itself is correct');
  });

  it('reports a timestamp from the future, in milliseconds when the strategy reads them', async () => {
    const strategy = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts', timestampUnit: 'ms', toleranceSeconds: 60 });
    const timestamp = NOW_MS + 90_000;
    const headers = { 'x-ts': String(timestamp), 'x-sig': mac(`${timestamp}.${BODY}`).toString('hex') };
    const diagnosis = await diagnose(strategy, request(headers));
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'clock_skew', skewSeconds: -90, toleranceSeconds: 60 })]);
    expect(diagnosis.findings[0]!.problem).toContain('90 s ahead');
  });

  it('checks the signature at the signing time when the clock is off too: skew and wrong secret both reported', async () => {
    const diagnosis = await diagnose(timed, request(timedHeaders(NOW_S - 1000, BODY, OTHER_SECRET)));
    expect(codes(diagnosis)).toEqual(['clock_skew', 'no_match']);
    expect(diagnosis.findings[0]!.problem).not.toContain('correct');
  });

  it('runs the clock check without the signature when the store redacted it', async () => {
    const headers = { ...timedHeaders(NOW_S - 1000), 'x-sig': REDACTED };
    const diagnosis = await diagnose(timed, request(headers));
    expect(diagnosis.signatureChecked).toBe(false);
    expect(codes(diagnosis)).toEqual(['signature_not_recorded', 'clock_skew']);
    expect(diagnosis.findings[1]).toMatchObject({ skewSeconds: 1000, toleranceSeconds: 300 });
  });

  it('timestamp missing and unreadable', async () => {
    expect(codes(await diagnose(timed, request({ 'x-sig': 'ab'.repeat(32) })))).toEqual(['timestamp_missing']);
    expect(codes(await diagnose(timed, request({ 'x-sig': 'ab'.repeat(32), 'x-ts': 'yesterday' })))).toEqual(['timestamp_invalid']);
  });
});

describe('diagnoseVerification: headers', () => {
  it('names a missing or empty signature header', async () => {
    const missing = await diagnose(plain, request({}));
    expect(missing).toMatchObject({ reason: 'missing_signature', signatureChecked: false });
    expect(missing.findings[0]).toMatchObject({ code: 'signature_header_missing' });
    expect(missing.findings[0]!.problem).toContain('X-Sig');
    expect(codes(await diagnose(plain, request({ 'x-sig': '  ' })))).toEqual(['signature_header_empty']);
  });

  it('names a header the signed message needs that did not arrive', async () => {
    const strategy = hmac({ header: 'X-Sig', message: '{$method}|{$request.header.X-Request-Id}|{$request.body}' });
    const diagnosis = await diagnose(strategy, request({ 'x-sig': mac(BODY).toString('hex') }));
    expect(codes(diagnosis)).toEqual(['header_missing']);
    expect(diagnosis.findings[0]!.problem).toContain('X-Request-Id');
  });
});

describe('diagnoseVerification: digests', () => {
  it('a hex digest where base64 is expected, decoded to the right signature', async () => {
    const strategy = hmac({ header: 'X-Sig', encoding: 'base64' });
    const diagnosis = await diagnose(strategy, request({ 'x-sig': mac(BODY).toString('hex') }));
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'digest_wrong_encoding', secretIndex: 0 })]);
    expect(diagnosis.findings[0]!.problem).toContain('hex digest; this provider expects base64');
    expect(diagnosis.findings[0]!.fix).toContain("encoding: 'hex'");
  });

  it('a SHA-1 digest where SHA-256 is expected, identified as HMAC-SHA-1 of the body', async () => {
    const diagnosis = await diagnose(plain, request({ 'x-sig': `sha256=${mac(BODY, SECRET, 'sha1').toString('hex')}` }));
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'digest_wrong_length', secretIndex: 0 })]);
    expect(diagnosis.findings[0]!.problem).toContain('20-byte digest (SHA-1');
    expect(diagnosis.findings[0]!.problem).toContain('HMAC-SHA-1 of the body alone');
  });

  it('a digest without the expected prefix, and a header that holds no digest at all', async () => {
    expect(codes(await diagnose(plain, request({ 'x-sig': mac(BODY).toString('hex') })))).toEqual(['signature_format']);
    expect(codes(await diagnose(plain, request({ 'x-sig': 'sha256=not-a-digest' })))).toEqual(['digest_unreadable']);
  });
});

describe('diagnoseVerification: what the signature matches instead', () => {
  it('the body alone, where the provider signs the timestamped message', async () => {
    const headers = { 'x-ts': String(NOW_S), 'x-sig': mac(BODY).toString('hex') };
    const diagnosis = await diagnose(timed, request(headers));
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'other_template', secretIndex: 0 })]);
    expect(diagnosis.findings[0]!.problem).toContain('HMAC of the body alone');
  });

  it('`timestamp.body`, where the provider signs the body alone (timestamp read from the signature header)', async () => {
    const strategy = hmac({ header: 'X-Sig', signature: { type: 'key-value', signatureKey: 'v1' } });
    const diagnosis = await diagnose(strategy, request({ 'x-sig': `t=${NOW_S},v1=${mac(`${NOW_S}.${BODY}`).toString('hex')}` }));
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'other_template', secretIndex: 0 })]);
    expect(diagnosis.findings[0]!.fix).toContain('hmacWithTimestamp');
  });

  it('the compact JSON of a body that arrived re-formatted (a proxy rewrote it)', async () => {
    const diagnosis = await diagnose(timed, request(timedHeaders(NOW_S, BODY), PRETTY_BODY));
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'reserialized_body', secretIndex: 0 })]);
  });

  it('a retired secret the caller lists; a retired secret in the wrong format is reported, not thrown', async () => {
    const diagnosis = await diagnose(timed, request(timedHeaders(NOW_S, BODY, OLD_SECRET)), { retiredSecrets: [OTHER_SECRET, OLD_SECRET] });
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'retired_secret', retiredIndex: 1 })]);
    const base64 = hmac({ header: 'X-Sig', secretFormat: 'base64' });
    const invalid = await diagnoseVerification({
      strategy: base64,
      request: request({ 'x-sig': 'ab'.repeat(32) }),
      secrets: Buffer.from(SECRET).toString('base64'),
      retiredSecrets: ['not base64!'],
      now: NOW_MS,
    });
    expect(codes(invalid)).toEqual(['retired_secret_invalid', 'no_match']);
  });

  it('no hypothesis: another secret', async () => {
    const diagnosis = await diagnose(timed, request(timedHeaders(NOW_S, BODY, OTHER_SECRET)), { retiredSecrets: [OLD_SECRET] });
    expect(codes(diagnosis)).toEqual(['no_match']);
    expect(diagnosis.findings[0]!.problem).toContain('Neither the configured secret nor a retired one produces');
  });

  it('a delivery that verifies now says so', async () => {
    const diagnosis = await diagnose(timed, request(timedHeaders(NOW_S)), { secrets: [OTHER_SECRET, SECRET] });
    expect(diagnosis).toMatchObject({ verified: true, reason: null, findings: [{ code: 'verifies', secretIndex: 1 }] });
  });
});

// A few hundred diagnoses: generous time on a shared, busy machine (the work is bounded, not timed).
describe('diagnoseVerification never reveals a secret or an expected digest', { timeout: 60_000 }, () => {
  /** Every 6-character piece of `text`: a finding must contain none of them (so no prefix either). */
  function pieces(text: string): string[] {
    return Array.from({ length: Math.max(0, text.length - 5) }, (_, index) => text.slice(index, index + 6));
  }

  function secretsAndDigests(secrets: readonly string[], body: string, timestamp: number): string[] {
    const texts: string[] = [...secrets];
    for (const secret of secrets) {
      for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
        for (const message of [body, `${timestamp}.${body}`, JSON.stringify(JSON.parse(body))]) {
          const digest = mac(message, secret, algorithm);
          texts.push(digest.toString('hex'), digest.toString('base64'), digest.toString('base64url'));
        }
      }
    }
    return texts;
  }

  function expectNothingRevealed(diagnosis: VerificationDiagnosis, hidden: readonly string[]): void {
    const shown = JSON.stringify(diagnosis);
    for (const text of hidden) for (const piece of pieces(text)) expect(shown).not.toContain(piece);
  }

  it('in every finding of the scenarios above', async () => {
    const hidden = secretsAndDigests([SECRET, OLD_SECRET, OTHER_SECRET], BODY, NOW_S);
    const scenarios: VerificationDiagnosis[] = await Promise.all([
      diagnose(timed, request(timedHeaders(NOW_S - 1000))),
      diagnose(timed, request(timedHeaders(NOW_S, BODY, OTHER_SECRET)), { retiredSecrets: [OLD_SECRET] }),
      diagnose(timed, request(timedHeaders(NOW_S, BODY, OLD_SECRET)), { retiredSecrets: [OLD_SECRET] }),
      diagnose(timed, request({ 'x-ts': String(NOW_S), 'x-sig': mac(BODY).toString('hex') })),
      diagnose(hmac({ header: 'X-Sig', encoding: 'base64' }), request({ 'x-sig': mac(BODY).toString('hex') })),
      diagnose(plain, request({ 'x-sig': `sha256=${mac(BODY, SECRET, 'sha1').toString('hex')}` })),
      diagnose(timed, request(timedHeaders(NOW_S), PRETTY_BODY)),
    ]);
    for (const diagnosis of scenarios) expectNothingRevealed(diagnosis, hidden);
  });

  it('for random secrets, bodies and sender mistakes (property)', async () => {
    const text = fc.string({ minLength: 12, maxLength: 24, unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789') });
    await fc.assert(
      fc.asyncProperty(
        text,
        text,
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 16 })),
        fc.integer({ min: 0, max: 3 }),
        async (secret, sent, payload, mistake) => {
          const body = JSON.stringify(payload, null, mistake === 2 ? 1 : undefined);
          const signer = mistake === 0 ? sent : secret;
          const signed = mistake === 1 ? body : `${NOW_S}.${mistake === 2 ? JSON.stringify(payload) : body}`;
          const headers = { 'x-ts': String(NOW_S - (mistake === 3 ? 900 : 0)), 'x-sig': mac(signed, signer).toString('hex') };
          const diagnosis = await diagnoseVerification({
            strategy: timed,
            request: request(headers, body),
            secrets: [secret],
            retiredSecrets: [sent],
            now: NOW_MS,
          });
          expectNothingRevealed(diagnosis, secretsAndDigests([secret, sent], body, NOW_S));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('diagnoseVerification: a strategy that reads one of several header forms', () => {
  // Like Shopify's classic and events names: verify() reads whichever arrived, forRequest() says which.
  const legacy = hmac({ header: 'X-Old-Sig', signature: 'sha256={digest}' });
  const either: VerificationStrategy = {
    ...plain,
    redactHeaders: ['X-Sig', 'X-Old-Sig'],
    forRequest: (headers) => ((headers as Record<string, string>)['x-old-sig'] !== undefined ? legacy : plain),
    verify: (req, secrets, now) => either.forRequest!(req.headers).verify(req, secrets, now),
  };

  it('diagnoses the form that arrived: its signature is found and checked, findings name its header', async () => {
    const headers = { 'x-old-sig': `sha256=${mac(BODY, OLD_SECRET).toString('hex')}` };
    const diagnosis = await diagnose(either, request(headers), { retiredSecrets: [OLD_SECRET] });
    expect(diagnosis).toMatchObject({ verified: false, signatureChecked: true });
    expect(codes(diagnosis)).toContain('retired_secret');
    const redacted = await diagnose(either, request({ 'x-old-sig': REDACTED }));
    expect(redacted.findings.find((finding) => finding.code === 'signature_not_recorded')?.problem).toContain('X-Old-Sig');
  });
});
