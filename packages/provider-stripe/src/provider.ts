import { defineProvider, HookgateError, hmacWithTimestamp, type EventMapOf, type ParseResult, type StandardSchemaV1 } from '@hookgate/core';
import { lazyParser } from '@hookgate/core/provider';
import { stripeEvents } from './schemas.js';

/**
 * The header Stripe signs with: `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…][,v0=…]`.
 *
 * @example
 * ```ts
 * const header = request.headers[STRIPE_SIGNATURE_HEADER.toLowerCase()];
 * ```
 */
export const STRIPE_SIGNATURE_HEADER = 'Stripe-Signature';

/** Options of {@link stripe}. */
export interface StripeOptions<E extends Record<string, StandardSchemaV1> = {}> {
  /** Accepted clock skew in seconds, in both directions. Default 300 (Stripe's own default). */
  toleranceSeconds?: number | undefined;
  /**
   * More event types to accept, or replacements for built-in ones: event name → schema (e.g.
   * {@link stripeEventSchema}`('charge.dispute.created', 'dispute')` or your own zod schema).
   */
  events?: E | undefined;
}

/** The built-in events with `E` added (an entry of `E` replaces the built-in one of that name). */
export type StripeEventSchemas<E extends Record<string, StandardSchemaV1> = {}> = Omit<typeof stripeEvents, keyof E> & E;

function eventType(body: Record<string, unknown>): string | undefined {
  const type = body.type;
  if (type === undefined) return undefined;
  return typeof type === 'string' ? type : JSON.stringify(type);
}

function eventId(payload: unknown): string | undefined {
  const id = (payload as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * The Stripe provider: `Stripe-Signature` (`t=…,v1=…`; any `v1` may match, `v0` is ignored)
 * over `${t}.${body}`, the `whsec_…` signing secret used as it is (its UTF-8 bytes are the key),
 * 300 s tolerance. The event name is the body's `type`; the dedupe key is the event `id`, so
 * Stripe's retries of one event are answered as duplicates. Types other than the built-in
 * {@link stripeEvents} and `options.events` are unknown events: recorded, answered 202, not retried.
 *
 * @throws {HookgateError} `invalid_config` for a bad `toleranceSeconds` or `events`.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { stripe } from '@hookgate/provider-stripe';
 *
 * const handler = createWebhookHandler({ provider: stripe(), secret: process.env.STRIPE_WEBHOOK_SECRET! });
 * handler.on('payment_intent.succeeded', (event) => console.log(event.data.object.amount_received));
 * handler.on('customer.subscription.deleted', (event) => console.log(event.data.object.customer));
 * ```
 */
export function stripe<const E extends Record<string, StandardSchemaV1> = {}>(options: StripeOptions<E> = {}) {
  const extra = options.events ?? ({} as E);
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new HookgateError('invalid_config', 'stripe({ events }) must be an object of event name → schema.');
  }
  const events = { ...stripeEvents, ...extra } as StripeEventSchemas<E>;
  return defineProvider({
    id: 'stripe',
    verification: hmacWithTimestamp({
      header: STRIPE_SIGNATURE_HEADER,
      algorithm: 'sha256',
      encoding: 'hex',
      signature: { type: 'key-value', signatureKey: 'v1', timestampKey: 't' },
      secretFormat: 'raw',
      timestampUnit: 's',
      toleranceSeconds: options.toleranceSeconds ?? 300,
      message: '{$timestamp}.{$request.body}',
    }),
    events,
    eventType,
    eventId,
  });
}

/** The provider type {@link stripe} returns (with the built-in events only). */
export type StripeProvider = ReturnType<typeof stripe<{}>>;
/** The event map of {@link StripeProvider}. */
export type StripeEventMap = EventMapOf<StripeProvider>;

const parse = lazyParser(stripe);

/**
 * Parses a Stripe body without verifying its signature (tests, replays of stored deliveries).
 *
 * @example
 * ```ts
 * import { parseStripeEvent } from '@hookgate/provider-stripe';
 *
 * const result = await parseStripeEvent(body);
 * if (result.kind === 'event') console.log(result.event); // 'invoice.paid'
 * ```
 */
export function parseStripeEvent(body: string | Uint8Array): Promise<ParseResult<StripeEventMap>> {
  return parse(body);
}
