// The Standard Webhooks rules, checked against the official `standardwebhooks` library: what it
// signs we accept, what our signer writes it accepts, and what it refuses we refuse.
import { createHmac, type KeyObject } from 'node:crypto';
import { createWebhookHandler, HookgateError, type WebhookRequest } from '@hookgate/core';
import { prepareSecrets } from '@hookgate/core/provider';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { standardWebhooks, type StandardWebhooksOptions } from './provider.js';
import { signStandardWebhook } from './sign.js';

const KEY = Buffer.from('hookgate-standard-webhooks-test-key!', 'utf8'); // 36 bytes
const SECRET = `whsec_${KEY.toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('the previous key, still in rotation').toString('base64')}`;
const NOW_S = 1_732_550_400;
const NOW = NOW_S * 1000;
const ID = 'msg_2pQxK7rT9vLm3NcY8wZ1';
const BODY = JSON.stringify(fixtures.valid['invoice.paid']);

const officialSignature = (options: { secret?: string; id?: string; timestamp?: number; body?: string } = {}) =>
  new Webhook(options.secret ?? SECRET).sign(options.id ?? ID, new Date((options.timestamp ?? NOW_S) * 1000), options.body ?? BODY);

function headers(signature: string, timestamp: number = NOW_S, id: string = ID): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

function request(headerRecord: Record<string, string>, body: string = BODY): WebhookRequest {
  return { method: 'POST', headers: headerRecord, rawBody: Buffer.from(body, 'utf8') };
}

async function ours(req: WebhookRequest, secrets: string[] = [SECRET], options: StandardWebhooksOptions = {}, now = NOW): Promise<string> {
  const handler = createWebhookHandler({ provider: standardWebhooks(options), secrets, now: () => now });
  const result = await handler.verifyAndParse(req);
  return result.kind === 'event' ? `event:${result.event}:${result.secretIndex}` : result.reason;
}

/** What the official `Webhook.verify` says (it reads the real clock). */
function theirs(headerRecord: Record<string, string>, body: string = BODY, secret: string = SECRET): string {
  try {
    const payload = new Webhook(secret).verify(body, headerRecord) as { type?: string };
    return `event:${payload.type}`;
  } catch (error) {
    return error instanceof Error && error.name === 'WebhookVerificationError' ? 'refused' : `threw: ${String(error)}`;
  }
}

describe('Standard Webhooks: official signer → our verifier', () => {
  it('accepts what Webhook.sign produces; event = body type; the secret index is reported', async () => {
    expect(await ours(request(headers(officialSignature())))).toBe('event:invoice.paid:0');
  });

  it('accepts every fixture and a non-ASCII, pretty-printed body byte for byte', async () => {
    for (const [type, payload] of Object.entries(fixtures.valid)) {
      const body = JSON.stringify(payload, null, type.length % 3);
      expect(await ours(request(headers(officialSignature({ body })), body)), type).toBe(`event:${type}:0`);
    }
    const unicode = JSON.stringify({ type: 'note.created', data: { text: 'Grüße — ✓ 🧾' } }, null, 2);
    expect(await ours(request(headers(officialSignature({ body: unicode })), unicode))).toBe('event:note.created:0');
  });
});

describe('Standard Webhooks: our signer → official verifier', () => {
  it('Webhook.verify accepts signStandardWebhook() output', () => {
    const { headers: signed, body } = signStandardWebhook({ payload: fixtures.valid['user.created'], secret: SECRET });
    expect(signed['content-type']).toBe('application/json');
    expect(signed['webhook-id']).toMatch(/^msg_/);
    expect(theirs(signed, body)).toBe('event:user.created');
  });

  it('produces exactly the official signature for the same id, timestamp and body', () => {
    const { headers: signed } = signStandardWebhook({ body: BODY, secret: SECRET, id: ID, timestamp: NOW_S });
    expect(signed['webhook-signature']).toBe(officialSignature());
    expect(signed['webhook-timestamp']).toBe(String(NOW_S));
  });

  it('with two secrets it writes two v1 entries, and the official verifier accepts it with either', () => {
    const { headers: signed, body } = signStandardWebhook({ body: BODY, secret: [SECRET, OLD_SECRET] });
    expect(signed['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(theirs(signed, body, SECRET)).toBe('event:invoice.paid');
    expect(theirs(signed, body, OLD_SECRET)).toBe('event:invoice.paid');
  });
});

describe('Standard Webhooks secret rule: whsec_ + base64 of the key', () => {
  it('the key is the decoded bytes; bare base64 is the same key, as in the official library', async () => {
    const [key] = prepareSecrets(SECRET, standardWebhooks().verification.secretFormat).keys;
    // On Node the prepared key is a KeyObject (Web Crypto runtimes hold the bytes instead).
    expect((key as KeyObject).export()).toEqual(KEY);
    const bare = KEY.toString('base64');
    expect(await ours(request(headers(officialSignature())), [bare])).toBe('event:invoice.paid:0');
    expect(officialSignature({ secret: bare })).toBe(officialSignature());
  });

  it('a signature made with the secret text as key (the Stripe rule) is refused by both', async () => {
    const wrongKey = `v1,${createHmac('sha256', SECRET).update(`${ID}.${NOW_S}.${BODY}`).digest('base64')}`;
    expect(await ours(request(headers(wrongKey)))).toBe('signature_mismatch');
    const now = Math.floor(Date.now() / 1000);
    const wrongNow = `v1,${createHmac('sha256', SECRET).update(`${ID}.${now}.${BODY}`).digest('base64')}`;
    expect(theirs(headers(wrongNow, now))).toBe('refused');
  });

  it.each(['my webhook secret', 'whsec_', 'whsec_ab-_cd', 'whsec_====', 'whsec_abc$'])(
    'a secret the official library refuses is refused at construction, naming no secret: %j',
    (secret) => {
      expect(() => new Webhook(secret)).toThrow();
      try {
        createWebhookHandler({ provider: standardWebhooks(), secret });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(HookgateError);
        expect((error as HookgateError).code).toBe('invalid_config');
        expect((error as Error).message).toContain('whsec_ followed by base64');
        if (secret.length > 'whsec_'.length) expect((error as Error).message).not.toContain(secret);
      }
    },
  );

  it('stricter at construction: a trailing newline or an impossible length (the official decoder skips them) is refused', () => {
    for (const secret of [`${SECRET}\n`, 'whsec_abcde']) {
      expect(() => new Webhook(secret)).not.toThrow();
      expect(() => createWebhookHandler({ provider: standardWebhooks(), secret })).toThrow(/whitespace|length/);
    }
  });
});

describe('Standard Webhooks: refused by both', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const live = (signature: (ts: number) => string, offset = 0, body = BODY) => {
    const ts = now() + offset;
    return { record: headers(signature(ts), ts), body };
  };
  const both = async (record: Record<string, string>, body = BODY) => [theirs(record, body), await ours(request(record, body), [SECRET], {}, Date.now())];

  it('tampered body', async () => {
    const { record } = live((ts) => officialSignature({ timestamp: ts }));
    const [official, mine] = await both(record, BODY.replace('4900', '4901'));
    expect(official).toBe('refused');
    expect(mine).toBe('signature_mismatch');
  });

  it('wrong secret', async () => {
    const { record } = live((ts) => officialSignature({ timestamp: ts, secret: OLD_SECRET }));
    expect(await both(record)).toEqual(['refused', 'signature_mismatch']);
  });

  it('stale and future timestamps (6 minutes either way); 4 minutes is inside for both', async () => {
    expect(await both(live((ts) => officialSignature({ timestamp: ts }), -360).record)).toEqual(['refused', 'timestamp_too_old']);
    expect(await both(live((ts) => officialSignature({ timestamp: ts }), 360).record)).toEqual(['refused', 'timestamp_in_future']);
    expect(await both(live((ts) => officialSignature({ timestamp: ts }), -240).record)).toEqual(['event:invoice.paid', 'event:invoice.paid:0']);
  });

  it('a bare signature, v1a, v2 and other labels are never accepted', async () => {
    for (const form of [
      (sig: string) => sig,
      (sig: string) => `v1a,${sig}`,
      (sig: string) => `v2,${sig}`,
      (sig: string) => `V1,${sig}`,
      (sig: string) => `v1=${sig}`,
    ]) {
      const { record } = live((ts) => form(officialSignature({ timestamp: ts }).slice(3)));
      const [official, mine] = await both(record);
      expect(official, record['webhook-signature']).toBe('refused');
      expect(mine, record['webhook-signature']).toBe('malformed_signature');
    }
  });

  it('the id is signed: another webhook-id is refused; a missing header is refused', async () => {
    const { record } = live((ts) => officialSignature({ timestamp: ts }));
    expect(await both({ ...record, 'webhook-id': 'msg_other' })).toEqual(['refused', 'signature_mismatch']);
    const { 'webhook-id': _id, ...noId } = record;
    expect(await both(noId)).toEqual(['refused', 'missing_header']);
    const { 'webhook-timestamp': _ts, ...noTimestamp } = record;
    expect(await both(noTimestamp)).toEqual(['refused', 'timestamp_missing']);
    const { 'webhook-signature': _sig, ...noSignature } = record;
    expect(await both(noSignature)).toEqual(['refused', 'missing_signature']);
  });

  it('an empty webhook-id, even with a signature made over it, is refused by both (not deduped by a body hash)', async () => {
    const ts = now();
    const record = headers(officialSignature({ id: '', timestamp: ts }), ts, '');
    expect(await both(record)).toEqual(['refused', 'missing_header']);
    // Its tampered twin is still a mismatch: the empty id only changes the answer of a good signature.
    expect(await both(record, BODY.replace('4900', '4901'))).toEqual(['refused', 'signature_mismatch']);
  });

  it.each([
    ['garbage', 'not a signature'],
    ['truncated digest', 'v1,SIG'.slice(0, -2)],
    ['tab-separated', 'v1,OTHER\tv1,SIG'],
    ['empty entries only', '   '],
  ])('malformed: %s', async (_name, template) => {
    const { record } = live((ts) => {
      const sig = officialSignature({ timestamp: ts }).slice(3);
      return template.replaceAll('SIG', sig).replace('OTHER', officialSignature({ timestamp: ts, secret: OLD_SECRET }).slice(3));
    });
    const [official, mine] = await both(record);
    expect(official).toBe('refused');
    expect(mine).not.toMatch(/^event/);
  });
});

describe('Standard Webhooks: where we are deliberately stricter', () => {
  it('an entry with a second comma (v1,SIG,v1,SIG) is malformed (the official library reads the part before it)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sig = officialSignature({ timestamp: now }).slice(3);
    const record = headers(`v1,${sig},v1,${sig}`, now);
    expect(theirs(record)).toBe('event:invoice.paid');
    expect(await ours(request(record), [SECRET], {}, now * 1000)).toBe('malformed_signature');
  });

  it('a timestamp that parseInt would truncate (1732550400abc) is timestamp_invalid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const record = { ...headers(officialSignature({ timestamp: now }), now), 'webhook-timestamp': `${now}abc` };
    expect(theirs(record)).toBe('event:invoice.paid'); // it signs over the parsed integer
    expect(await ours(request(record), [SECRET], {}, now * 1000)).toBe('timestamp_invalid');
  });
});

describe('Standard Webhooks: several signatures and rotated secrets', () => {
  it('any v1 entry of the list may match, wherever it sits, next to v1a entries', async () => {
    const good = officialSignature();
    const other = officialSignature({ secret: OLD_SECRET });
    for (const list of [`${other} ${good}`, `${good} ${other}`, `v1a,${good.slice(3)} ${other} ${good}`]) {
      expect(await ours(request(headers(list))), list).toBe('event:invoice.paid:0');
    }
    const now = Math.floor(Date.now() / 1000);
    const liveList = `${officialSignature({ secret: OLD_SECRET, timestamp: now })} ${officialSignature({ timestamp: now })}`;
    expect(theirs(headers(liveList, now))).toBe('event:invoice.paid');
  });

  it('secrets: [next, current] — either verifies and says which', async () => {
    expect(await ours(request(headers(officialSignature({ secret: OLD_SECRET }))), [SECRET, OLD_SECRET])).toBe('event:invoice.paid:1');
    expect(await ours(request(headers(officialSignature())), [SECRET, OLD_SECRET])).toBe('event:invoice.paid:0');
    expect(await ours(request(headers(officialSignature({ secret: OLD_SECRET }))))).toBe('signature_mismatch');
  });
});

describe('Standard Webhooks: options and hostile headers', () => {
  it('toleranceSeconds widens the window', async () => {
    const record = headers(officialSignature({ timestamp: NOW_S - 500 }), NOW_S - 500);
    expect(await ours(request(record), [SECRET], { toleranceSeconds: 600 })).toBe('event:invoice.paid:0');
    expect(await ours(request(record))).toBe('timestamp_too_old');
  });

  it("headerPrefix 'svix' reads svix-id, svix-timestamp and svix-signature", async () => {
    const record = { 'svix-id': ID, 'svix-timestamp': String(NOW_S), 'svix-signature': officialSignature() };
    expect(await ours(request(record), [SECRET], { headerPrefix: 'svix' })).toBe('event:invoice.paid:0');
    expect(await ours(request(record))).toBe('missing_signature');
    expect(() => standardWebhooks({ headerPrefix: 'svix id' })).toThrow(HookgateError);
  });

  it('huge headers are refused after a bounded scan, never thrown', async () => {
    const good = officialSignature();
    for (const signature of [`${Array(5000).fill('v1a,xx').join(' ')} ${good}`, ' '.repeat(1_000_000), `v1,${'A'.repeat(1_000_000)}`]) {
      expect(await ours(request(headers(signature)))).toBe('malformed_signature');
    }
    expect(await ours(request({ ...headers(good), 'webhook-timestamp': '9'.repeat(100_000) }))).toBe('timestamp_invalid');
  });

  it('property: whatever a mutated signature header, we accept it only when the official verifier does', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = officialSignature({ timestamp: now });
    const alphabet = fc.constantFrom(...'v1a, =+/AQ0'.split(''));
    await fc.assert(
      fc.asyncProperty(fc.nat(good.length), fc.nat(4), fc.array(alphabet, { maxLength: 5 }), async (at, cut, insert) => {
        const signature = good.slice(0, at) + insert.join('') + good.slice(Math.min(good.length, at + cut));
        const record = headers(signature, now);
        if ((await ours(request(record), [SECRET], {}, now * 1000)).startsWith('event')) expect(theirs(record)).toBe('event:invoice.paid');
      }),
      { numRuns: 300 },
    );
  });
});
