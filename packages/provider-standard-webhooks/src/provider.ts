import {
  defineProvider,
  getHeader,
  HookgateError,
  hmacWithTimestamp,
  type EventMapOf,
  type ParseResult,
  type Provider,
  type StandardSchemaV1,
  type VerificationResult,
  type VerificationStrategy,
  type WebhookRequest,
} from '@hookgate/core';
import { standardWebhookEventSchema } from './schemas.js';

/**
 * The three headers of the spec, with the default `webhook` prefix.
 *
 * @example
 * ```ts
 * const id = request.headers[STANDARD_WEBHOOK_HEADERS.id]; // 'webhook-id'
 * ```
 */
export const STANDARD_WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** Options of {@link standardWebhooks}. */
export interface StandardWebhooksOptions<E extends Record<string, StandardSchemaV1> = {}> {
  /** Provider id (routing, store). Default `'standard-webhooks'`; name it after the sender (`'resend'`) when you have several. */
  id?: string | undefined;
  /**
   * Event type → schema. Without it every `type` is accepted and untyped (`onAny`); with it only
   * these types are events (typed `on(type)`), and any other type is an unknown event (202).
   */
  events?: E | undefined;
  /** Accepted clock skew in seconds, in both directions. Default 300 (the spec's 5 minutes). */
  toleranceSeconds?: number | undefined;
  /** Prefix of the three headers: `'webhook'` (default, the spec) or a sender's brand, e.g. `'svix'` for `svix-id`, `svix-timestamp`, `svix-signature`. */
  headerPrefix?: string | undefined;
}

/** The event map of the untyped provider: any type, each checked by {@link standardWebhookEventSchema}. */
export type UntypedStandardWebhookEvents = { [type: string]: { [type: string]: typeof standardWebhookEventSchema } };

type TypedEvents<E extends Record<string, StandardSchemaV1>> = { [N in keyof E & string]: { [V in N]: E[N] } };

/** The event map {@link standardWebhooks} gives for `events: E` (untyped without it). */
export type StandardWebhooksEventMap<E extends Record<string, StandardSchemaV1>> = [keyof E] extends [never] ? UntypedStandardWebhookEvents : TypedEvents<E>;

// The untyped provider's single internal schema entry; results are renamed to the body's `type`.
const ANY_TYPE = '*';

function bodyType(body: Record<string, unknown>): string | undefined {
  const type = body.type;
  if (type === undefined) return undefined;
  return typeof type === 'string' ? type : JSON.stringify(type);
}

/**
 * A Standard Webhooks receiver (https://www.standardwebhooks.com): `webhook-signature` holds a
 * space-separated list of `v1,<base64 HMAC-SHA256>` (any may match; `v1a` and bare signatures
 * are ignored) over `${webhook-id}.${webhook-timestamp}.${body}`; the secret is `whsec_` +
 * base64 of the key (bare base64 accepted, as the official libraries do); 5 minutes tolerance in
 * both directions. The event name is the body's `type`; the dedupe key is `webhook-id`.
 * Covers Svix and every sender that follows the spec.
 *
 * @throws {HookgateError} `invalid_config` for a bad id, header prefix, tolerance or `events`.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { standardWebhooks } from '@hookgate/provider-standard-webhooks';
 * import { z } from 'zod';
 *
 * // Untyped: every type, through onAny
 * const anyEvent = createWebhookHandler({ provider: standardWebhooks(), secret: process.env.WEBHOOK_SECRET! });
 * anyEvent.onAny((event) => console.log(event.event, event.payload.data));
 * // Typed: only the declared types
 * const typed = createWebhookHandler({
 *   provider: standardWebhooks({ events: { 'invoice.paid': z.object({ type: z.literal('invoice.paid'), data: z.object({ id: z.string() }) }) } }),
 *   secret: process.env.WEBHOOK_SECRET!,
 * });
 * typed.on('invoice.paid', (event) => console.log(event.data.id));
 * ```
 */
export function standardWebhooks<const E extends Record<string, StandardSchemaV1> = {}>(
  options: StandardWebhooksOptions<E> = {},
): Provider<StandardWebhooksEventMap<E>> {
  const id = options.id ?? 'standard-webhooks';
  const prefix = options.headerPrefix ?? 'webhook';
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(prefix)) {
    throw new HookgateError('invalid_config', `headerPrefix "${String(prefix)}" must be letters, digits and dashes (e.g. 'webhook' or 'svix').`);
  }
  const events = options.events;
  if (events !== undefined && (typeof events !== 'object' || events === null || Array.isArray(events))) {
    throw new HookgateError('invalid_config', 'standardWebhooks({ events }) must be an object of event type → schema.');
  }
  const idHeader = `${prefix}-id`;
  const signed: VerificationStrategy = hmacWithTimestamp({
    header: `${prefix}-signature`,
    timestampHeader: `${prefix}-timestamp`,
    algorithm: 'sha256',
    encoding: 'base64',
    signature: { type: 'versioned', version: 'v1' },
    secretFormat: 'whsec_base64',
    timestampUnit: 's',
    toleranceSeconds: options.toleranceSeconds ?? 300,
    message: `{$request.header.${idHeader}}.{$timestamp}.{$request.body}`,
  });
  // The id is signed and is the dedupe key: an empty one is refused like a missing one, as the
  // official verifiers do ("Missing required headers"), not signed as '' and deduped by body hash.
  const emptyId = (request: WebhookRequest, result: VerificationResult): VerificationResult =>
    result.ok && getHeader(request.headers, idHeader) === '' ? { ok: false, reason: 'missing_header', message: `header ${idHeader} is empty` } : result;
  const verification: VerificationStrategy = {
    ...signed,
    verify: (request, secrets, now) => emptyId(request, signed.verify(request, secrets, now)),
    verifyAsync: async (request, secrets, now) => emptyId(request, await signed.verifyAsync!(request, secrets, now)),
  };
  const eventId = (_payload: unknown, request: WebhookRequest) => getHeader(request.headers, idHeader) || undefined;

  if (events !== undefined && Object.keys(events).length > 0) {
    const typed = defineProvider({ id, verification, events: events as Record<string, StandardSchemaV1>, eventType: bodyType, eventId });
    return typed as unknown as Provider<StandardWebhooksEventMap<E>>;
  }
  // Untyped: one internal entry validates the envelope; results are renamed to the body's type,
  // and `events` stays empty so `on()` asks for the type to be declared. `declared` is set by
  // eventType during the synchronous part of parse and read right after it.
  let declared: string | undefined;
  const inner = defineProvider({
    id,
    verification,
    events: { [ANY_TYPE]: standardWebhookEventSchema },
    eventType: (body) => {
      declared = typeof body.type === 'string' ? body.type : undefined;
      return declared === undefined ? bodyType(body) : ANY_TYPE;
    },
    eventId,
  });
  const untyped: Provider<UntypedStandardWebhookEvents> = {
    ...inner,
    events: {},
    parse(rawBody, request) {
      declared = undefined;
      const parsed = inner.parse(rawBody, request);
      const type = declared ?? '';
      const renamed = (result: ParseResult<EventMapOf<typeof inner>>): ParseResult<UntypedStandardWebhookEvents> => {
        if (result.kind === 'event') return { ...result, event: type, variant: type };
        if (result.kind === 'invalid_payload' && result.event === ANY_TYPE) {
          return { ...result, event: type, message: `${type}${result.message.slice(ANY_TYPE.length)}` };
        }
        return result;
      };
      return parsed instanceof Promise ? parsed.then(renamed) : renamed(parsed);
    },
  };
  // Without `events`, E is {} and the map is the untyped one (the conditional type TS cannot see through).
  return untyped as unknown as Provider<StandardWebhooksEventMap<E>>;
}

/** The untyped provider type {@link standardWebhooks} returns without `events`. */
export type StandardWebhooksProvider = Provider<UntypedStandardWebhookEvents>;
