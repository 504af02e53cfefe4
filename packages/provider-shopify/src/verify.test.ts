// Shopify's official library only verifies: our signer's output must pass @shopify/shopify-api's
// webhooks.validate(), and what it refuses (tampered body, wrong secret) we refuse too.
import '@shopify/shopify-api/adapters/web-api';
import { createHmac } from 'node:crypto';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import { createWebhookHandler, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { shopify } from './provider.js';
import { signShopify } from './sign.js';

const SECRET = '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';
const encoder = new TextEncoder();
const handler = createWebhookHandler({ provider: shopify(), secret: SECRET });

function officialValidator(secret: string) {
  return shopifyApi({
    apiKey: 'hookgate-test-client-id',
    apiSecretKey: secret,
    scopes: ['read_orders'],
    hostName: 'hooks.example.com',
    apiVersion: ApiVersion.October25,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error, log: async () => {} },
  });
}
const official = officialValidator(SECRET);

/** What @shopify/shopify-api's webhooks.validate says about a delivery. */
async function shopifySays(headers: Record<string, string>, body: string, api = official) {
  const rawRequest = new Request('https://hooks.example.com/webhooks/shopify', { method: 'POST', headers, body });
  return api.webhooks.validate({ rawBody: body, rawRequest, rawResponse: new Response() });
}

function toRequest(headers: Record<string, string>, body: string): WebhookRequest {
  return { method: 'POST', path: '/webhooks/shopify', headers, rawBody: encoder.encode(body) };
}

describe('shopify(): X-Shopify-Hmac-Sha256', () => {
  it.each(Object.entries(fixtures.valid))('signShopify(%s) passes @shopify/shopify-api webhooks.validate and verifies here', async (topic, payload) => {
    const { headers, body } = signShopify({ topic, payload, secret: SECRET });
    expect(headers['x-shopify-hmac-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(await shopifySays(headers, body)).toMatchObject({
      valid: true,
      topic: topic.replace('/', '_').toUpperCase(),
      webhookId: headers['x-shopify-webhook-id'],
    });
    expect(await handler.verifyAndParse(toRequest(headers, body))).toMatchObject({ kind: 'event', event: topic, variant: topic, secretIndex: 0 });
  });

  it('the digest is base64 HMAC-SHA256 of the raw body (an independent node:crypto HMAC verifies)', async () => {
    const body = JSON.stringify(fixtures.valid['orders/create']);
    const { headers } = signShopify({ topic: 'orders/create', body, secret: SECRET });
    const signature = createHmac('sha256', SECRET).update(body).digest('base64');
    expect(headers['x-shopify-hmac-sha256']).toBe(signature);
  });

  it('a tampered body: Shopify’s validator and ours refuse it', async () => {
    const { headers, body } = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: SECRET });
    const tampered = body.replace('"54.90"', '"0.90"');
    expect(await shopifySays(headers, tampered)).toMatchObject({ valid: false, reason: 'invalid_hmac' });
    expect(await handler.verifyAndParse(toRequest(headers, tampered))).toMatchObject({ kind: 'signature_failure', reason: 'signature_mismatch' });
  });

  it('a wrong secret: both refuse', async () => {
    const { headers, body } = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: 'shpss_not_this_app' });
    expect(await shopifySays(headers, body)).toMatchObject({ valid: false, reason: 'invalid_hmac' });
    expect(await handler.verifyAndParse(toRequest(headers, body))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('a missing HMAC header: both refuse', async () => {
    const { headers, body } = signShopify({ topic: 'shop/redact', payload: fixtures.valid['shop/redact'], secret: SECRET });
    const { 'x-shopify-hmac-sha256': _dropped, ...rest } = headers;
    expect(await shopifySays(rest, body)).toMatchObject({ valid: false, reason: 'missing_hmac' });
    expect(await handler.verifyAndParse(toRequest(rest, body))).toMatchObject({ kind: 'signature_failure', reason: 'missing_signature' });
  });

  it('a hex digest (the wrong encoding) is refused', async () => {
    const body = JSON.stringify(fixtures.valid['shop/redact']);
    const { headers } = signShopify({ topic: 'shop/redact', body, secret: SECRET });
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(await handler.verifyAndParse(toRequest({ ...headers, 'x-shopify-hmac-sha256': hex }, body))).toMatchObject({
      kind: 'signature_failure',
      reason: 'malformed_signature',
    });
  });

  it('several secrets (rotating the client secret): either verifies, secretIndex says which', async () => {
    const rotating = createWebhookHandler({ provider: shopify(), secrets: ['shpss_new_secret', SECRET] });
    const payload = fixtures.valid['customers/redact'];
    const withOld = signShopify({ topic: 'customers/redact', payload, secret: SECRET });
    const withNew = signShopify({ topic: 'customers/redact', payload, secret: 'shpss_new_secret' });
    expect(await shopifySays(withNew.headers, withNew.body, officialValidator('shpss_new_secret'))).toMatchObject({ valid: true });
    expect(await rotating.verifyAndParse(toRequest(withOld.headers, withOld.body))).toMatchObject({ kind: 'event', secretIndex: 1 });
    expect(await rotating.verifyAndParse(toRequest(withNew.headers, withNew.body))).toMatchObject({ kind: 'event', secretIndex: 0 });
    const retired = signShopify({ topic: 'customers/redact', payload, secret: 'shpss_retired' });
    expect(await rotating.verifyAndParse(toRequest(retired.headers, retired.body))).toMatchObject({ reason: 'signature_mismatch' });
  });
});
