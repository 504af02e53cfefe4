// Events API parsing: envelope type → event, inner event.type → variant (a catch-all variant for
// inner types without their own), the url_verification challenge answer, dedupe by event_id.
import { createWebhookHandler, MemoryStore } from '@hookgate/core';
import { toHttpResponse } from '@hookgate/core/adapter';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { parseWebhookEvent, slack } from './provider.js';
import { signSlack } from './sign.js';

const SECRET = 'slack-signing-secret';
const NOW = 1_764_661_200_000;
const encoder = new TextEncoder();

function delivery(payload: unknown, extraHeaders: Record<string, string> = {}) {
  const { headers, body } = signSlack({ payload, secret: SECRET, now: NOW });
  return { method: 'POST', path: '/webhooks/slack', headers: { ...headers, ...extraHeaders }, rawBody: encoder.encode(body) };
}

describe('parse', () => {
  it.each([
    ['url_verification', 'url_verification', 'url_verification'],
    ['app_rate_limited', 'app_rate_limited', 'app_rate_limited'],
    ['app_mention', 'event_callback', 'app_mention'],
    ['message', 'event_callback', 'message'],
    ['reaction_added', 'event_callback', 'reaction_added'],
    ['event_callback', 'event_callback', 'event_callback'],
  ] as const)('fixture %s → event %s, variant %s', async (name, event, variant) => {
    expect(await parseWebhookEvent(JSON.stringify(fixtures.valid[name]))).toMatchObject({ kind: 'event', event, variant });
  });

  it('an inner type without its own variant keeps its type in the catch-all variant', async () => {
    const result = await parseWebhookEvent(JSON.stringify(fixtures.valid.event_callback));
    expect(result.kind === 'event' && result.variant === 'event_callback' && result.payload.event.type).toBe('pin_added');
  });

  it.each([...Object.entries(fixtures.invalid), ...Object.entries(fixtures.unknown)])('fixture %s → its expected outcome', async (_name, sample) => {
    expect(await parseWebhookEvent(sample.raw ?? JSON.stringify(sample.payload))).toMatchObject(sample.expected);
  });

  it('unknown keys are kept (Slack adds fields over time)', async () => {
    const body = { ...fixtures.valid.message, new_top_level: 1, event: { ...fixtures.valid.message.event, blocks: [{ type: 'rich_text' }] } };
    const result = await parseWebhookEvent(JSON.stringify(body));
    expect(result).toMatchObject({ kind: 'event', payload: { new_top_level: 1, event: { blocks: [{ type: 'rich_text' }] } } });
  });

  it('a type that is an Object.prototype member is an unknown event', async () => {
    expect(await parseWebhookEvent('{"type":"constructor"}')).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
    expect(
      await parseWebhookEvent('{"type":"event_callback","event":{"type":"__proto__"},"event_id":"E","event_time":1,"team_id":"T","api_app_id":"A"}'),
    ).toMatchObject({
      kind: 'event',
      variant: 'event_callback',
    });
  });
});

describe('handle()', () => {
  it('url_verification is answered 200 with the challenge as text/plain (and recorded as handled)', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: slack(), secret: SECRET, store, now: () => NOW });
    const outcome = await handler.handle(delivery(fixtures.valid.url_verification));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled', event: 'url_verification' });
    expect(toHttpResponse(outcome)).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: fixtures.valid.url_verification.challenge,
    });
    expect((await store.get(outcome.deliveryId!))?.status).toBe('handled');
  });

  it('a url_verification with a bad signature gets no challenge back (401)', async () => {
    const handler = createWebhookHandler({ provider: slack(), secret: 'other-secret', now: () => NOW });
    const outcome = await handler.handle(delivery(fixtures.valid.url_verification));
    expect(outcome.status).toBe(401);
    expect(toHttpResponse(outcome).body).not.toContain(fixtures.valid.url_verification.challenge);
  });

  it('a Slack retry (same event_id, X-Slack-Retry-Num, new timestamp) is a duplicate; listeners ran once', async () => {
    const handler = createWebhookHandler({ provider: slack(), secret: SECRET, store: new MemoryStore(), now: () => NOW });
    const texts: string[] = [];
    handler.on('app_mention', (body) => void texts.push(body.event.text));
    const first = await handler.handle(delivery(fixtures.valid.app_mention));
    const retry = signSlack({ payload: fixtures.valid.app_mention, secret: SECRET, now: NOW, timestamp: NOW / 1000 + 60 });
    const second = await handler.handle({
      method: 'POST',
      headers: { ...retry.headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      rawBody: encoder.encode(retry.body),
    });
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    expect(second).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(texts).toEqual(['<@U0BOTUSER1> is the deploy finished?']);
  });

  it('on("event_callback") receives every inner type; on(variant) only its own', async () => {
    const handler = createWebhookHandler({ provider: slack(), secret: SECRET, now: () => NOW });
    const all: string[] = [];
    const reactions: string[] = [];
    handler.on('event_callback', (body) => void all.push(body.event.type));
    handler.on('reaction_added', (body) => void reactions.push(body.event.reaction));
    for (const name of ['app_mention', 'message', 'reaction_added', 'event_callback'] as const) {
      expect((await handler.handle(delivery(fixtures.valid[name]))).status).toBe(200);
    }
    expect(all).toEqual(['app_mention', 'message', 'reaction_added', 'pin_added']);
    expect(reactions).toEqual(['white_check_mark']);
  });

  it('types: variants are typed by their inner event', () => {
    const handler = createWebhookHandler({ provider: slack(), secret: SECRET });
    handler.on('app_mention', (body) => {
      expectTypeOf(body.event.text).toBeString();
      expectTypeOf(body.event_id).toBeString();
    });
    handler.on('url_verification', (body) => expectTypeOf(body.challenge).toBeString());
    handler.on('message', (body) => expectTypeOf(body.event.subtype).toEqualTypeOf<string | undefined>());
  });
});
