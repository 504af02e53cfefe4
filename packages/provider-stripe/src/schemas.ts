import type Stripe from 'stripe';
import { z } from 'zod';

/**
 * Every event type the installed `stripe` package knows (`'payment_intent.succeeded'`, …).
 * Type-only: install `stripe` (an optional peer dependency) to get the names and payload types.
 */
export type StripeEventType = Stripe.Event['type'];

/**
 * The payload of a Stripe event of type `T`, as the `stripe` package types it
 * (`Stripe.PaymentIntentSucceededEvent` for `'payment_intent.succeeded'`, …).
 */
export type StripeEvent<T extends StripeEventType = StripeEventType> = Extract<Stripe.Event, { type: T }>;

/**
 * A light schema for one Stripe event type: validates the envelope (`id`, `object: 'event'`,
 * `type`, `created`, `data.object` and its `object` name) and types the payload from the
 * `stripe` package. The fields of `data.object` are not validated one by one: they are what the
 * signed delivery carries, in the API version of your webhook endpoint. Use it to type more events
 * with `stripe({ events: { … } })`.
 *
 * @example
 * ```ts
 * import { stripe, stripeEventSchema } from '@hookgate/provider-stripe';
 *
 * const provider = stripe({ events: { 'charge.dispute.created': stripeEventSchema('charge.dispute.created', 'dispute') } });
 * handler.on('charge.dispute.created', (event) => console.log(event.data.object.reason));
 * ```
 */
export function stripeEventSchema<const T extends StripeEventType>(type: T, objectName: string): z.ZodType<StripeEvent<T>, unknown> {
  const schema = z.looseObject({
    id: z.string().min(1),
    object: z.literal('event'),
    type: z.literal(type),
    created: z.number().int().nonnegative(),
    livemode: z.boolean().optional(),
    data: z.looseObject({
      object: z.looseObject({ object: z.literal(objectName) }),
    }),
  });
  // The envelope is checked; the rest is typed from the `stripe` package, not re-validated.
  return schema as unknown as z.ZodType<StripeEvent<T>, unknown>;
}

/**
 * The Stripe events typed out of the box (name → schema). Other types are answered as unknown
 * events (202) unless you add them with `stripe({ events })`.
 *
 * @example
 * ```ts
 * Object.keys(stripeEvents); // ['payment_intent.succeeded', 'payment_intent.payment_failed', …]
 * ```
 */
export const stripeEvents = {
  'payment_intent.succeeded': stripeEventSchema('payment_intent.succeeded', 'payment_intent'),
  'payment_intent.payment_failed': stripeEventSchema('payment_intent.payment_failed', 'payment_intent'),
  'charge.refunded': stripeEventSchema('charge.refunded', 'charge'),
  'checkout.session.completed': stripeEventSchema('checkout.session.completed', 'checkout.session'),
  'checkout.session.expired': stripeEventSchema('checkout.session.expired', 'checkout.session'),
  'customer.subscription.created': stripeEventSchema('customer.subscription.created', 'subscription'),
  'customer.subscription.updated': stripeEventSchema('customer.subscription.updated', 'subscription'),
  'customer.subscription.deleted': stripeEventSchema('customer.subscription.deleted', 'subscription'),
  'invoice.created': stripeEventSchema('invoice.created', 'invoice'),
  'invoice.finalized': stripeEventSchema('invoice.finalized', 'invoice'),
  'invoice.paid': stripeEventSchema('invoice.paid', 'invoice'),
  'invoice.payment_failed': stripeEventSchema('invoice.payment_failed', 'invoice'),
};

/** The names of {@link stripeEvents}. */
export type StripeTypedEventName = keyof typeof stripeEvents;
