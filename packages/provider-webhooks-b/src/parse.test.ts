import { createWebhookHandler, MemoryStore, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it, vi } from 'vitest';
import { fixtures, type WebhooksBFixtureCase } from './fixtures.js';
import { parseWebhookEvent, webhooksB } from './provider.js';
import { UserActionNotificationEvent, UserStatusNotificationEvent, webhooksBEvents } from './schemas.js';
import { signWebhooksB } from './sign.js';

const SECRET = 'whsec-test';
const NOW = 1_732_550_400_000;

function bodyOf(sample: WebhooksBFixtureCase): string {
  return sample.raw ?? JSON.stringify(sample.payload);
}

function signed(body: string, timestamp: string | number = NOW / 1000): WebhookRequest {
  const delivery = signWebhooksB({ body, secret: SECRET, timestamp });
  return { method: 'POST', headers: delivery.headers, rawBody: Buffer.from(delivery.body, 'utf8') };
}

const variantEvents = Object.entries(webhooksBEvents).flatMap(([event, group]) => Object.keys(group.variants).map((variant) => [variant, event] as const));

describe('every fixture through verifyAndParse with the signer', () => {
  const handler = createWebhookHandler({ provider: webhooksB(), secret: SECRET, now: () => NOW });

  it('has one valid sample per variant', () => {
    expect(Object.keys(fixtures.valid).sort()).toEqual(variantEvents.map(([variant]) => variant).sort());
  });

  it.each(variantEvents)('valid %s → event %s with the variant and every key kept', async (variant, event) => {
    const payload = fixtures.valid[variant as keyof typeof fixtures.valid];
    const result = await handler.verifyAndParse(signed(JSON.stringify(payload)));
    expect(result).toEqual({ kind: 'event', event, variant, payload, secretIndex: 0 });
  });

  const cases = { ...fixtures.invalid, ...fixtures.ambiguous, ...fixtures.unknown };
  it.each(Object.entries(cases))('%s', async (_, sample) => {
    const result = await handler.verifyAndParse(signed(bodyOf(sample)));
    expect(result).toMatchObject({ ...sample.expected, secretIndex: 0 });
    if (sample.expected.reason === 'ambiguous_variants') {
      expect(result).toMatchObject({ candidates: sample.expected.candidates });
    } else {
      expect(result).not.toHaveProperty('candidates');
    }
  });

  it("each access returns a fresh copy, so one consumer cannot change another one's samples", () => {
    const sample = fixtures.valid.UserActionNotificationEvent as Record<string, unknown>;
    sample.userActionNotificationEventType = 42;
    expect(fixtures.valid.UserActionNotificationEvent.userActionNotificationEventType).toBe('user.action');
  });
});

describe('oneOf semantics', () => {
  it('a required property that is a string in one variant and a number in another is not ambiguous', async () => {
    const result = await parseWebhookEvent('{"userActionNotificationEventType":"user.action","inventoryStockDecreaseEventType":3}');
    expect(result).toMatchObject({ kind: 'event', event: 'userNotificationEvent', variant: 'UserActionNotificationEvent' });
  });

  it('empty and whitespace-only bodies are invalid_json', async () => {
    expect(await parseWebhookEvent('')).toMatchObject({ kind: 'unknown_event', reason: 'invalid_json' });
    expect(await parseWebhookEvent('  \n')).toMatchObject({ kind: 'unknown_event', reason: 'invalid_json' });
    expect(await parseWebhookEvent(new Uint8Array([0xff, 0xfe]))).toMatchObject({ kind: 'unknown_event', reason: 'invalid_json' });
  });

  it.each(['[]', 'null', '"user.action"', '42', 'true'])('%s is no_variant_matched', async (body) => {
    expect(await parseWebhookEvent(body)).toMatchObject({ kind: 'unknown_event', reason: 'no_variant_matched' });
  });

  it('an inherited key does not count: only own properties match', async () => {
    expect(await parseWebhookEvent('{"__proto__":{"userActionNotificationEventType":"x"}}')).toMatchObject({
      kind: 'unknown_event',
      reason: 'no_variant_matched',
    });
  });

  it('pre-checks required keys: a body is validated against plausible variants only', async () => {
    const action = vi.spyOn(UserActionNotificationEvent['~standard'], 'validate');
    const status = vi.spyOn(UserStatusNotificationEvent['~standard'], 'validate');
    try {
      // The zod schemas alone: the fast path would answer without calling them.
      const provider = webhooksB({ fastParse: false });
      await provider.parse(Buffer.from('{"userActionNotificationEventType":"user.action"}'));
      expect(action).toHaveBeenCalledTimes(1);
      expect(status).not.toHaveBeenCalled();
      await provider.parse(Buffer.from('{"orderCreatedEventType":"order.created"}'));
      expect(action).toHaveBeenCalledTimes(1);
      // With the fast path (default), zod runs only for a body the fast path refuses (to report why).
      const fast = webhooksB();
      await fast.parse(Buffer.from('{"userActionNotificationEventType":"user.action"}'));
      expect(action).toHaveBeenCalledTimes(1);
      await fast.parse(Buffer.from('{"userActionNotificationEventType":7}'));
      expect(action).toHaveBeenCalledTimes(2);
    } finally {
      action.mockRestore();
      status.mockRestore();
    }
  });
});

describe('handle(): outcomes, dispatch by event and by variant, dedupe', () => {
  it('dispatches an event listener for each of its variants and a variant listener for its own only', async () => {
    const handler = createWebhookHandler({ provider: webhooksB(), secret: SECRET, now: () => NOW });
    const byEvent: string[] = [];
    const byVariant: string[] = [];
    const any: string[] = [];
    handler.on('userNotificationEvent', (_, context) => void byEvent.push(context.variant));
    handler.on('UserStatusNotificationEvent', (event) => void byVariant.push(event.userStatusNotificationEventType));
    handler.onAny((event) => void any.push(`${event.event}/${event.variant}`));
    for (const [variant] of variantEvents) {
      const outcome = await handler.handle(signed(JSON.stringify(fixtures.valid[variant as keyof typeof fixtures.valid])));
      expect(outcome).toMatchObject({ status: 200, kind: 'handled', variant });
    }
    expect(byEvent).toEqual(['UserActionNotificationEvent', 'UserStatusNotificationEvent', 'UserPreferenceNotificationEvent']);
    expect(byVariant).toEqual(['user.status']);
    expect(any).toHaveLength(9);
  });

  it('answers ambiguous and unmatched bodies 202 without dispatching, naming the candidates', async () => {
    const handler = createWebhookHandler({ provider: webhooksB(), secret: SECRET, now: () => NOW });
    const seen: unknown[] = [];
    handler.onAny((event) => void seen.push(event));
    const ambiguous = await handler.handle(signed(JSON.stringify(fixtures.ambiguous['user-and-inventory']!.payload)));
    expect(ambiguous).toMatchObject({ status: 202, kind: 'unknown_event', reason: 'ambiguous_variants' });
    expect(ambiguous.message).toContain('UserActionNotificationEvent, InventoryStockDecreaseEvent');
    expect(await handler.handle(signed('{}'))).toMatchObject({ status: 202, reason: 'no_variant_matched' });
    expect(await handler.handle(signed('{oops'))).toMatchObject({ status: 202, reason: 'invalid_json' });
    expect(seen).toEqual([]);
  });

  it('recognises a retry of the same signed bytes as a duplicate (no event id: SHA-256 of the signed message)', async () => {
    const handler = createWebhookHandler({ provider: webhooksB(), secret: SECRET, store: new MemoryStore(), now: () => NOW });
    let calls = 0;
    handler.on('inventoryChangeEvent', () => void calls++);
    const body = JSON.stringify(fixtures.valid.InventoryStockDecreaseEvent);
    const first = await handler.handle(signed(body));
    const retry = await handler.handle(signed(body));
    const later = await handler.handle(signed(body, NOW / 1000 + 60));
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    expect(retry).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(later).toMatchObject({ status: 200, kind: 'handled' });
    expect(calls).toBe(2);
  });

  it('refuses a listener name that is neither an event nor a variant', () => {
    const handler = createWebhookHandler({ provider: webhooksB(), secret: SECRET });
    // @ts-expect-error not an event or variant name
    expect(() => handler.on('UserDeletedEvent', () => {})).toThrow(expect.objectContaining({ code: 'unknown_event_name' }));
  });
});
