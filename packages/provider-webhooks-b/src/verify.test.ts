import { createWebhookHandler, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { signWebhooksB } from './sign.js';
import { webhooksB } from './provider.js';

const SECRET = 'whsec-test';
const NOW = 1_732_550_400_000; // 2024-11-25T16:00:00Z, the spec example's X-Timestamp
const TS = '1732550400';
const BODY = '{"userActionNotificationEventType":"user.action"}';
// Pretty-printed, with a trailing newline and non-ASCII text: signed over these exact bytes.
const UNICODE_BODY = '{\n  "inventoryStockDepletedEventType": "stock.depleted",\n  "note": "Thé vert — épuisé ✓ 🍵"\n}\n';

// Known answers from an independent implementation (Python 3 hmac/hashlib/base64):
//   msg = method.encode() + b'|' + ts.encode() + b'|' + body_bytes
//   'v1=' + base64.b64encode(hmac.new(b'whsec-test', msg, hashlib.sha512).digest()).decode()
const KAT_SPEC_EXAMPLE = 'v1=QOhbVxykcGVlec1IeGvTpRpG4cyKWIrScAslyO0OyythDWBF6TqDUui0PuBbxMc/hAe4jhSddNfFi+Pu+S9hMQ=='; // POST, TS, BODY
const KAT_NO_TIMESTAMP = 'v1=jcCguBoXvf2ROgtSnXLNztjXtWZBR+G92zKFvEiSi/DnlgCk8Vw6XruPUEGhF/pFaiCGzg3R0ng+UYO/xVaT5Q=='; // POST, '', BODY
const KAT_PUT = 'v1=UiVdmx7CGveizFN63rXpgDGTFSRltTgtJ0wpPsIituyJ+P8q19mx7ahEtvmlRlPBYv1R/XdzWgcVoRyTUDHr7A=='; // PUT, TS, BODY
const KAT_UNICODE = 'v1=2qrQBOlO+mcZqkCYPOoFALoUZ6RcqENLZfL4EV1P1CKDZ8Rpl3Ky4M/NwnfUWa31JCeO9YVloLewgg/9bTahtQ=='; // POST, TS, UNICODE_BODY (UTF-8)

function handler(options: Parameters<typeof webhooksB>[0] = {}, secrets: string[] = [SECRET]) {
  return createWebhookHandler({ provider: webhooksB(options), secrets, now: () => NOW });
}

function request(headers: Record<string, string>, body: string | Uint8Array = BODY, method = 'POST'): WebhookRequest {
  return { method, headers, rawBody: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
}

async function reasonOf(req: WebhookRequest, options: Parameters<typeof webhooksB>[0] = {}): Promise<string> {
  const result = await handler(options).verifyAndParse(req);
  return result.kind === 'event' ? 'event' : result.reason;
}

describe('Webhooks B signature: known answers (Python hmac)', () => {
  it('signs the spec example byte for byte', () => {
    const signed = signWebhooksB({ body: BODY, secret: SECRET, timestamp: TS });
    expect(signed.headers['X-Webhook-Signature']).toBe(KAT_SPEC_EXAMPLE);
    expect(signed.headers['X-Timestamp']).toBe(TS);
    expect(signed.headers['content-type']).toBe('application/json');
    expect(signed.body).toBe(BODY);
  });

  it('signs an absent X-Timestamp as the empty string, and sends no X-Timestamp', () => {
    const signed = signWebhooksB({ body: BODY, secret: SECRET, timestamp: null });
    expect(signed.headers['X-Webhook-Signature']).toBe(KAT_NO_TIMESTAMP);
    expect(Object.keys(signed.headers).map((name) => name.toLowerCase())).not.toContain('x-timestamp');
  });

  it('puts the method in the message', () => {
    expect(signWebhooksB({ body: BODY, secret: SECRET, timestamp: TS, method: 'PUT' }).headers['X-Webhook-Signature']).toBe(KAT_PUT);
  });

  it('signs raw UTF-8 bytes of a pretty-printed body', () => {
    expect(signWebhooksB({ body: UNICODE_BODY, secret: SECRET, timestamp: TS }).headers['X-Webhook-Signature']).toBe(KAT_UNICODE);
    const bytes = new TextEncoder().encode(UNICODE_BODY);
    expect(signWebhooksB({ body: bytes, secret: SECRET, timestamp: TS }).headers['X-Webhook-Signature']).toBe(KAT_UNICODE);
  });

  it('accepts each independent vector', async () => {
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_SPEC_EXAMPLE, 'X-Timestamp': TS }))).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_NO_TIMESTAMP }))).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_PUT, 'X-Timestamp': TS }, BODY, 'PUT'))).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_UNICODE, 'X-Timestamp': TS }, UNICODE_BODY))).toBe('event');
  });

  it('treats an empty X-Timestamp header like an absent one (both sign the empty string)', async () => {
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_NO_TIMESTAMP, 'X-Timestamp': '' }))).toBe('event');
  });
});

describe('Webhooks B signature: every failure is a typed result', () => {
  it('missing or empty signature header → missing_signature', async () => {
    expect(await reasonOf(request({ 'X-Timestamp': TS }))).toBe('missing_signature');
    expect(await reasonOf(request({ 'X-Webhook-Signature': '', 'X-Timestamp': TS }))).toBe('missing_signature');
  });

  it.each([
    ['another version prefix', KAT_SPEC_EXAMPLE.replace('v1=', 'v2=')],
    ['a sha512= prefix', KAT_SPEC_EXAMPLE.replace('v1=', 'sha512=')],
    ['no prefix', KAT_SPEC_EXAMPLE.slice(3)],
    ['no padding', KAT_SPEC_EXAMPLE.replace(/=+$/, '')],
    ['the URL-safe alphabet', KAT_SPEC_EXAMPLE.replaceAll('+', '-').replaceAll('/', '_')],
    ['whitespace inside the value', `v1= ${KAT_SPEC_EXAMPLE.slice(3)}`],
    ['a truncated digest', KAT_SPEC_EXAMPLE.slice(0, 50)],
    ['a SHA-256 digest (wrong algorithm)', `v1=${Buffer.alloc(32, 7).toString('base64')}`],
    ['a hex digest (wrong encoding)', `v1=${Buffer.from(KAT_SPEC_EXAMPLE.slice(3), 'base64').toString('hex')}`],
  ])('%s → malformed_signature', async (_, value) => {
    expect(await reasonOf(request({ 'X-Webhook-Signature': value, 'X-Timestamp': TS }))).toBe('malformed_signature');
  });

  it('a well-formed wrong digest or wrong secret → signature_mismatch', async () => {
    expect(await reasonOf(request({ 'X-Webhook-Signature': `v1=${Buffer.alloc(64, 1).toString('base64')}`, 'X-Timestamp': TS }))).toBe('signature_mismatch');
    const forged = signWebhooksB({ body: BODY, secret: 'not-the-secret', timestamp: TS });
    expect(await reasonOf(request(forged.headers))).toBe('signature_mismatch');
  });

  it('a tampered method, timestamp or body → signature_mismatch', async () => {
    const signed = signWebhooksB({ body: BODY, secret: SECRET, timestamp: TS });
    expect(await reasonOf(request(signed.headers, BODY, 'PUT'))).toBe('signature_mismatch');
    expect(await reasonOf(request({ ...signed.headers, 'X-Timestamp': '1732550401' }))).toBe('signature_mismatch');
    expect(await reasonOf(request({ ...signed.headers, 'X-Timestamp': '' }))).toBe('signature_mismatch');
    const withoutTimestamp = { 'X-Webhook-Signature': signed.headers['X-Webhook-Signature']! };
    expect(await reasonOf(request(withoutTimestamp))).toBe('signature_mismatch');
    expect(await reasonOf(request(signed.headers, BODY.replace('user.action', 'user.actioN')))).toBe('signature_mismatch');
  });

  it('verifies raw bytes: the same JSON re-serialised no longer verifies', async () => {
    const headers = { 'X-Webhook-Signature': KAT_UNICODE, 'X-Timestamp': TS };
    expect(await reasonOf(request(headers, JSON.stringify(JSON.parse(UNICODE_BODY))))).toBe('signature_mismatch');
    expect(await reasonOf(request(headers, UNICODE_BODY.normalize('NFD')))).toBe('signature_mismatch');
  });

  it('verifies before parsing: a bad signature on invalid JSON is a signature failure', async () => {
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_SPEC_EXAMPLE, 'X-Timestamp': TS }, '{not json'))).toBe('signature_mismatch');
  });
});

describe('Webhooks B signature: header shapes, several values, rotation', () => {
  it('finds lower-case (Node) and mixed-case header names, and Fetch Headers', async () => {
    expect(await reasonOf(request({ 'x-webhook-signature': KAT_SPEC_EXAMPLE, 'x-timestamp': TS }))).toBe('event');
    expect(await reasonOf(request({ 'X-WEBHOOK-SIGNATURE': KAT_SPEC_EXAMPLE, 'x-TimeStamp': TS }))).toBe('event');
    const fetchHeaders = new Headers({ 'X-Webhook-Signature': KAT_SPEC_EXAMPLE, 'X-Timestamp': TS });
    const result = await handler().verifyAndParse({ method: 'POST', headers: fetchHeaders, rawBody: Buffer.from(BODY) });
    expect(result.kind).toBe('event');
  });

  it('passes when any one of several space-separated values matches', async () => {
    const wrong = `v1=${Buffer.alloc(64, 9).toString('base64')}`;
    expect(await reasonOf(request({ 'X-Webhook-Signature': `${wrong} ${KAT_SPEC_EXAMPLE}`, 'X-Timestamp': TS }))).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': `v1=junk ${KAT_SPEC_EXAMPLE}`, 'X-Timestamp': TS }))).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': `${wrong} v1=junk`, 'X-Timestamp': TS }))).toBe('signature_mismatch');
  });

  it('reports which configured secret matched (rotation)', async () => {
    const req = request({ 'X-Webhook-Signature': KAT_SPEC_EXAMPLE, 'X-Timestamp': TS });
    const rotated = await handler({}, ['whsec-next', SECRET]).verifyAndParse(req);
    expect(rotated).toMatchObject({ kind: 'event', secretIndex: 1 });
    const current = await handler({}, [SECRET, 'whsec-old']).verifyAndParse(req);
    expect(current).toMatchObject({ kind: 'event', secretIndex: 0 });
    const neither = await handler({}, ['whsec-next', 'whsec-old']).verifyAndParse(req);
    expect(neither).toMatchObject({ kind: 'signature_failure', reason: 'signature_mismatch' });
  });
});

describe('Webhooks B signature: opt-in toleranceSeconds', () => {
  const signedAt = (timestamp: string | null) => request(signWebhooksB({ body: BODY, secret: SECRET, timestamp }).headers);

  it('is off by default: any X-Timestamp (or none) verifies', async () => {
    expect(await reasonOf(signedAt('1000000000'))).toBe('event');
    expect(await reasonOf(signedAt('not-a-number'))).toBe('event');
    expect(await reasonOf(signedAt(null))).toBe('event');
  });

  it('refuses missing, non-integer, stale and future timestamps before the HMAC', async () => {
    const tolerance = { toleranceSeconds: 300 };
    expect(await reasonOf(signedAt(null), tolerance)).toBe('timestamp_missing');
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_NO_TIMESTAMP, 'X-Timestamp': '' }), tolerance)).toBe('timestamp_missing');
    for (const bad of ['1732550400.5', '-1732550400', ' 1732550400', '+1732550400', '1e9', 'abc', '1234567890123']) {
      expect(await reasonOf(signedAt(bad), tolerance), bad).toBe('timestamp_invalid');
    }
    expect(await reasonOf(signedAt(String(1732550400 - 301)), tolerance)).toBe('timestamp_too_old');
    expect(await reasonOf(signedAt(String(1732550400 + 301)), tolerance)).toBe('timestamp_in_future');
    // A stale request with a bad signature is refused for its age: the HMAC is never computed.
    const staleForged = request({ 'X-Webhook-Signature': 'v1=junk', 'X-Timestamp': String(1732550400 - 3600) });
    expect(await reasonOf(staleForged, tolerance)).toBe('timestamp_too_old');
  });

  it('accepts the window edges, both directions, and still checks the HMAC', async () => {
    const tolerance = { toleranceSeconds: 300 };
    expect(await reasonOf(signedAt(String(1732550400 - 300)), tolerance)).toBe('event');
    expect(await reasonOf(signedAt(String(1732550400 + 300)), tolerance)).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_SPEC_EXAMPLE, 'X-Timestamp': TS }), tolerance)).toBe('event');
    expect(await reasonOf(request({ 'X-Webhook-Signature': KAT_PUT, 'X-Timestamp': TS }), tolerance)).toBe('signature_mismatch');
  });

  it('rejects a bad tolerance at construction', () => {
    expect(() => webhooksB({ toleranceSeconds: -1 })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});
