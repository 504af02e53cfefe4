import { HookgateError } from './errors.js';
import { parseJsonBody } from './json-body.js';
import type { WebhookRequest } from './request.js';
import type { EventMap, InvalidPayload, ParseResult, UnknownEvent } from './results.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { VerificationStrategy } from './verify-hmac.js';

type MaybePromise<T> = T | Promise<T>;

/** Options shared by both provider shapes. */
interface ProviderOptionsBase {
  /** URL-safe id, used for routing (`/webhooks/:provider`) and in the store. */
  id: string;
  verification: VerificationStrategy;
  /**
   * The provider's own delivery/event id, when it sends one: the dedupe key. Without it the key
   * is a SHA-256 of the signed message.
   */
  eventId?: ((payload: unknown, request: WebhookRequest) => string | undefined) | undefined;
}

/** A provider whose body names its type (`event_type`): O(1) schema lookup. */
export interface DiscriminatedProviderOptions<S extends Record<string, StandardSchemaV1>> extends ProviderOptionsBase {
  /** Event name → schema. */
  events: S;
  /**
   * The event name for a body (after alias mapping), or the raw type to report in
   * `unknown_event_type`, or undefined when the body declares none.
   */
  eventType: (payload: Record<string, unknown>) => string | undefined;
  /** How invalid JSON and non-object bodies are classified. Default `'invalid_payload'`. */
  invalidJson?: 'invalid_payload' | 'unknown_event' | undefined;
}

/** One variant of a oneOf provider: its schema and the keys it requires (cheap pre-check). */
export interface OneOfVariant<S extends StandardSchemaV1 = StandardSchemaV1> {
  schema: S;
  /** Keys the schema requires; variants whose keys are absent are not validated at all. */
  required: readonly string[];
}

/** A provider whose body has no discriminator: exactly one variant must match (JSON Schema oneOf). */
export interface OneOfProviderOptions<G extends Record<string, Record<string, OneOfVariant>>> extends ProviderOptionsBase {
  /** Event name → variant name → variant. */
  oneOf: G;
  /** How invalid JSON is classified. Default `'unknown_event'`. */
  invalidJson?: 'invalid_payload' | 'unknown_event' | undefined;
}

/**
 * A provider definition: plain data plus a parser. `T` maps event → variant → schema and drives
 * every type in the handler. Build with {@link defineProvider}.
 *
 * @example
 * ```ts
 * const provider: Provider = acme;
 * provider.events; // { 'order.paid': ['order.paid'] }
 * const parsed = await provider.parse(rawBody); // no verification
 * ```
 */
export interface Provider<T extends EventMap = EventMap> {
  readonly id: string;
  readonly verification: VerificationStrategy;
  readonly shape: 'discriminated' | 'oneOf';
  /** Event names, then for each its variant names. */
  readonly events: { readonly [E in keyof T & string]: ReadonlyArray<keyof T[E] & string> };
  readonly eventId: ((payload: unknown, request: WebhookRequest) => string | undefined) | undefined;
  /** Parses raw body bytes (no verification). Synchronous unless a schema validates asynchronously. */
  parse(rawBody: Uint8Array): MaybePromise<ParseResult<T>>;
  /** Type-only: the event map. */
  readonly '~events'?: T;
}

/**
 * The event map of a provider value or provider type (what its handler's types are built from).
 *
 * @example
 * ```ts
 * type PylonEvents = EventMapOf<ReturnType<typeof pylon>>;
 * ```
 */
export type EventMapOf<P> = P extends Provider<infer T> ? T : never;

type DiscriminatedMap<S extends Record<string, StandardSchemaV1>> = { [E in keyof S & string]: { [K in E]: S[E] } };
type OneOfMap<G extends Record<string, Record<string, OneOfVariant>>> = {
  [E in keyof G & string]: { [V in keyof G[E] & string]: G[E][V]['schema'] };
};

/**
 * Defines a provider. Two shapes: **discriminated** (`events` + `eventType`: the body names its
 * type) and **oneOf** (`oneOf`: every plausible variant is validated, exactly one must match).
 *
 * @throws {HookgateError} `invalid_config` for a bad id or an empty event list.
 * @example
 * ```ts
 * import { defineProvider, hmac } from '@hookgate/core';
 * import { z } from 'zod';
 *
 * const acme = defineProvider({
 *   id: 'acme',
 *   verification: hmac({ header: 'X-Acme-Signature' }),
 *   events: { 'order.paid': z.object({ type: z.literal('order.paid'), id: z.string() }) },
 *   eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
 *   eventId: (payload) => (payload as { id: string }).id,
 * });
 * ```
 */
export function defineProvider<const S extends Record<string, StandardSchemaV1>>(
  options: DiscriminatedProviderOptions<S>,
): Provider<DiscriminatedMap<S>>;
export function defineProvider<const G extends Record<string, Record<string, OneOfVariant>>>(
  options: OneOfProviderOptions<G>,
): Provider<OneOfMap<G>>;
export function defineProvider(
  options: DiscriminatedProviderOptions<Record<string, StandardSchemaV1>> | OneOfProviderOptions<Record<string, Record<string, OneOfVariant>>>,
): Provider {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(options.id ?? '')) {
    throw new HookgateError('invalid_config', `Provider id "${String(options.id)}" must be URL-safe (letters, digits, . _ -).`);
  }
  if (!options.verification || typeof options.verification.verify !== 'function') {
    throw new HookgateError('invalid_config', `Provider "${options.id}" needs a verification strategy (hmac() or hmacWithTimestamp()).`);
  }
  return 'oneOf' in options ? defineOneOf(options) : defineDiscriminated(options);
}

/**
 * Parses body bytes as JSON under the handler's nesting-depth limit (see json-body.ts); undefined
 * when not valid UTF-8 JSON, an `invalid_payload` (`json_too_deep`) when nested too deep.
 */
function parseJson(rawBody: Uint8Array): { value: unknown } | InvalidPayload | undefined {
  const parsed = parseJsonBody(rawBody);
  if (parsed.ok) return { value: parsed.value };
  return parsed.reason === 'json_too_deep' ? { kind: 'invalid_payload', reason: 'json_too_deep', message: parsed.message } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidJson(kind: 'invalid_payload' | 'unknown_event', message: string): InvalidPayload | UnknownEvent {
  return { kind, reason: 'invalid_json', message };
}

function defineDiscriminated(options: DiscriminatedProviderOptions<Record<string, StandardSchemaV1>>): Provider {
  const names = Object.keys(options.events);
  if (names.length === 0) throw new HookgateError('invalid_config', `Provider "${options.id}" defines no events.`);
  const schemas = new Map(names.map((name) => [name, options.events[name]!]));
  const jsonKind = options.invalidJson ?? 'invalid_payload';
  return {
    id: options.id,
    verification: options.verification,
    shape: 'discriminated',
    events: Object.fromEntries(names.map((name) => [name, [name]])),
    eventId: options.eventId,
    parse(rawBody) {
      const json = parseJson(rawBody);
      if (!json) return invalidJson(jsonKind, 'body is not valid JSON');
      if (!('value' in json)) return json;
      if (!isObject(json.value)) return invalidJson(jsonKind, 'body is not a JSON object');
      const body = json.value;
      const name = options.eventType(body);
      const schema = name === undefined ? undefined : schemas.get(name);
      if (name === undefined || schema === undefined) {
        return {
          kind: 'unknown_event',
          reason: 'unknown_event_type',
          message: name === undefined ? 'body declares no event type' : `unknown event type "${name}"`,
          ...(name === undefined ? {} : { eventType: name }),
        };
      }
      return then(schema['~standard'].validate(body), (result): ParseResult<EventMap> => {
        if (result.issues) {
          return {
            kind: 'invalid_payload',
            reason: 'schema_mismatch',
            message: `${name}: ${describeIssues(result.issues)}`,
            event: name,
            issues: result.issues,
          };
        }
        return { kind: 'event', event: name, variant: name, payload: result.value } as ParseResult<EventMap>;
      });
    },
  };
}

interface CompiledVariant {
  event: string;
  variant: string;
  schema: StandardSchemaV1;
  required: readonly string[];
}

function defineOneOf(options: OneOfProviderOptions<Record<string, Record<string, OneOfVariant>>>): Provider {
  const variants: CompiledVariant[] = [];
  for (const [event, group] of Object.entries(options.oneOf)) {
    for (const [variant, spec] of Object.entries(group)) {
      variants.push({ event, variant, schema: spec.schema, required: spec.required });
    }
  }
  if (variants.length === 0) throw new HookgateError('invalid_config', `Provider "${options.id}" defines no variants.`);
  // on(name) matches event and variant names alike: a variant named like another event would
  // reach that event's listeners with a payload their type does not describe.
  for (const { event, variant } of variants) {
    if (variant !== event && Object.hasOwn(options.oneOf, variant)) {
      throw new HookgateError(
        'invalid_config',
        `Provider "${options.id}": variant "${variant}" of event "${event}" has the name of another event; on("${variant}") would be ambiguous.`,
      );
    }
  }
  const jsonKind = options.invalidJson ?? 'unknown_event';
  return {
    id: options.id,
    verification: options.verification,
    shape: 'oneOf',
    events: Object.fromEntries(Object.entries(options.oneOf).map(([event, group]) => [event, Object.keys(group)])),
    eventId: options.eventId,
    parse(rawBody) {
      const json = parseJson(rawBody);
      if (!json) return invalidJson(jsonKind, rawBody.byteLength === 0 ? 'body is empty' : 'body is not valid JSON');
      if (!('value' in json)) return json;
      const body = json.value;
      if (!isObject(body)) return noVariant('body is not a JSON object');
      // Pre-check required keys so a body is validated against plausible variants only.
      const plausible = variants.filter((v) => v.required.every((key) => Object.hasOwn(body, key)));
      if (plausible.length === 0) return noVariant('no variant\'s required property is present');
      const results = plausible.map((v) => v.schema['~standard'].validate(body));
      return then(
        results.some((r) => r instanceof Promise) ? Promise.all(results) : (results as StandardSchemaV1.Result<unknown>[]),
        (settled): ParseResult<EventMap> => {
          const matches: Array<{ variant: CompiledVariant; value: unknown }> = [];
          settled.forEach((result, index) => {
            if (!result.issues) matches.push({ variant: plausible[index]!, value: result.value });
          });
          if (matches.length === 1) {
            const [{ variant, value }] = matches as [{ variant: CompiledVariant; value: unknown }];
            return { kind: 'event', event: variant.event, variant: variant.variant, payload: value } as ParseResult<EventMap>;
          }
          if (matches.length === 0) {
            const first = settled.find((r) => r.issues)?.issues ?? [];
            return noVariant(`no variant matched (${describeIssues(first)})`);
          }
          const candidates = matches.map((m) => m.variant.variant);
          return {
            kind: 'unknown_event',
            reason: 'ambiguous_variants',
            message: `body matches ${candidates.length} variants: ${candidates.join(', ')}`,
            candidates,
          };
        },
      );
    },
  };
}

function noVariant(message: string): UnknownEvent {
  return { kind: 'unknown_event', reason: 'no_variant_matched', message };
}

function then<A, B>(value: A | Promise<A>, fn: (value: A) => B): B | Promise<B> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

/**
 * A short human summary of Standard Schema issues (at most five): `path: message` joined by `; `.
 *
 * @example
 * ```ts
 * describeIssues([{ message: 'Required', path: ['issue_id'] }, { message: 'Expected string', path: [{ key: 'issue_title' }] }]);
 * // 'issue_id: Required; issue_title: Expected string'
 * ```
 */
export function describeIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * Parses a body against a provider's schemas without verifying a signature (tests, replays).
 *
 * @example
 * ```ts
 * const result = await parseWithProvider(pylon(), '{"event_type":"issue_new","issue_id":"1","issue_title":"Hi"}');
 * if (result.kind === 'event') console.log(result.event); // 'IssueNewEvent'
 * ```
 */
export async function parseWithProvider<T extends EventMap>(
  provider: Provider<T>,
  body: string | Uint8Array,
): Promise<ParseResult<T>> {
  return provider.parse(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}
