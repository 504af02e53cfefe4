import type { StandardSchemaV1 } from './standard-schema.js';
import type { VerificationFailureReason } from './verify-hmac.js';

/** Events of a provider: event name → variant name → schema. A discriminated provider has one variant per event, named like it. */
export type EventMap = Record<string, Record<string, StandardSchemaV1>>;

/** Every name `on()` accepts: event names and variant names. */
export type EventName<T extends EventMap> = (keyof T & string) | VariantName<T>;

/** Every variant name of a provider. */
export type VariantName<T extends EventMap> = { [E in keyof T]: keyof T[E] & string }[keyof T];

/** The payload type a listener for `N` receives: the variant's output, or the union of an event's variants. */
export type PayloadOf<T extends EventMap, N extends string> = N extends keyof T
  ? { [V in keyof T[N]]: StandardSchemaV1.InferOutput<T[N][V]> }[keyof T[N]]
  : { [E in keyof T]: N extends keyof T[E] ? StandardSchemaV1.InferOutput<T[E][N]> : never }[keyof T];

/**
 * A parsed event: a union over every (event, variant) pair, so checking `variant` (or `event`)
 * narrows `payload`.
 */
export type ParsedPayload<T extends EventMap> = {
  [E in keyof T & string]: {
    [V in keyof T[E] & string]: {
      readonly kind: 'event';
      readonly event: E;
      readonly variant: V;
      readonly payload: StandardSchemaV1.InferOutput<T[E][V]>;
    };
  }[keyof T[E] & string];
}[keyof T & string];

/** The union of every payload type of a provider (what its `eventId` receives). */
export type AnyPayloadOf<T extends EventMap> = ParsedPayload<T>['payload'];

/** A verified and parsed event: {@link ParsedPayload} plus the index of the secret that matched. */
export type ParsedEvent<T extends EventMap> = ParsedPayload<T> & { readonly secretIndex: number };

/** Reasons an otherwise acceptable body is not a known event (answered 202, not retried). */
export type UnknownEventReason = 'invalid_json' | 'no_variant_matched' | 'ambiguous_variants' | 'unknown_event_type';

/**
 * Reasons a body is refused as malformed (answered 400). `json_too_deep`: arrays/objects nest
 * deeper than the handler's `maxJsonDepth` (default 256).
 */
export type InvalidPayloadReason = 'invalid_json' | 'json_too_deep' | 'schema_mismatch';

/** The signature did not verify. */
export interface SignatureVerificationFailure {
  readonly kind: 'signature_failure';
  readonly reason: VerificationFailureReason;
  readonly message: string;
}

/** The body is no event this provider knows (or, for oneOf providers, matches none or several variants). */
export interface UnknownEvent {
  readonly kind: 'unknown_event';
  readonly reason: UnknownEventReason;
  readonly message: string;
  /** `ambiguous_variants`: the variants that all matched. */
  readonly candidates?: readonly string[];
  /** `unknown_event_type`: the type the body declared, when it declared one. */
  readonly eventType?: string;
  readonly secretIndex?: number;
}

/** The body is malformed: not JSON, or a known event whose fields do not fit its schema. */
export interface InvalidPayload {
  readonly kind: 'invalid_payload';
  readonly reason: InvalidPayloadReason;
  readonly message: string;
  /** The event the body declared, when known. */
  readonly event?: string;
  /** `schema_mismatch`: the schema library's issues. */
  readonly issues?: ReadonlyArray<StandardSchemaV1.Issue>;
  readonly secretIndex?: number;
}

/** What parsing a body without verification yields. */
export type ParseResult<T extends EventMap> = ParsedPayload<T> | UnknownEvent | InvalidPayload;

/**
 * What `handler.verifyAndParse()` yields: a discriminated union on `kind`, never an exception.
 *
 * @example
 * ```ts
 * const result = await handler.verifyAndParse(request);
 * if (result.kind === 'event' && result.variant === 'IssueNewEvent') console.log(result.payload.issue_title);
 * else if (result.kind !== 'event') console.warn(result.reason, result.message);
 * ```
 */
export type VerifyAndParseResult<T extends EventMap> = ParsedEvent<T> | SignatureVerificationFailure | UnknownEvent | InvalidPayload;
