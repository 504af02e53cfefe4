// Slack's official SDK only verifies: our signer's output must pass @slack/bolt's
// verifySlackRequest, and what it refuses (tampered, wrong secret, stale) we refuse too.
import { createHmac } from 'node:crypto';
import { createWebhookHandler, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { boltAccepts as accepts } from '../test/bolt.js';
import { fixtures } from './fixtures.js';
import { slack } from './provider.js';
import { signSlack } from './sign.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_764_661_200_000; // 2025-12-02T07:40:00Z
const encoder = new TextEncoder();
const handler = createWebhookHandler({ provider: slack(), secret: SECRET, now: () => NOW });

function toRequest(headers: Record<string, string>, body: string): WebhookRequest {
  return { method: 'POST', path: '/webhooks/slack', headers, rawBody: encoder.encode(body) };
}

/** What @slack/bolt says about a delivery, at our clock. */
const boltAccepts = (headers: Record<string, string>, body: string, secret = SECRET): boolean => accepts(headers, body, secret, NOW);

const signed = (payload: unknown, options: { secret?: string; timestamp?: number } = {}) =>
  signSlack({ payload, secret: options.secret ?? SECRET, now: NOW, ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }) });

describe('slack(): X-Slack-Signature v0', () => {
  it.each(Object.entries(fixtures.valid))("signSlack(%s) passes @slack/bolt's verifier and verifies here", async (_name, payload) => {
    const { headers, body } = signed(payload);
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(headers['x-slack-request-timestamp']).toBe(String(NOW / 1000));
    expect(boltAccepts(headers, body)).toBe(true);
    expect((await handler.verifyAndParse(toRequest(headers, body))).kind).toBe('event');
  });

  it('the signed message is v0:{timestamp}:{body} (an independent node:crypto HMAC verifies)', async () => {
    const body = JSON.stringify(fixtures.valid.message);
    const timestamp = String(NOW / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    expect(await handler.verifyAndParse(toRequest({ 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, body))).toMatchObject({
      kind: 'event',
      event: 'event_callback',
      variant: 'message',
    });
    expect(boltAccepts({ 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, body)).toBe(true);
  });

  const refusals: Array<[string, () => { headers: Record<string, string>; body: string }, string]> = [
    [
      'tampered body',
      () => {
        const { headers, body } = signed(fixtures.valid.app_mention);
        return { headers, body: body.replace('deploy finished', 'deploy started') };
      },
      'signature_mismatch',
    ],
    ['wrong secret', () => signed(fixtures.valid.app_mention, { secret: 'not-the-signing-secret' }), 'signature_mismatch'],
    [
      'tampered timestamp',
      () => {
        const { headers, body } = signed(fixtures.valid.app_mention);
        return { headers: { ...headers, 'x-slack-request-timestamp': String(NOW / 1000 - 1) }, body };
      },
      'signature_mismatch',
    ],
    ['stale timestamp (301 s old, correctly signed)', () => signed(fixtures.valid.app_mention, { timestamp: NOW / 1000 - 301 }), 'timestamp_too_old'],
    [
      'v1= instead of v0=',
      () => {
        const { headers, body } = signed(fixtures.valid.app_mention);
        return { headers: { ...headers, 'x-slack-signature': headers['x-slack-signature']!.replace('v0=', 'v1=') }, body };
      },
      'malformed_signature',
    ],
  ];
  it.each(refusals)('%s: @slack/bolt refuses it and so do we', async (_name, make, reason) => {
    const { headers, body } = make();
    expect(boltAccepts(headers, body)).toBe(false);
    expect(await handler.verifyAndParse(toRequest(headers, body))).toMatchObject({ kind: 'signature_failure', reason });
  });

  it('the 300 s window: 299 s old or ahead passes (as in bolt); 301 s ahead is refused here (bolt only bounds the past)', async () => {
    for (const offset of [-299, 299]) {
      const { headers, body } = signed(fixtures.valid.message, { timestamp: NOW / 1000 + offset });
      expect(boltAccepts(headers, body)).toBe(true);
      expect((await handler.verifyAndParse(toRequest(headers, body))).kind).toBe('event');
    }
    // Stricter than bolt on purpose: a timestamp far in the future is a replay waiting to happen.
    const future = signed(fixtures.valid.message, { timestamp: NOW / 1000 + 301 });
    expect(await handler.verifyAndParse(toRequest(future.headers, future.body))).toMatchObject({ reason: 'timestamp_in_future' });
  });

  it('a missing timestamp header is timestamp_missing', async () => {
    const { headers, body } = signed(fixtures.valid.message);
    const { 'x-slack-request-timestamp': _dropped, ...rest } = headers;
    expect(await handler.verifyAndParse(toRequest(rest, body))).toMatchObject({ kind: 'signature_failure', reason: 'timestamp_missing' });
  });

  it('several secrets (rotation): either verifies, secretIndex says which; both pass bolt with their own secret', async () => {
    const rotating = createWebhookHandler({ provider: slack(), secrets: ['new-signing-secret', SECRET], now: () => NOW });
    const withOld = signed(fixtures.valid.message);
    const withNew = signed(fixtures.valid.message, { secret: 'new-signing-secret' });
    expect(boltAccepts(withNew.headers, withNew.body, 'new-signing-secret')).toBe(true);
    expect(await rotating.verifyAndParse(toRequest(withOld.headers, withOld.body))).toMatchObject({ kind: 'event', secretIndex: 1 });
    expect(await rotating.verifyAndParse(toRequest(withNew.headers, withNew.body))).toMatchObject({ kind: 'event', secretIndex: 0 });
    const retired = signed(fixtures.valid.message, { secret: 'retired' });
    expect(await rotating.verifyAndParse(toRequest(retired.headers, retired.body))).toMatchObject({ reason: 'signature_mismatch' });
  });
});
