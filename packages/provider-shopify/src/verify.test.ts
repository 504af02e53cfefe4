// Shopify's official library only verifies: our signer's output must pass @shopify/shopify-api's
// webhooks.validate(), and what it refuses (tampered body, wrong secret) we refuse too.
import '@shopify/shopify-api/adapters/web-api';
import { createHmac } from 'node:crypto';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import { createWebhookHandler, diagnoseVerification, MemoryStore, REDACTED, type WebhookRequest } from '@hookgate/core';
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

describe('shopify(): the events header names (shopify-hmac-sha256, shopify-topic, …)', () => {
  it.each(Object.entries(fixtures.valid))(
    "signShopify(%s, { format: 'events' }) passes webhooks.validate as an events delivery and is handled here",
    async (topic, payload) => {
      const { headers, body } = signShopify({ topic, payload, secret: SECRET, format: 'events', webhookId: 'wh-1', eventId: 'ev-1' });
      expect(Object.keys(headers).filter((name) => name.startsWith('x-'))).toEqual([]);
      expect(headers['shopify-hmac-sha256']).toBe(createHmac('sha256', SECRET).update(body).digest('base64'));
      expect(await shopifySays(headers, body)).toMatchObject({ valid: true, webhookType: 'events', webhookId: 'wh-1', eventId: 'ev-1' });
      expect(await handler.verifyAndParse(toRequest(headers, body))).toMatchObject({ kind: 'event', event: topic, variant: topic, secretIndex: 0 });
    },
  );

  it('a tampered body, a wrong secret or a missing HMAC: both refuse', async () => {
    const payload = fixtures.valid['orders/create'];
    const { headers, body } = signShopify({ topic: 'orders/create', payload, secret: SECRET, format: 'events' });
    const tampered = body.replace('"54.90"', '"0.90"');
    expect(await shopifySays(headers, tampered)).toMatchObject({ valid: false, reason: 'invalid_hmac' });
    expect(await handler.verifyAndParse(toRequest(headers, tampered))).toMatchObject({ kind: 'signature_failure', reason: 'signature_mismatch' });
    const wrong = signShopify({ topic: 'orders/create', payload, secret: 'shpss_not_this_app', format: 'events' });
    expect(await handler.verifyAndParse(toRequest(wrong.headers, wrong.body))).toMatchObject({ reason: 'signature_mismatch' });
    const { 'shopify-hmac-sha256': _dropped, ...rest } = headers;
    expect(await shopifySays(rest, body)).toMatchObject({ valid: false });
    expect(await handler.verifyAndParse(toRequest(rest, body))).toMatchObject({ kind: 'signature_failure', reason: 'missing_signature' });
  });

  it('the classic header wins when both are present: a bad X-Shopify-Hmac-Sha256 is not rescued by a good events one', async () => {
    const { headers, body } = signShopify({ topic: 'shop/redact', payload: fixtures.valid['shop/redact'], secret: SECRET });
    const both = {
      ...headers,
      'shopify-hmac-sha256': headers['x-shopify-hmac-sha256']!,
      'x-shopify-hmac-sha256': createHmac('sha256', 'other').update(body).digest('base64'),
    };
    expect(await handler.verifyAndParse(toRequest(both, body))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('handled end to end: dedupe by shopify-webhook-id (or shopify-event-id), the HMAC redacted in the record', async () => {
    const store = new MemoryStore();
    const recorded = createWebhookHandler({ provider: shopify(), secret: SECRET, store });
    const byEvent = createWebhookHandler({ provider: shopify({ id: 'shopify-ev', dedupeBy: 'event-id' }), secret: SECRET, store });
    const payload = fixtures.valid['orders/create'];
    const first = signShopify({ topic: 'orders/create', payload, secret: SECRET, format: 'events', webhookId: 'wh-7', eventId: 'ev-7' });
    const retry = signShopify({ topic: 'orders/create', payload, secret: SECRET, format: 'events', webhookId: 'wh-7', eventId: 'ev-8' });
    const handled = await recorded.handle(toRequest(first.headers, first.body));
    expect(handled).toMatchObject({ status: 200, kind: 'handled', event: 'orders/create' });
    expect(await recorded.handle(toRequest(retry.headers, retry.body))).toMatchObject({ kind: 'duplicate', duplicateOf: handled.deliveryId });
    const stored = await store.get(handled.deliveryId!);
    expect(stored).toMatchObject({ dedupeKey: 'wh-7' });
    expect(stored!.headers['shopify-hmac-sha256']).toBe(REDACTED);
    expect(await byEvent.handle(toRequest(first.headers, first.body))).toMatchObject({ kind: 'handled' });
    const again = await byEvent.handle(toRequest(retry.headers, retry.body));
    expect(again).toMatchObject({ kind: 'handled' }); // another event id: not a duplicate under dedupeBy 'event-id'
    expect((await store.get(again.deliveryId!))?.dedupeKey).toBe('ev-8');
  });

  it('diagnoseVerification reads the form that arrived: an events delivery is diagnosed on Shopify-Hmac-Sha256', async () => {
    const strategy = shopify().verification;
    const { headers, body } = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: SECRET, format: 'events' });
    const request = toRequest(headers, body);
    // Signed with the secret that is now retired: the debugger must find the sent signature, not report it missing.
    const rotated = await diagnoseVerification({ strategy, request, secrets: ['shpss_the_new_secret'], retiredSecrets: [SECRET] });
    expect(rotated.verified).toBe(false);
    expect(rotated.signatureChecked).toBe(true);
    expect(rotated.findings.map((finding) => finding.code)).toContain('retired_secret');
    expect(rotated.findings.map((finding) => finding.code)).not.toContain('signature_header_missing');
    // As recorded (HMAC redacted): the finding names the events header.
    const recorded = { ...request, headers: { ...headers, 'shopify-hmac-sha256': REDACTED } };
    const fromStore = await diagnoseVerification({ strategy, request: recorded, secrets: [SECRET] });
    const notRecorded = fromStore.findings.find((finding) => finding.code === 'signature_not_recorded');
    expect(notRecorded?.problem).toContain('Shopify-Hmac-Sha256');
    expect(notRecorded?.problem).not.toContain('X-Shopify');
    // The classic form is still diagnosed on X-Shopify-Hmac-Sha256.
    const classic = signShopify({ topic: 'orders/create', payload: fixtures.valid['orders/create'], secret: SECRET });
    expect(strategy.forRequest?.(classic.headers).signatureHeader).toBe('X-Shopify-Hmac-Sha256');
    expect(strategy.forRequest?.(headers).signatureHeader).toBe('Shopify-Hmac-Sha256');
  });

  it('signShopify refuses an unknown format', () => {
    expect(() => signShopify({ topic: 'shop/redact', body: '{}', secret: SECRET, format: 'other' as 'events' })).toThrow(/format/);
  });
});
