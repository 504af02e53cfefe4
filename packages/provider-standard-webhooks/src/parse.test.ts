import { createWebhookHandler, MemoryStore } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixtures, type StandardWebhookFixtureCase } from './fixtures.js';
import { standardWebhooks } from './provider.js';
import { signStandardWebhook } from './sign.js';

const SECRET = `whsec_${Buffer.from('parse-tests-key-24-bytes').toString('base64')}`;
const NOW = 1_732_550_400_000;
const bodyOf = (sample: StandardWebhookFixtureCase) => sample.raw ?? JSON.stringify(sample.payload);

async function deliver(handler: ReturnType<typeof createWebhookHandler>, body: string, id?: string) {
  const { headers } = signStandardWebhook({ body, secret: SECRET, now: NOW, ...(id ? { id } : {}) });
  return handler.handle({ method: 'POST', headers, rawBody: Buffer.from(body) });
}

describe('untyped (default): every type is an event named by the body type', () => {
  it('each fixture type reaches onAny with event = variant = type and the payload unchanged', async () => {
    const handler = createWebhookHandler({ provider: standardWebhooks(), secret: SECRET, now: () => NOW });
    const seen: Array<[string, string, unknown]> = [];
    handler.onAny((event) => void seen.push([event.event, event.variant, event.payload]));
    for (const [type, payload] of Object.entries(fixtures.valid)) {
      expect(await deliver(handler, JSON.stringify(payload)), type).toMatchObject({ status: 200, kind: 'handled', event: type });
    }
    expect(seen).toEqual(Object.entries(fixtures.valid).map(([type, payload]) => [type, type, payload]));
  });

  it.each(Object.entries(fixtures.invalid))('invalid: %s', async (_name, sample) => {
    const result = await standardWebhooks().parse(Buffer.from(bodyOf(sample)));
    expect(result).toMatchObject(sample.expected);
    // The internal catch-all name never leaks into results.
    expect(JSON.stringify(result)).not.toContain('"*"');
  });

  it.each(Object.entries(fixtures.unknown))('unknown: %s', async (_name, sample) => {
    expect(await standardWebhooks().parse(Buffer.from(bodyOf(sample)))).toMatchObject(sample.expected);
  });

  it('a schema mismatch names the declared type', async () => {
    const result = await standardWebhooks().parse(Buffer.from(bodyOf(fixtures.invalid.timestampNotString!)));
    expect(result).toMatchObject({ kind: 'invalid_payload', event: 'user.created' });
    if (result.kind === 'invalid_payload') expect(result.message).toMatch(/^user\.created: /);
  });

  it('on(type) needs the type declared in events (untyped providers have no event names)', () => {
    const handler = createWebhookHandler({ provider: standardWebhooks(), secret: SECRET });
    expect(() => handler.on('user.created', () => {})).toThrow(/not an event/);
  });

  it('dedupes by webhook-id: a retry of the same message (same id, new timestamp and signature) is a duplicate', async () => {
    const store = new MemoryStore();
    let now = NOW;
    const handler = createWebhookHandler({ provider: standardWebhooks(), secret: SECRET, store, now: () => now });
    const body = JSON.stringify(fixtures.valid['user.created']);
    const send = () => {
      const { headers } = signStandardWebhook({ body, secret: SECRET, id: 'msg_retry_1', now });
      return handler.handle({ method: 'POST', headers, rawBody: Buffer.from(body) });
    };
    expect(await send()).toMatchObject({ status: 200, kind: 'handled' });
    now += 30_000;
    expect(await send()).toMatchObject({ status: 200, kind: 'duplicate' });
    expect(await deliver(handler, body, 'msg_other')).toMatchObject({ kind: 'handled' });
    const { items } = await store.list({ provider: 'standard-webhooks', limit: 10 });
    expect(items.map((item) => item.dedupeKey).sort()).toEqual(['msg_other', 'msg_retry_1', 'msg_retry_1']);
  });
});

describe('typed: standardWebhooks({ events })', () => {
  const provider = standardWebhooks({
    id: 'billing',
    events: {
      'invoice.paid': z.object({ type: z.literal('invoice.paid'), data: z.object({ id: z.string(), amount: z.number().int() }) }),
    },
  });

  it('declared types are validated and dispatched to on(type); the id is configurable', async () => {
    expect(provider.id).toBe('billing');
    expect(provider.events).toEqual({ 'invoice.paid': ['invoice.paid'] });
    const handler = createWebhookHandler({ provider, secret: SECRET, now: () => NOW });
    const amounts: number[] = [];
    handler.on('invoice.paid', (event) => void amounts.push(event.data.amount));
    expect(await deliver(handler, JSON.stringify(fixtures.valid['invoice.paid']))).toMatchObject({ status: 200 });
    expect(amounts).toEqual([4900]);
    const bad = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', amount: '49.00' } });
    expect(await deliver(handler, bad)).toMatchObject({ status: 400, reason: 'schema_mismatch' });
  });

  it('other types are unknown events (202), not dispatched', async () => {
    const handler = createWebhookHandler({ provider, secret: SECRET, now: () => NOW });
    expect(await deliver(handler, JSON.stringify(fixtures.valid['user.created']))).toMatchObject({ status: 202, reason: 'unknown_event_type' });
  });

  it('events must be an object', () => {
    expect(() => standardWebhooks({ events: [] as never })).toThrow(/events/);
  });
});
