import { createWebhookHandler, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { pylon, type PylonOptions } from './provider.js';
import { signPylon } from './sign.js';

const SECRET = 'pylon-secret';
const NOW = 1_732_550_400_000; // 2024-11-25T16:00:00Z
const TS = '1732550400';
const BODY = '{"event_type":"issue_new","issue_id":"iss_1","issue_title":"Printer on fire"}';
// Pretty-printed and non-ASCII: verified over these exact UTF-8 bytes.
const UNICODE_BODY = '{\n  "event_type": "issue_new",\n  "issue_id": "iss_2",\n  "issue_title": "Imprimante en feu 🔥 — naïve"\n}';

// Known answers from an independent implementation (Python 3 hmac/hashlib):
//   hmac.new(b'pylon-secret', ts.encode() + b'.' + body_bytes, hashlib.sha256).hexdigest()   (timestamped)
//   hmac.new(b'pylon-secret', body_bytes, hashlib.sha256).hexdigest()                        (body only)
const KAT_TIMESTAMPED = '3e34c49db58e5fc9e43ee568e20ab0adef22f349f4bb3ae1a2eba0c31bbf756c'; // TS, BODY
const KAT_BODY_ONLY = '71b85f0d817491f01718517d5a93888652676a2607d5c195c57a250a71f97425'; // BODY
const KAT_UNICODE = 'cb41a75ecb748ac5c6d123b0d71dcf6180a5f003954e3cffc3716636f6cdfbd3'; // TS, UNICODE_BODY

function request(headers: Record<string, string>, body: string = BODY): WebhookRequest {
  return { method: 'POST', headers, rawBody: Buffer.from(body, 'utf8') };
}

async function reasonOf(req: WebhookRequest, options: PylonOptions = {}, secrets: string[] = [SECRET]): Promise<string> {
  const handler = createWebhookHandler({ provider: pylon(options), secrets, now: () => NOW });
  const result = await handler.verifyAndParse(req);
  return result.kind === 'event' ? 'event' : result.reason;
}

const signedAt = (timestamp: string | null, body = BODY) => request(signPylon({ body, secret: SECRET, timestamp }).headers, body);

describe('Pylon signature: known answers (Python hmac)', () => {
  it('signs `${timestamp}.${body}` and the body alone byte for byte', () => {
    const timestamped = signPylon({ body: BODY, secret: SECRET, timestamp: TS });
    expect(timestamped.headers).toEqual({
      'content-type': 'application/json',
      'X-Pylon-Timestamp': TS,
      'X-Pylon-Signature': KAT_TIMESTAMPED,
    });
    expect(signPylon({ body: BODY, secret: SECRET, timestamp: null }).headers).toEqual({
      'content-type': 'application/json',
      'X-Pylon-Signature': KAT_BODY_ONLY,
    });
    expect(signPylon({ body: UNICODE_BODY, secret: SECRET, timestamp: TS }).headers['X-Pylon-Signature']).toBe(KAT_UNICODE);
  });

  it('stamps "now" in seconds by default', () => {
    expect(signPylon({ body: BODY, secret: SECRET, now: NOW + 999 }).headers['X-Pylon-Timestamp']).toBe(TS);
  });

  it('accepts each independent vector, in lower or upper case hex', async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_TIMESTAMPED, 'X-Pylon-Timestamp': TS }))).toBe('event');
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_BODY_ONLY }))).toBe('event');
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_UNICODE, 'X-Pylon-Timestamp': TS }, UNICODE_BODY))).toBe('event');
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_TIMESTAMPED.toUpperCase(), 'X-Pylon-Timestamp': TS }))).toBe('event');
  });

  it('verifies raw bytes: the same JSON re-serialised no longer verifies', async () => {
    const headers = { 'X-Pylon-Signature': KAT_UNICODE, 'X-Pylon-Timestamp': TS };
    expect(await reasonOf(request(headers, JSON.stringify(JSON.parse(UNICODE_BODY))))).toBe('signature_mismatch');
  });
});

describe('Pylon signature: timestamp modes', () => {
  it("'optional' (default): a present timestamp must be signed — no fallback to the body-only form", async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_BODY_ONLY, 'X-Pylon-Timestamp': TS }))).toBe('signature_mismatch');
  });

  it("'optional': an absent or empty timestamp header means the body-only form", async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_BODY_ONLY, 'X-Pylon-Timestamp': '' }))).toBe('event');
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_TIMESTAMPED }))).toBe('signature_mismatch');
  });

  it('a stripped timestamp does not verify (the timestamped digest is not a body-only digest)', async () => {
    const { headers } = signPylon({ body: BODY, secret: SECRET, timestamp: TS });
    const { 'X-Pylon-Timestamp': _, ...stripped } = headers;
    expect(await reasonOf(request(stripped))).toBe('signature_mismatch');
    expect(await reasonOf(request(stripped), { timestamp: 'required' })).toBe('timestamp_missing');
  });

  it("'required': a missing or empty timestamp → timestamp_missing; a timestamped signature passes", async () => {
    expect(await reasonOf(signedAt(null), { timestamp: 'required' })).toBe('timestamp_missing');
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_BODY_ONLY, 'X-Pylon-Timestamp': '' }), { timestamp: 'required' })).toBe('timestamp_missing');
    expect(await reasonOf(signedAt(TS), { timestamp: 'required' })).toBe('event');
  });

  it("'ignore': the header is not looked at, the body alone is signed", async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_BODY_ONLY, 'X-Pylon-Timestamp': 'garbage' }), { timestamp: 'ignore' })).toBe('event');
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_BODY_ONLY, 'X-Pylon-Timestamp': '1' }), { timestamp: 'ignore' })).toBe('event');
    expect(await reasonOf(signedAt(TS), { timestamp: 'ignore' })).toBe('signature_mismatch');
  });

  it('rejects an unknown mode or a bad tolerance at construction', () => {
    // @ts-expect-error not a mode
    expect(() => pylon({ timestamp: 'sometimes' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => pylon({ toleranceSeconds: Number.NaN })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('Pylon signature: order of checks and every reason', () => {
  it('signature header missing or empty → missing_signature, before anything else', async () => {
    expect(await reasonOf(request({ 'X-Pylon-Timestamp': TS }))).toBe('missing_signature');
    expect(await reasonOf(request({ 'X-Pylon-Signature': '', 'X-Pylon-Timestamp': 'garbage' }))).toBe('missing_signature');
  });

  it.each(['1732550400.5', '-1732550400', '+1732550400', ' 1732550400', '1732550400 ', '1e9', '0x6744', 'abc', '1234567890123', '١٧٣٢٥٥٠٤٠٠'])(
    'timestamp %j → timestamp_invalid',
    async (timestamp) => {
      expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_TIMESTAMPED, 'X-Pylon-Timestamp': timestamp }))).toBe('timestamp_invalid');
    },
  );

  it('outside the tolerance → timestamp_too_old / timestamp_in_future; the edges are inside', async () => {
    expect(await reasonOf(signedAt(String(1732550400 - 301)))).toBe('timestamp_too_old');
    expect(await reasonOf(signedAt(String(1732550400 + 301)))).toBe('timestamp_in_future');
    expect(await reasonOf(signedAt(String(1732550400 - 300)))).toBe('event');
    expect(await reasonOf(signedAt(String(1732550400 + 300)))).toBe('event');
    expect(await reasonOf(signedAt('1'))).toBe('timestamp_too_old');
  });

  it('honours a configured tolerance', async () => {
    expect(await reasonOf(signedAt(String(1732550400 - 120)), { toleranceSeconds: 60 })).toBe('timestamp_too_old');
    expect(await reasonOf(signedAt(String(1732550400 + 3000)), { toleranceSeconds: 3600 })).toBe('event');
  });

  it('checks the timestamp before the HMAC: a stale forged request is refused for its age', async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': 'not-hex', 'X-Pylon-Timestamp': '1000000000' }))).toBe('timestamp_too_old');
    expect(await reasonOf(request({ 'X-Pylon-Signature': 'not-hex', 'X-Pylon-Timestamp': 'soon' }))).toBe('timestamp_invalid');
  });

  it.each([
    ['63 hex digits', KAT_TIMESTAMPED.slice(1)],
    ['65 hex digits', `${KAT_TIMESTAMPED}0`],
    ['a non-hex digit', `${KAT_TIMESTAMPED.slice(1)}g`],
    ['a sha256= prefix', `sha256=${KAT_TIMESTAMPED}`],
    ['base64 (wrong encoding)', Buffer.from(KAT_TIMESTAMPED, 'hex').toString('base64')],
    ['a SHA-512 digest (wrong algorithm)', 'ab'.repeat(64)],
    ['a SHA-1 digest (wrong algorithm)', 'ab'.repeat(20)],
  ])('%s → malformed_signature', async (_, signature) => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': signature, 'X-Pylon-Timestamp': TS }))).toBe('malformed_signature');
  });

  it('wrong digest, wrong secret, tampered timestamp or body → signature_mismatch', async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': '0'.repeat(64), 'X-Pylon-Timestamp': TS }))).toBe('signature_mismatch');
    expect(await reasonOf(request(signPylon({ body: BODY, secret: 'other', timestamp: TS }).headers))).toBe('signature_mismatch');
    const { headers } = signPylon({ body: BODY, secret: SECRET, timestamp: TS });
    expect(await reasonOf(request({ ...headers, 'X-Pylon-Timestamp': '1732550401' }))).toBe('signature_mismatch');
    expect(await reasonOf(request(headers, BODY.replace('fire', 'FIRE')))).toBe('signature_mismatch');
    expect(await reasonOf(request(headers, `${BODY}\n`))).toBe('signature_mismatch');
  });

  it('verifies before parsing: invalid JSON with a bad signature is a signature failure', async () => {
    expect(await reasonOf(request({ 'X-Pylon-Signature': KAT_TIMESTAMPED, 'X-Pylon-Timestamp': TS }, '{oops'))).toBe('signature_mismatch');
  });
});

describe('Pylon signature: header names and rotation', () => {
  it('finds lower-case and odd-case header names', async () => {
    expect(await reasonOf(request({ 'x-pylon-signature': KAT_TIMESTAMPED, 'x-pylon-timestamp': TS }))).toBe('event');
    expect(await reasonOf(request({ 'X-PYLON-SIGNATURE': KAT_TIMESTAMPED, 'x-Pylon-timestamp': TS }))).toBe('event');
  });

  it('reports which configured secret matched, and refuses when none does', async () => {
    const req = request({ 'X-Pylon-Signature': KAT_TIMESTAMPED, 'X-Pylon-Timestamp': TS });
    const handler = createWebhookHandler({ provider: pylon(), secrets: ['pylon-next', SECRET], now: () => NOW });
    expect(await handler.verifyAndParse(req)).toMatchObject({ kind: 'event', secretIndex: 1 });
    expect(await reasonOf(req, {}, ['pylon-next', 'pylon-old'])).toBe('signature_mismatch');
  });
});
