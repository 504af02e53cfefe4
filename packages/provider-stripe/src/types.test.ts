import { readdirSync, readFileSync } from 'node:fs';
import { createWebhookHandler } from '@hookgate/core';
import type Stripe from 'stripe';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { stripe, type StripeEventMap } from './provider.js';
import { stripeEventSchema, type StripeEvent } from './schemas.js';

describe('types', () => {
  it('listeners get the stripe package types for each event name', () => {
    const handler = createWebhookHandler({ provider: stripe(), secret: 'whsec_types' });
    handler.on('payment_intent.succeeded', (event) => {
      expectTypeOf(event).toEqualTypeOf<Stripe.PaymentIntentSucceededEvent>();
      expectTypeOf(event.data.object.amount_received).toEqualTypeOf<number>();
    });
    handler.on('checkout.session.completed', (event) => expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Checkout.Session>());
    handler.on('customer.subscription.deleted', (event) => expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Subscription>());
    handler.on('invoice.payment_failed', (event) => expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Invoice>());
    // @ts-expect-error: not a typed event
    expect(() => handler.on('customer.created', () => {})).toThrow();
    expectTypeOf<keyof StripeEventMap>().toEqualTypeOf<
      | 'payment_intent.succeeded'
      | 'payment_intent.payment_failed'
      | 'charge.refunded'
      | 'checkout.session.completed'
      | 'checkout.session.expired'
      | 'customer.subscription.created'
      | 'customer.subscription.updated'
      | 'customer.subscription.deleted'
      | 'invoice.created'
      | 'invoice.finalized'
      | 'invoice.paid'
      | 'invoice.payment_failed'
    >();
  });

  it('added events are typed too', () => {
    const handler = createWebhookHandler({
      provider: stripe({ events: { 'charge.dispute.created': stripeEventSchema('charge.dispute.created', 'dispute') } }),
      secret: 'whsec_types',
    });
    handler.on('charge.dispute.created', (event) => expectTypeOf(event).toEqualTypeOf<StripeEvent<'charge.dispute.created'>>());
    handler.on('invoice.paid', (event) => expectTypeOf(event.type).toEqualTypeOf<'invoice.paid'>());
  });

  it('the stripe package is imported for types only, so the published JavaScript never loads it', () => {
    const dir = new URL('./', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/import\s+(?!type\b)[^;]*from\s+'stripe'/);
    }
  });
});
