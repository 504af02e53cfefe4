// Svix, the best-known Standard Webhooks sender, checked with its own library (`svix`): it signs
// and verifies with svix-* or webhook-* header names.
import { createWebhookHandler } from '@hookgate/core';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { standardWebhooks } from './provider.js';
import { signStandardWebhook } from './sign.js';

const SECRET = `whsec_${Buffer.from('svix-compat-key-24-bytes').toString('base64')}`;
const BODY = JSON.stringify(fixtures.valid['email.delivered']);

async function ours(headers: Record<string, string>, headerPrefix?: string): Promise<string> {
  const handler = createWebhookHandler({ provider: standardWebhooks(headerPrefix ? { headerPrefix } : {}), secret: SECRET });
  const result = await handler.verifyAndParse({ method: 'POST', headers, rawBody: Buffer.from(BODY) });
  return result.kind === 'event' ? `event:${result.event}` : result.reason;
}

function svixVerifies(headers: Record<string, string>): boolean {
  try {
    new SvixWebhook(SECRET).verify(BODY, headers);
    return true;
  } catch {
    return false;
  }
}

describe('Svix', () => {
  it("a Svix-signed delivery verifies with headerPrefix 'svix' (svix-*) and with the default (webhook-*)", async () => {
    const at = new Date();
    const signature = new SvixWebhook(SECRET).sign('msg_svix_1', at, BODY);
    const timestamp = String(Math.floor(at.getTime() / 1000));
    expect(await ours({ 'svix-id': 'msg_svix_1', 'svix-timestamp': timestamp, 'svix-signature': signature }, 'svix')).toBe('event:email.delivered');
    expect(await ours({ 'webhook-id': 'msg_svix_1', 'webhook-timestamp': timestamp, 'webhook-signature': signature })).toBe('event:email.delivered');
  });

  it('Svix verifies what signStandardWebhook() writes, under either header names', () => {
    expect(svixVerifies(signStandardWebhook({ body: BODY, secret: SECRET, headerPrefix: 'svix' }).headers)).toBe(true);
    expect(svixVerifies(signStandardWebhook({ body: BODY, secret: SECRET }).headers)).toBe(true);
  });

  it('what Svix refuses (bare or v1a signature, another id) we refuse', async () => {
    const { headers } = signStandardWebhook({ body: BODY, secret: SECRET, headerPrefix: 'svix' });
    const signature = headers['svix-signature']!;
    for (const changed of [
      { ...headers, 'svix-signature': signature.slice(3) },
      { ...headers, 'svix-signature': `v1a,${signature.slice(3)}` },
      { ...headers, 'svix-id': 'msg_other' },
    ]) {
      expect(svixVerifies(changed)).toBe(false);
      expect(await ours(changed, 'svix')).toMatch(/^(malformed_signature|signature_mismatch)$/);
    }
  });
});
