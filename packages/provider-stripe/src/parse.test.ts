import { createWebhookHandler, MemoryStore } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixtures, type StripeFixtureCase } from './fixtures.js';
import { parseStripeEvent, stripe } from './provider.js';
import { stripeEvents, stripeEventSchema } from './schemas.js';
import { signStripe } from './sign.js';

const SECRET = 'whsec_parseTests';
const NOW = 1_732_550_400_000;
const bodyOf = (sample: StripeFixtureCase) => sample.raw ?? JSON.stringify(sample.payload);

describe('Stripe events: fixtures', () => {
  it('there is one valid fixture per typed event, and each parses as its body type', async () => {
    const valid = fixtures.valid;
    expect(Object.keys(valid).sort()).toEqual(Object.keys(stripeEvents).sort());
    for (const [name, payload] of Object.entries(valid)) {
      const result = await parseStripeEvent(JSON.stringify(payload));
      expect(result, name).toMatchObject({ kind: 'event', event: name, variant: name });
      // Nothing is dropped or rewritten: the payload is what Stripe sent.
      if (result.kind === 'event') expect(result.payload).toEqual(payload);
    }
  });

  it.each(Object.entries(fixtures.invalid))('invalid: %s', async (_name, sample) => {
    expect(await parseStripeEvent(bodyOf(sample))).toMatchObject(sample.expected);
  });

  it.each(Object.entries(fixtures.unknown))('unknown: %s', async (_name, sample) => {
    expect(await parseStripeEvent(bodyOf(sample))).toMatchObject(sample.expected);
  });

  it('an unknown type reports the type the body declared', async () => {
    const result = await parseStripeEvent(bodyOf(fixtures.unknown.untypedEvent!));
    expect(result).toMatchObject({ kind: 'unknown_event', eventType: 'customer.created' });
  });
});

describe('Stripe events: handler outcomes', () => {
  it('dedupes by event id: a retry re-signed with a new t is a duplicate, not dispatched again', async () => {
    const store = new MemoryStore();
    let now = NOW;
    const handler = createWebhookHandler({ provider: stripe(), secret: SECRET, store, now: () => now });
    const seen: string[] = [];
    handler.on('invoice.paid', (event) => void seen.push(event.id));
    const payload = fixtures.valid['invoice.paid'];
    const deliver = async () => {
      const { headers, body } = signStripe({ payload, secret: SECRET, now });
      return handler.handle({ method: 'POST', headers, rawBody: Buffer.from(body) });
    };
    expect(await deliver()).toMatchObject({ status: 200, kind: 'handled' });
    now += 60_000; // Stripe retries later, with a fresh signature
    expect(await deliver()).toMatchObject({ status: 200, kind: 'duplicate' });
    expect(seen).toEqual([payload.id]);
    const first = await store.list({ provider: 'stripe', limit: 10 });
    expect(first.items.map((item) => item.dedupeKey)).toEqual([payload.id, payload.id]);
  });

  it('statuses: unknown type 202, bad envelope 400, bad signature 401', async () => {
    const handler = createWebhookHandler({ provider: stripe(), secret: SECRET, now: () => NOW });
    const send = async (body: string, secret = SECRET) => {
      const { headers } = signStripe({ body, secret, now: NOW });
      return (await handler.handle({ method: 'POST', headers, rawBody: Buffer.from(body) })).status;
    };
    expect(await send(bodyOf(fixtures.unknown.untypedEvent!))).toBe(202);
    expect(await send(bodyOf(fixtures.invalid.missingId!))).toBe(400);
    expect(await send(JSON.stringify(fixtures.valid['invoice.paid']), 'whsec_wrong')).toBe(401);
  });

  it('stripe({ events }) adds types (typed) and may replace a built-in schema', async () => {
    const provider = stripe({
      events: {
        'customer.created': stripeEventSchema('customer.created', 'customer'),
        'invoice.paid': z.object({ id: z.string(), type: z.literal('invoice.paid'), note: z.string() }),
      },
    });
    expect(Object.keys(provider.events)).toContain('customer.created');
    expect(Object.keys(provider.events)).toContain('payment_intent.succeeded');
    const handler = createWebhookHandler({ provider, secret: SECRET, now: () => NOW });
    const emails: string[] = [];
    handler.on('customer.created', (event) => void emails.push(String(event.data.object.email)));
    const customer = bodyOf(fixtures.unknown.untypedEvent!);
    const signed = signStripe({ body: customer, secret: SECRET, now: NOW });
    expect(await handler.handle({ method: 'POST', headers: signed.headers, rawBody: Buffer.from(customer) })).toMatchObject({ status: 200 });
    expect(emails).toEqual(['billing@globex.example']);
    const replaced = await handler.verifyAndParse({
      method: 'POST',
      headers: signStripe({ body: JSON.stringify(fixtures.valid['invoice.paid']), secret: SECRET, now: NOW }).headers,
      rawBody: Buffer.from(JSON.stringify(fixtures.valid['invoice.paid'])),
    });
    expect(replaced).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch' });
  });

  it('stripe({ events }) refuses a non-object', () => {
    expect(() => stripe({ events: [] as never })).toThrow(/events/);
  });
});
