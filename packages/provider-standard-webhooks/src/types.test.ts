import { createWebhookHandler } from '@hookgate/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { standardWebhooks } from './provider.js';
import type { StandardWebhookEvent } from './schemas.js';

describe('types', () => {
  it('untyped: onAny gets any type as a string and the spec envelope as payload', () => {
    const handler = createWebhookHandler({ provider: standardWebhooks(), secret: 'whsec_dGVzdA==' });
    handler.onAny((event) => {
      expectTypeOf(event.event).toEqualTypeOf<string>();
      expectTypeOf(event.payload).toEqualTypeOf<StandardWebhookEvent>();
      expectTypeOf(event.payload.type).toEqualTypeOf<string>();
    });
  });

  it('typed: on(type) infers the declared schema; undeclared names are type errors', () => {
    const handler = createWebhookHandler({
      provider: standardWebhooks({ events: { 'invoice.paid': z.object({ type: z.literal('invoice.paid'), data: z.object({ amount: z.number() }) }) } }),
      secret: 'whsec_dGVzdA==',
    });
    handler.on('invoice.paid', (event) => expectTypeOf(event.data.amount).toEqualTypeOf<number>());
    handler.onAny((event) => expectTypeOf(event.event).toEqualTypeOf<'invoice.paid'>());
    // @ts-expect-error: not declared
    expectTypeOf(() => handler.on('user.created', () => {})).toBeFunction();
  });
});
