// Verification against GitHub's official signing library: @octokit/webhooks-methods signs, we
// verify; we sign, it verifies. Only X-Hub-Signature-256 counts (the SHA-1 header alone is refused).
import { createHmac } from 'node:crypto';
import { sign, verify } from '@octokit/webhooks-methods';
import { createWebhookHandler, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { github, GITHUB_SIGNATURE_HEADER } from './provider.js';
import { signGitHub } from './sign.js';

const SECRET = 'It’s a Secret to Everybody';
const encoder = new TextEncoder();
const handler = createWebhookHandler({ provider: github(), secret: SECRET });

function request(body: string, headers: Record<string, string>): WebhookRequest {
  return { method: 'POST', path: '/webhooks/github', headers, rawBody: encoder.encode(body) };
}

function deliveryHeaders(signature: string, event = 'issues'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': 'd3b3e5c0-0000-4000-8000-000000000001',
    'x-hub-signature-256': signature,
  };
}

const { event, payload } = fixtures.valid['issues.opened'];
const body = JSON.stringify(payload);

describe('github(): X-Hub-Signature-256', () => {
  it('verifies what @octokit/webhooks-methods sign() produces', async () => {
    const signature = await sign(SECRET, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await handler.verifyAndParse(request(body, deliveryHeaders(signature)))).toMatchObject({
      kind: 'event',
      event: 'issues',
      variant: 'issues.opened',
      secretIndex: 0,
    });
  });

  it('our signer’s signature passes @octokit/webhooks-methods verify()', async () => {
    const signed = signGitHub({ event, payload, secret: SECRET });
    expect(signed.headers['x-github-event']).toBe('issues');
    expect(signed.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await verify(SECRET, signed.body, signed.headers['x-hub-signature-256']!)).toBe(true);
    expect(await verify('another secret', signed.body, signed.headers['x-hub-signature-256']!)).toBe(false);
  });

  it('a uniform sample of bodies: official sign() ⇄ our verify, same digest as our signer', async () => {
    for (const text of ['{}', '{"zen":"Non-blocking is better than blocking."}', JSON.stringify({ emoji: '🚀', ümlaut: 'ß', nul: '\u0000' })]) {
      const official = await sign(SECRET, text);
      const ours = signGitHub({ event: 'ping', body: text, secret: SECRET }).headers['x-hub-signature-256'];
      expect(ours).toBe(official);
      expect((await handler.verifyAndParse(request(text, deliveryHeaders(official, 'ping')))).kind).not.toBe('signature_failure');
    }
  });

  it('a tampered body is signature_mismatch', async () => {
    const signature = await sign(SECRET, body);
    const tampered = body.replace('unreadable', 'readable');
    expect(await handler.verifyAndParse(request(tampered, deliveryHeaders(signature)))).toMatchObject({
      kind: 'signature_failure',
      reason: 'signature_mismatch',
    });
  });

  it('a signature made with another secret is signature_mismatch', async () => {
    const signature = await sign('wrong secret', body);
    expect(await handler.verifyAndParse(request(body, deliveryHeaders(signature)))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('only the SHA-1 X-Hub-Signature (legacy) → refused as missing_signature, even when it is correct', async () => {
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    const headers = deliveryHeaders('');
    delete headers['x-hub-signature-256'];
    const result = await handler.verifyAndParse(request(body, { ...headers, 'x-hub-signature': sha1 }));
    expect(result).toMatchObject({ kind: 'signature_failure', reason: 'missing_signature' });
    expect(result.kind === 'signature_failure' && result.message).toContain(GITHUB_SIGNATURE_HEADER);
  });

  it('a SHA-1 digest (or an unprefixed SHA-256 one) in X-Hub-Signature-256 is refused', async () => {
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    expect(await handler.verifyAndParse(request(body, deliveryHeaders(sha1)))).toMatchObject({ kind: 'signature_failure', reason: 'malformed_signature' });
    const bare = (await sign(SECRET, body)).slice('sha256='.length);
    expect(await handler.verifyAndParse(request(body, deliveryHeaders(bare)))).toMatchObject({ kind: 'signature_failure', reason: 'malformed_signature' });
  });

  it('rotated secrets: a delivery signed with either passes, secretIndex says which', async () => {
    const rotating = createWebhookHandler({ provider: github(), secrets: ['new secret', SECRET] });
    const withOld = await rotating.verifyAndParse(request(body, deliveryHeaders(await sign(SECRET, body))));
    const withNew = await rotating.verifyAndParse(request(body, deliveryHeaders(await sign('new secret', body))));
    expect(withOld).toMatchObject({ kind: 'event', secretIndex: 1 });
    expect(withNew).toMatchObject({ kind: 'event', secretIndex: 0 });
    const neither = await rotating.verifyAndParse(request(body, deliveryHeaders(await sign('retired secret', body))));
    expect(neither).toMatchObject({ kind: 'signature_failure', reason: 'signature_mismatch' });
  });

  it('verification runs before parsing: a bad signature on an unknown event is still a 401', async () => {
    const outcome = await handler.handle(request('{}', deliveryHeaders(await sign('wrong', '{}'), 'octocat_dance')));
    expect(outcome).toMatchObject({ status: 401, kind: 'rejected_signature' });
  });
});
