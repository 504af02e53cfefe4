import { utf8Bytes } from './bytes.js';
import { HookgateError } from './errors.js';
import { markPristine, parseJsonBody } from './json-body.js';
import type { WebhookRequest } from './request.js';
import type { AnyPayloadOf, EventMap, InvalidPayload, ParsedPayload, ParseResult, PayloadOf, UnknownEvent, VariantName } from './results.js';
import type { FastParse, FastParseResult, StandardSchemaV1 } from './standard-schema.js';
import type { VerificationStrategy } from './verify-hmac.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * An answer a provider writes itself instead of Hookgate's JSON outcome body (Slack's
 * `url_verification` must be answered with its `challenge`). Used only for 2xx outcomes
 * (handled or duplicate); `status` defaults to the outcome's.
 *
 * @example
 * ```ts
 * const reply: ProviderReply = { headers: { 'content-type': 'text/plain' }, body: challenge };
 * ```
 */
export interface ProviderReply {
  readonly status?: number | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body: string;
}

/**
 * What a provider's `eventType` names: an event (a bare name picks its variant named like it), or
 * an event and one of its variants. Without a variant, an event that has no variant of its own name
 * makes the body `invalid_payload` (`schema_mismatch`): a known event that does not say which
 * variant it is.
 *
 * @example
 * ```ts
 * const selection: EventSelection = { event: 'issues', variant: 'issues.opened' };
 * ```
 */
export type EventSelection = string | { readonly event: string; readonly variant?: string | undefined };

/** Options shared by both provider shapes. `T` is the event map (what `eventId` and `reply` see). */
interface ProviderOptionsBase<T extends EventMap> {
  /** URL-safe id, used for routing (`/webhooks/:provider`) and in the store. */
  id: string;
  verification: VerificationStrategy;
  /**
   * The provider's own delivery/event id, from the parsed body (typed) or a request header: the
   * dedupe key. Without it (or when it returns undefined) the key is a SHA-256 of the signed message.
   */
  eventId?: ((payload: AnyPayloadOf<T>, request: WebhookRequest) => string | undefined) | undefined;
  /**
   * An answer of the provider's own for a verified event (e.g. a challenge echo). Used when the
   * outcome is 2xx (handled or duplicate); return undefined for the usual JSON outcome body.
   */
  reply?: ((event: ParsedPayload<T>, request: WebhookRequest) => ProviderReply | undefined) | undefined;
  /**
   * Recognises a request the provider sends **unsigned** to check the endpoint (Slack's
   * `ssl_check`) and returns the answer it expects. Such a request is answered before
   * verification with that reply (outcome `probe`, status `reply.status ?? 200`): nothing is
   * verified, recorded or dispatched. Return undefined for every other request — match only
   * what the provider documents, since anyone can send it.
   */
  probe?: ((request: WebhookRequest) => ProviderReply | undefined) | undefined;
}

/** The schemas of a discriminated provider: per event one schema, or variant name → schema. */
export type DiscriminatedEvents = Record<string, StandardSchemaV1 | Record<string, StandardSchemaV1>>;

/** A provider whose event is named by its body (`event_type`) or a header: O(1) schema lookup. */
export interface DiscriminatedProviderOptions<S extends DiscriminatedEvents> extends ProviderOptionsBase<DiscriminatedMap<S>> {
  /** Event name → schema, or event name → variant name → schema (variants picked by `eventType`). */
  events: S;
  /**
   * The event (and variant) of a delivery, from its parsed body or its request (headers), after
   * alias mapping; or the raw type to report in `unknown_event_type`; or undefined when the
   * delivery declares none.
   */
  eventType: (payload: Record<string, unknown>, request: WebhookRequest) => EventSelection | undefined;
  /** How invalid JSON and non-object bodies are classified. Default `'invalid_payload'`. */
  invalidJson?: 'invalid_payload' | 'unknown_event' | undefined;
  /**
   * Variant name → a fast path compiled ahead of time for that variant's schema (see
   * {@link FastParse}): tried first; the schema runs only when it declines, to decide and to
   * produce the issues. A variant without one is validated by its schema alone.
   */
  fastParse?: { readonly [V in VariantName<DiscriminatedMap<NoInfer<S>>>]?: FastParse<PayloadOf<DiscriminatedMap<NoInfer<S>>, V>> | undefined } | undefined;
}

/** One variant of a oneOf provider: its schema and the keys it requires (cheap pre-check). */
export interface OneOfVariant<S extends StandardSchemaV1 = StandardSchemaV1> {
  schema: S;
  /** Keys the schema requires; variants whose keys are absent are not validated at all. */
  required: readonly string[];
  /**
   * A fast path compiled ahead of time for `schema` (see {@link FastParse}); the schema runs only
   * when it declines. Every plausible variant sees the same body, so this one must not change it.
   */
  fastParse?: FastParse<StandardSchemaV1.InferOutput<S>> | undefined;
}

/** A provider whose body has no discriminator: exactly one variant must match (JSON Schema oneOf). */
export interface OneOfProviderOptions<G extends Record<string, Record<string, OneOfVariant>>> extends ProviderOptionsBase<OneOfMap<G>> {
  /** Event name → variant name → variant. */
  oneOf: G;
  /** How invalid JSON is classified. Default `'unknown_event'`. */
  invalidJson?: 'invalid_payload' | 'unknown_event' | undefined;
}

/** A parsed event as a provider's `reply` hook sees it, whatever the provider's types. */
export interface ParsedEventLike {
  readonly event: string;
  readonly variant: string;
  readonly payload: unknown;
}

/**
 * A provider definition: plain data plus a parser. `T` maps event → variant → schema and drives
 * every type in the handler. Build with {@link defineProvider}.
 *
 * @example
 * ```ts
 * const provider: Provider = acme;
 * provider.events; // { 'order.paid': ['order.paid'] }
 * const parsed = await provider.parse(rawBody, request); // no verification
 * ```
 */
export interface Provider<T extends EventMap = EventMap> {
  readonly id: string;
  readonly verification: VerificationStrategy;
  readonly shape: 'discriminated' | 'oneOf';
  /** Event names, then for each its variant names. */
  readonly events: { readonly [E in keyof T & string]: ReadonlyArray<keyof T[E] & string> };
  /** The dedupe key for a parsed payload (typed where the provider is defined). */
  readonly eventId: ((payload: unknown, request: WebhookRequest) => string | undefined) | undefined;
  /** The provider's own answer for a parsed event, if it has one (see {@link ProviderReply}). */
  readonly reply: ((event: ParsedEventLike, request: WebhookRequest) => ProviderReply | undefined) | undefined;
  /** The provider's answer to an unsigned endpoint check, if the request is one (see `probe` in defineProvider). */
  readonly probe?: ((request: WebhookRequest) => ProviderReply | undefined) | undefined;
  /**
   * Parses raw body bytes (no verification); `request` is what `eventType` reads headers from
   * (without it, an empty POST request). Synchronous unless a schema validates asynchronously.
   */
  parse(rawBody: Uint8Array, request?: WebhookRequest): MaybePromise<ParseResult<T>>;
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

/**
 * The event map of a discriminated provider's `events`: a plain schema is one variant named like
 * its event; a record is the event's variants.
 */
export type DiscriminatedMap<S extends DiscriminatedEvents> = {
  [E in keyof S & string]: S[E] extends StandardSchemaV1 ? { [K in E]: S[E] } : S[E] extends Record<string, StandardSchemaV1> ? S[E] : never;
};
/** The event map of a oneOf provider's `oneOf`. */
export type OneOfMap<G extends Record<string, Record<string, OneOfVariant>>> = {
  [E in keyof G & string]: { [V in keyof G[E] & string]: G[E][V]['schema'] };
};

/** Route ids and provider ids: letters, digits, `.`, `_`, `-`, not starting with `.`, `_` or `-`. */
export const URL_SAFE_ID = /^[a-z0-9][a-z0-9._-]*$/i;

function assertProviderId(id: unknown): void {
  if (typeof id !== 'string' || !URL_SAFE_ID.test(id)) {
    throw new HookgateError('invalid_config', `Provider id "${String(id)}" must be URL-safe (letters, digits, . _ -).`);
  }
}

/**
 * The same provider under another id, to serve one provider more than once (two accounts, two
 * apps): a handler built with it records its deliveries under `id`, keeps its own dedupe keys,
 * and a worker runs its queued deliveries with its own listeners. Handlers that share an id share
 * all three: a worker runs each delivery with the first such handler's listeners. Everything else
 * (verification, events, parsing) is the provider's; `provider` itself is left as it is.
 * `@hookgate/config` does this for an entry whose `id` differs from its provider's.
 *
 * @throws {HookgateError} `invalid_config` when `id` is not URL-safe.
 * @example
 * ```ts
 * const eu = createWebhookHandler({ provider: withProviderId(stripe(), 'stripe-eu'), secret: process.env.STRIPE_EU_SECRET });
 * const us = createWebhookHandler({ provider: withProviderId(stripe(), 'stripe-us'), secret: process.env.STRIPE_US_SECRET });
 * const gateway = createGateway({ handlers: { 'stripe-eu': eu, 'stripe-us': us }, store });
 * ```
 */
export function withProviderId<T extends EventMap>(provider: Provider<T>, id: string): Provider<T> {
  assertProviderId(id);
  if (provider.id === id) return provider;
  // Inherits every member (methods and getters included) from the provider; only the id is its own.
  return Object.create(provider, { id: { value: id, enumerable: true } }) as Provider<T>;
}

/**
 * The ids a provider made by {@link withProviderId} was made from, nearest first (none for any
 * other provider). Internal: the worker and replay map older deliveries, recorded under those
 * ids, to it.
 *
 * @example
 * ```ts
 * baseProviderIds(withProviderId(pylon(), 'support-desk')); // ['pylon']
 * ```
 */
export function baseProviderIds(provider: Provider): string[] {
  const ids: string[] = [];
  let from: unknown = Object.getPrototypeOf(provider);
  while (from !== null && typeof from === 'object' && Object.hasOwn(from, 'id') && typeof (from as { id: unknown }).id === 'string') {
    ids.push((from as { id: string }).id);
    from = Object.getPrototypeOf(from);
  }
  return ids;
}

/**
 * Defines a provider. Two shapes: **discriminated** (`events` + `eventType`: the body or a header
 * names the event, and for events with variants the variant) and **oneOf** (`oneOf`: every
 * plausible variant is validated, exactly one must match).
 *
 * @throws {HookgateError} `invalid_config` for a bad id, an empty event list or a variant named like another event.
 * @example
 * ```ts
 * import { defineProvider, hmac } from '@hookgate/core';
 * import { z } from 'zod';
 *
 * const acme = defineProvider({
 *   id: 'acme',
 *   verification: hmac({ header: 'X-Acme-Signature' }),
 *   events: { 'order.paid': z.object({ type: z.literal('order.paid'), id: z.string() }) },
 *   eventType: (body, request) => getHeader(request.headers, 'x-acme-event') ?? (typeof body.type === 'string' ? body.type : undefined),
 *   eventId: (payload) => payload.id, // typed: no cast
 * });
 * ```
 */
export function defineProvider<const S extends DiscriminatedEvents>(options: DiscriminatedProviderOptions<S>): Provider<DiscriminatedMap<S>>;
export function defineProvider<const G extends Record<string, Record<string, OneOfVariant>>>(options: OneOfProviderOptions<G>): Provider<OneOfMap<G>>;
export function defineProvider(
  options: DiscriminatedProviderOptions<DiscriminatedEvents> | OneOfProviderOptions<Record<string, Record<string, OneOfVariant>>>,
): Provider {
  assertProviderId(options.id);
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

function defineDiscriminated(options: DiscriminatedProviderOptions<DiscriminatedEvents>): Provider {
  const names = Object.keys(options.events);
  if (names.length === 0) throw new HookgateError('invalid_config', `Provider "${options.id}" defines no events.`);
  // event → variant → schema; a plain schema is one variant named like its event.
  const groups = new Map<string, Map<string, StandardSchemaV1>>();
  for (const name of names) {
    const entry = options.events[name]!;
    groups.set(name, new Map(isVariantGroup(entry) ? Object.entries(entry) : [[name, entry]]));
  }
  assertVariantNamesUnambiguous(options.id, groups);
  const fastPaths = fastPathsOf(options.id, options.fastParse, groups);
  const jsonKind = options.invalidJson ?? 'invalid_payload';
  return {
    id: options.id,
    verification: options.verification,
    shape: 'discriminated',
    events: Object.fromEntries([...groups].map(([name, variants]) => [name, [...variants.keys()]])),
    eventId: options.eventId as Provider['eventId'],
    reply: options.reply as Provider['reply'],
    probe: options.probe,
    parse(rawBody, request = bareRequest(rawBody)) {
      const json = parseJson(rawBody);
      if (!json) return invalidJson(jsonKind, 'body is not valid JSON');
      if (!('value' in json)) return json;
      if (!isObject(json.value)) return invalidJson(jsonKind, 'body is not a JSON object');
      const body = json.value;
      const selection = options.eventType(body, request);
      if (selection === undefined) {
        return { kind: 'unknown_event', reason: 'unknown_event_type', message: 'the delivery declares no event type' };
      }
      const event = typeof selection === 'string' ? selection : selection.event;
      const group = groups.get(event);
      // A bare name (or an undefined variant) picks the event's variant named like it, if any.
      const variant = (typeof selection === 'string' ? undefined : selection.variant) ?? (group?.has(event) ? event : undefined);
      if (group !== undefined && variant === undefined) {
        return {
          kind: 'invalid_payload',
          reason: 'schema_mismatch',
          message: `${event}: the body does not say which variant it is (${listSome([...group.keys()])})`,
          event,
        };
      }
      const schema = variant === undefined ? undefined : group?.get(variant);
      if (schema === undefined || variant === undefined) {
        const declared = group === undefined || variant === undefined ? event : variant;
        return { kind: 'unknown_event', reason: 'unknown_event_type', message: `unknown event type "${declared}"`, eventType: declared };
      }
      const fast = fastPaths.get(variant);
      if (fast !== undefined && !Object.hasOwn(body, '__proto__')) {
        const quick = fast(body);
        if (quick !== undefined) {
          // markPristine checks that the value is the body as parsed; anything else is ignored.
          if (quick.unchanged === true) markPristine(quick.value);
          return { kind: 'event', event, variant, payload: quick.value } as ParseResult<EventMap>;
        }
      }
      return then(schema['~standard'].validate(body), (result): ParseResult<EventMap> => {
        if (result.issues) {
          return {
            kind: 'invalid_payload',
            reason: 'schema_mismatch',
            message: `${variant}: ${describeIssues(result.issues)}`,
            event,
            issues: result.issues,
          };
        }
        return { kind: 'event', event, variant, payload: result.value } as ParseResult<EventMap>;
      });
    },
  };
}

/** The fast paths by variant name, each for a variant the provider defines. */
function fastPathsOf(
  id: string,
  given: Readonly<Record<string, FastParse | undefined>> | undefined,
  groups: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
): Map<string, FastParse> {
  const fastPaths = new Map<string, FastParse>();
  const variants = new Set([...groups.values()].flatMap((group) => [...group.keys()]));
  for (const [variant, fast] of Object.entries(given ?? {})) {
    if (fast === undefined) continue;
    if (!variants.has(variant) || typeof fast !== 'function') {
      throw new HookgateError('invalid_config', `Provider "${id}": fastParse.${variant} must be a function for a variant the provider defines.`);
    }
    fastPaths.set(variant, fast);
  }
  return fastPaths;
}

/** A record of variant schemas (not itself a schema, non-empty, every value a schema). */
function isVariantGroup(value: StandardSchemaV1 | Record<string, StandardSchemaV1>): value is Record<string, StandardSchemaV1> {
  if (typeof value !== 'object' || value === null || '~standard' in value) return false;
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((entry) => typeof entry === 'object' && entry !== null && '~standard' in entry);
}

/** What `parse()` hands `eventType` when the caller gave no request: a POST without headers. */
function bareRequest(rawBody: Uint8Array): WebhookRequest {
  return { method: 'POST', headers: {}, rawBody };
}

/**
 * on(name) matches event and variant names alike: a variant named like another event would
 * reach that event's listeners with a payload their type does not describe.
 */
function assertVariantNamesUnambiguous(id: string, groups: ReadonlyMap<string, ReadonlyMap<string, unknown>>): void {
  for (const [event, variants] of groups) {
    for (const variant of variants.keys()) {
      if (variant !== event && groups.has(variant)) {
        throw new HookgateError(
          'invalid_config',
          `Provider "${id}": variant "${variant}" of event "${event}" has the name of another event; on("${variant}") would be ambiguous.`,
        );
      }
    }
  }
}

interface CompiledVariant {
  event: string;
  variant: string;
  schema: StandardSchemaV1;
  required: readonly string[];
  fastParse: FastParse | undefined;
}

function defineOneOf(options: OneOfProviderOptions<Record<string, Record<string, OneOfVariant>>>): Provider {
  const variants: CompiledVariant[] = [];
  for (const [event, group] of Object.entries(options.oneOf)) {
    for (const [variant, spec] of Object.entries(group)) {
      if (spec.fastParse !== undefined && typeof spec.fastParse !== 'function') {
        throw new HookgateError('invalid_config', `Provider "${options.id}": fastParse of variant "${variant}" must be a function.`);
      }
      variants.push({ event, variant, schema: spec.schema, required: spec.required, fastParse: spec.fastParse });
    }
  }
  if (variants.length === 0) throw new HookgateError('invalid_config', `Provider "${options.id}" defines no variants.`);
  assertVariantNamesUnambiguous(options.id, new Map(Object.entries(options.oneOf).map(([event, group]) => [event, new Map(Object.entries(group))])));
  const jsonKind = options.invalidJson ?? 'unknown_event';
  return {
    id: options.id,
    verification: options.verification,
    shape: 'oneOf',
    events: Object.fromEntries(Object.entries(options.oneOf).map(([event, group]) => [event, Object.keys(group)])),
    eventId: options.eventId as Provider['eventId'],
    reply: options.reply as Provider['reply'],
    probe: options.probe,
    parse(rawBody) {
      const json = parseJson(rawBody);
      if (!json) return invalidJson(jsonKind, rawBody.byteLength === 0 ? 'body is empty' : 'body is not valid JSON');
      if (!('value' in json)) return json;
      const body = json.value;
      if (!isObject(body)) return noVariant('body is not a JSON object');
      // Pre-check required keys so a body is validated against plausible variants only. Plain
      // loops: this runs for every delivery, and the fast paths left little else to spend on.
      const plausible: CompiledVariant[] = [];
      const results: Array<StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>> = [];
      // A fast path answers for its variant when it accepts; the schema decides otherwise.
      const fastAllowed = !Object.hasOwn(body, '__proto__');
      let pending = false;
      for (const variant of variants) {
        if (!hasEvery(body, variant.required)) continue;
        const result = (fastAllowed ? variant.fastParse?.(body) : undefined) ?? variant.schema['~standard'].validate(body);
        if (result instanceof Promise) pending = true;
        plausible.push(variant);
        results.push(result);
      }
      if (plausible.length === 0) return noVariant("no variant's required property is present");
      if (pending) return Promise.all(results).then((settled) => decideOneOf(plausible, settled));
      return decideOneOf(plausible, results as StandardSchemaV1.Result<unknown>[]);
    },
  };
}

function hasEvery(body: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const key of keys) if (!Object.hasOwn(body, key)) return false;
  return true;
}

/** Exactly one plausible variant matched → its event; none → `no_variant_matched`; several → `ambiguous_variants`. */
function decideOneOf(plausible: readonly CompiledVariant[], settled: ReadonlyArray<StandardSchemaV1.Result<unknown>>): ParseResult<EventMap> {
  let first = -1;
  let count = 0;
  for (let index = 0; index < settled.length; index++) {
    if (settled[index]!.issues) continue;
    if (count++ === 0) first = index;
  }
  if (count === 1) {
    const variant = plausible[first]!;
    const accepted = settled[first] as FastParseResult<unknown>;
    // A fast path's word that the body is the payload as parsed (checked against the last parse).
    if (accepted.unchanged === true) markPristine(accepted.value);
    return {
      kind: 'event',
      event: variant.event,
      variant: variant.variant,
      payload: accepted.value,
    } as ParseResult<EventMap>;
  }
  if (count === 0) {
    const issues = settled.find((result) => result.issues)?.issues ?? [];
    return noVariant(`no variant matched (${describeIssues(issues)})`);
  }
  const candidates = plausible.filter((_, index) => !settled[index]!.issues).map((variant) => variant.variant);
  return {
    kind: 'unknown_event',
    reason: 'ambiguous_variants',
    message: `body matches ${candidates.length} variants: ${candidates.join(', ')}`,
    candidates,
  };
}

/** At most five names, then `…` when there are more. */
function listSome(names: readonly string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
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
 * `request` supplies the headers (and method, path) that `eventType` may read.
 *
 * @example
 * ```ts
 * const result = await parseWithProvider(pylon(), '{"event_type":"issue_new","issue_id":"1","issue_title":"Hi"}');
 * if (result.kind === 'event') console.log(result.event); // 'IssueNewEvent'
 * // a provider that names its event in a header:
 * await parseWithProvider(github(), body, { headers: { 'x-github-event': 'issues' } });
 * ```
 */
export async function parseWithProvider<T extends EventMap>(
  provider: Provider<T>,
  body: string | Uint8Array,
  request: Partial<Omit<WebhookRequest, 'rawBody'>> = {},
): Promise<ParseResult<T>> {
  const rawBody = typeof body === 'string' ? utf8Bytes(body) : body;
  return provider.parse(rawBody, { method: request.method ?? 'POST', path: request.path, headers: request.headers ?? {}, rawBody });
}

/**
 * A {@link parseWithProvider} over one provider that `create` makes on first use (nothing at
 * import time, one instance after): what a provider package's `parseWebhookEvent` is built from.
 *
 * @example
 * ```ts
 * import { lazyParser } from '@hookgate/core/provider';
 *
 * const parse = lazyParser(github);
 * export const parseWebhookEvent = (body: string, event: string) => parse(body, { headers: { 'x-github-event': event } });
 * ```
 */
export function lazyParser<T extends EventMap>(
  create: () => Provider<T>,
): (body: string | Uint8Array, request?: Partial<Omit<WebhookRequest, 'rawBody'>>) => Promise<ParseResult<T>> {
  let provider: Provider<T> | undefined;
  return (body, request) => {
    provider ??= create();
    return parseWithProvider(provider, body, request);
  };
}
