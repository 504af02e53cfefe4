import { dedupeKey } from './dedupe-key.js';
import { createDeliveryId } from './delivery-id.js';
import type { ClaimResult, CompleteInput, Delivery, DeliveryInput, DeliveryStatus, DeliveryStore } from './delivery-store.js';
import { describeThrown, HookgateError, thrownName } from './errors.js';
import { isoTime } from './iso-time.js';
import type { AttemptResult, HandlerMode } from './inbox.js';
import { decodeStoredBody } from './stored-body.js';
import { CREDENTIAL_HEADERS, getHeader, HeaderRedaction, headersToRecord } from './headers.js';
import { DEFAULT_MAX_JSON_DEPTH, pristineTextOf, setJsonDepthLimit } from './json-body.js';
import { OUTCOME_STATUS, refusal, type HandleOutcome } from './outcome.js';
import type { Provider, ProviderReply } from './provider.js';
import type { WebhookRequest } from './request.js';
import type { EventMap, EventName, ParsedPayload, ParseResult, PayloadOf, VerifyAndParseResult } from './results.js';
import { prepareSecrets, type Secret } from './secrets.js';
import { verifierFor, type VerificationResult, type VerificationSuccess } from './verify-hmac.js';

/**
 * Default largest body `handle()` accepts: 1 MiB.
 *
 * @example
 * ```ts
 * createWebhookHandler({ provider, secret, maxBodyBytes: 4 * DEFAULT_MAX_BODY_BYTES }); // 4 MiB
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * Default dedupe window: 24 hours.
 *
 * @example
 * ```ts
 * createWebhookHandler({ provider, secret, store, dedupeWindowSeconds: 7 * DEFAULT_DEDUPE_WINDOW_SECONDS }); // a week
 * ```
 */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 24 * 60 * 60;
/**
 * Default lease of a dedupe claim while its delivery is processed: 60 seconds.
 *
 * @example
 * ```ts
 * createWebhookHandler({ provider, secret, store, leaseSeconds: 5 * DEFAULT_LEASE_SECONDS }); // listeners that take minutes
 * ```
 */
export const DEFAULT_LEASE_SECONDS = 60;

/**
 * Options of {@link createWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: WebhookHandlerOptions<PylonEvents> = {
 *   provider: pylon(),
 *   secrets: [process.env.PYLON_SECRET_NEW!, process.env.PYLON_SECRET_OLD!], // rotation
 *   store: new MemoryStore(),
 *   maxBodyBytes: 256 * 1024,
 * };
 * ```
 */
export interface WebhookHandlerOptions<T extends EventMap> {
  provider: Provider<T>;
  /** The shared secret. Use `secrets` during rotation. */
  secret?: Secret | undefined;
  /** Several secrets (rotation): any one that matches passes; `secretIndex` says which. */
  secrets?: readonly Secret[] | undefined;
  /** Where deliveries are recorded and dedupe keys claimed. Without one, nothing is recorded or deduplicated. */
  store?: DeliveryStore | undefined;
  /** Bodies larger than this are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** A key whose handling completed within this many seconds is a duplicate. Default 86,400 (24 h). */
  dedupeWindowSeconds?: number | undefined;
  /**
   * How long a delivery holds its dedupe key while listeners run, in seconds (> 0). Default 60.
   * A copy arriving meanwhile is answered 409 `in_progress` with `Retry-After`; once the lease
   * has passed without completion (a crashed or hung attempt), the next copy is processed.
   * Choose it longer than your slowest listener: a copy after the lease runs listeners again.
   */
  leaseSeconds?: number | undefined;
  /** Clock in epoch milliseconds (tests). Default `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * Deepest nesting of arrays/objects a body may have (a positive integer). Deeper bodies are
   * refused before `JSON.parse` as 400 `invalid_payload` / `json_too_deep`, and recorded. Default
   * 256 ({@link DEFAULT_MAX_JSON_DEPTH}).
   */
  maxJsonDepth?: number | undefined;
  /**
   * More header names (case-insensitive) whose values are recorded as `[redacted]`, besides the
   * provider's signature headers and {@link CREDENTIAL_HEADERS}.
   */
  redactHeaders?: readonly string[] | undefined;
  /**
   * Where the handler writes its one line when a listener throws and no `onError` listener is
   * registered: delivery id, provider, event and the error's message (never the body, headers
   * or a secret); and, at most every 10 s, a line when the store fails and deliveries are
   * answered 503 `store_unavailable`. Default `console`.
   */
  logger?: HandlerLogger | undefined;
  /**
   * `inline` (default): listeners run inside the request and their result is the answer.
   * `inbox`: after verify, parse and claim, the delivery is recorded `queued` and enqueued
   * durably in the store's inbox, answered 202 at once; a worker (`startWorker()`, `hookgate
   * worker`) runs the listeners with retries. Needs a store with an inbox (all built-in ones).
   */
  mode?: HandlerMode | undefined;
}

/**
 * What a handler logs to (see `logger` in {@link WebhookHandlerOptions}): `console`, pino, winston…
 *
 * @example
 * ```ts
 * const logger: HandlerLogger = { error: (message) => process.stderr.write(`${message}\n`) };
 * createWebhookHandler({ provider, secret, logger });
 * ```
 */
export interface HandlerLogger {
  error(message: string): void;
}

/**
 * Passed to every listener with the event.
 *
 * @example
 * ```ts
 * handler.onAny((event, ctx) => console.log(ctx.deliveryId, ctx.provider, ctx.variant, ctx.secretIndex));
 * ```
 */
export interface HandlerContext {
  readonly deliveryId: string;
  readonly provider: string;
  readonly event: string;
  readonly variant: string;
  readonly secretIndex: number;
  /** Null when the handler has no store (no dedupe). */
  readonly dedupeKey: string | null;
  readonly receivedAt: Date;
  readonly request: WebhookRequest;
  /**
   * 1-based number of this run of the listeners for `deliveryId`: always 1 inline; in inbox
   * mode a retry or a replay has the next number. Runs are at-least-once, so use `deliveryId`
   * as your idempotency key (a second run of the same delivery has the same id).
   */
  readonly attempt: number;
}

/** A listener registered with `on(name, fn)`. */
export type EventListener<P> = (payload: P, context: HandlerContext) => unknown;
/** A listener registered with `onAny(fn)`: receives the whole parsed event. */
export type AnyListener<T extends EventMap> = (event: ParsedPayload<T>, context: HandlerContext) => unknown;
/** A listener registered with `onError(fn)`: a listener threw. */
export type ErrorListener = (error: unknown, context: HandlerContext) => unknown;

/**
 * Per-call options of `handle()`.
 *
 * @example
 * ```ts
 * // What a gateway does for handlers created without a store:
 * await handler.handle(request, { defaultStore: gatewayStore });
 * ```
 */
export interface HandleOptions {
  /** Records and dedupes this call when the handler was created without a `store` (its own store wins). */
  defaultStore?: DeliveryStore | undefined;
  /** The gateway's mode, used when the handler was created without a `mode` (its own mode wins). */
  defaultMode?: HandlerMode | undefined;
}

/**
 * A stored delivery to run the listeners for again (an inbox job or a replay), see
 * {@link WebhookEndpoint.redeliver}.
 *
 * @example
 * ```ts
 * const delivery = (await store.get(id))!;
 * await handler.redeliver({ delivery, attempt: 2 });
 * ```
 */
export interface RedeliverInput {
  delivery: Delivery;
  /** The attempt number listeners see as `ctx.attempt`. */
  attempt: number;
}

/**
 * What routing needs from a handler, whatever its event types: what `createGateway()` and the
 * adapters accept. Every {@link WebhookHandler} is one.
 *
 * @example
 * ```ts
 * const endpoints: Record<string, WebhookEndpoint> = { pylon: pylonHandler, 'webhooks-b': webhooksBHandler };
 * const outcome = await endpoints.pylon!.handle(request);
 * ```
 */
export interface WebhookEndpoint {
  readonly provider: Provider;
  readonly store: DeliveryStore | undefined;
  readonly maxBodyBytes: number;
  /** Verify → parse → dedupe → dispatch → record; resolves to the HTTP outcome. Never rejects. */
  handle(request: WebhookRequest, options?: HandleOptions): Promise<HandleOutcome>;
  /**
   * Runs the listeners for a delivery already verified and stored (re-parsing its stored body,
   * no signature check, nothing recorded): what inbox workers and replays call. Never rejects.
   */
  redeliver?(input: RedeliverInput): Promise<AttemptResult>;
}

/**
 * A typed webhook handler for one provider. Create with {@link createWebhookHandler}.
 *
 * @example
 * ```ts
 * const handler: WebhookHandler<PylonEvents> = createWebhookHandler({ provider: pylon(), secret });
 * handler.on('IssueNewEvent', (issue) => issue.issue_title).onError((error, ctx) => log(ctx.deliveryId, error));
 * ```
 */
export interface WebhookHandler<T extends EventMap = EventMap> extends WebhookEndpoint {
  readonly provider: Provider<T>;
  readonly store: DeliveryStore | undefined;
  readonly maxBodyBytes: number;
  /**
   * Calls `listener` for an event (any of its variants) or one variant. Listeners run in
   * registration order, awaited one after another.
   */
  on<N extends EventName<T>>(name: N, listener: EventListener<PayloadOf<T, N>>): this;
  /** Calls `listener` for every parsed event, in registration order with `on` listeners. */
  onAny(listener: AnyListener<T>): this;
  /** Called when a listener throws (the delivery is answered 500 and its dedupe claim released). */
  onError(listener: ErrorListener): this;
  /** Verifies and parses without recording or dispatching. Never throws for sender-caused problems. */
  verifyAndParse(request: WebhookRequest): Promise<VerifyAndParseResult<T>>;
  /** Verify → parse → dedupe → dispatch → record; resolves to the HTTP outcome. Never rejects. */
  handle(request: WebhookRequest, options?: HandleOptions): Promise<HandleOutcome>;
  redeliver(input: RedeliverInput): Promise<AttemptResult>;
}

/** One `handle()` call in progress. */
interface Run {
  readonly id: string;
  readonly request: WebhookRequest;
  readonly receivedAtMs: number;
  /** `performance.now()` at receipt, for `durationMs`. */
  readonly started: number;
  readonly store: DeliveryStore | undefined;
  readonly mode: HandlerMode;
  /** The provider's own answer for this event (Slack's challenge), sent for handled and duplicate outcomes. */
  reply?: ProviderReply | undefined;
  /** Set once this delivery holds the dedupe claim on this key. */
  claimedKey?: string | undefined;
}

/** A delivery's verification and what its body parsed to. */
interface Checked {
  readonly verification: VerificationResult;
  readonly result: VerifyAndParseResult<EventMap>;
}

/** How a delivery ends, before it is recorded. */
interface Settlement {
  status: DeliveryStatus;
  fields: Partial<DeliveryInput>;
  retryAfterSeconds?: number | undefined;
}

interface Registration {
  name: string | null;
  listener: (payload: unknown, context: HandlerContext) => unknown;
  any: boolean;
}

/**
 * Creates a handler for one provider.
 *
 * @throws {HookgateError} `invalid_config` without a usable secret or with bad limits.
 * @example
 * ```ts
 * import { createWebhookHandler, MemoryStore } from '@hookgate/core';
 * import { pylon } from '@hookgate/provider-pylon';
 *
 * const handler = createWebhookHandler({ provider: pylon(), secret: process.env.PYLON_SECRET!, store: new MemoryStore() });
 * handler.on('IssueNewEvent', (event) => console.log(event.issue_title));
 * handler.onError((error, ctx) => console.error(ctx.deliveryId, error));
 * const outcome = await handler.handle({ method: 'POST', headers, rawBody });
 * // outcome.status: 200 | 202 | 400 | 401 | 409 | 413 | 415 | 500 | 503
 * ```
 */
export function createWebhookHandler<T extends EventMap>(options: WebhookHandlerOptions<T>): WebhookHandler<T> {
  const { provider } = options;
  if (!provider || typeof provider.parse !== 'function') {
    throw new HookgateError('invalid_config', 'createWebhookHandler() needs a `provider` (e.g. pylon() or webhooksB()).');
  }
  if (options.secret !== undefined && options.secrets !== undefined) {
    throw new HookgateError('invalid_config', 'Pass either `secret` or `secrets`, not both.');
  }
  const secrets = prepareSecrets(options.secrets ?? options.secret, provider.verification.secretFormat);
  const verify = verifierFor(provider.verification);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new HookgateError('invalid_config', `maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}.`);
  }
  const windowSeconds = options.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS;
  if (!Number.isFinite(windowSeconds) || windowSeconds < 0) {
    throw new HookgateError('invalid_config', `dedupeWindowSeconds must be a non-negative number, got ${String(windowSeconds)}.`);
  }
  const windowMs = windowSeconds * 1000;
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0) {
    throw new HookgateError('invalid_config', `leaseSeconds must be a positive number, got ${String(leaseSeconds)}.`);
  }
  const leaseMs = leaseSeconds * 1000;
  const now = options.now ?? Date.now;
  const knownNames = new Set<string>();
  for (const [event, variants] of Object.entries(provider.events) as Array<[string, readonly string[]]>) {
    knownNames.add(event);
    for (const variant of variants) knownNames.add(variant);
  }
  // Lower-cased once here, not for every recorded delivery.
  const redact = new HeaderRedaction([...provider.verification.redactHeaders, ...CREDENTIAL_HEADERS, ...(options.redactHeaders ?? [])], {
    credentialNames: true,
  });
  const maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (!Number.isInteger(maxJsonDepth) || maxJsonDepth <= 0) {
    throw new HookgateError('invalid_config', `maxJsonDepth must be a positive integer, got ${String(maxJsonDepth)}.`);
  }
  const logger = options.logger ?? console;
  const storeFailures = new StoreFailureLog(provider.id, logger, now);
  const registrations: Registration[] = [];
  const errorListeners: ErrorListener[] = [];
  const store = options.store;
  const mode = options.mode;
  if (mode !== undefined && mode !== 'inline' && mode !== 'inbox') {
    throw new HookgateError('invalid_config', `mode must be 'inline' or 'inbox', got ${String(mode)}.`);
  }
  if (mode === 'inbox' && store !== undefined && store.inbox === undefined) {
    throw new HookgateError('invalid_config', "mode 'inbox' needs a store with an inbox (MemoryStore or @hookgate/store's openStore()).");
  }

  /**
   * Verify → parse. Synchronous when the strategy and the provider's parse are (node:crypto, a
   * generated fast parse): then handle() spends no promise or microtask turn on them. A throw
   * (or rejection) is the caller's to catch, as before.
   */
  function verifyAndParse(request: WebhookRequest, at: number): Checked | Promise<Checked> {
    // Every JSON parse of this body (template pointers, the provider's parse) applies our limit.
    setJsonDepthLimit(request.rawBody, maxJsonDepth);
    const pending = verify(request, secrets, at);
    // Synchronous with node:crypto; a promise only on Web Crypto runtimes (and custom strategies).
    return pending instanceof Promise ? pending.then((verification) => parseVerified(request, verification)) : parseVerified(request, pending);
  }

  function parseVerified(request: WebhookRequest, verification: VerificationResult): Checked | Promise<Checked> {
    if (!verification.ok) {
      return { verification, result: { kind: 'signature_failure', reason: verification.reason, message: verification.message } };
    }
    const parsed = provider.parse(request.rawBody, request);
    return parsed instanceof Promise ? parsed.then((value) => withSecretIndex(verification, value)) : withSecretIndex(verification, parsed);
  }

  function withSecretIndex(verification: VerificationSuccess, parsed: ParseResult<T>): Checked {
    const { secretIndex } = verification;
    // An event is written out field by field: a spread of it allocated ~400 B per delivery.
    const result =
      parsed.kind === 'event'
        ? { kind: parsed.kind, event: parsed.event, variant: parsed.variant, payload: parsed.payload, secretIndex }
        : { ...parsed, secretIndex };
    return { verification, result: result as VerifyAndParseResult<T> };
  }

  /**
   * Runs the matching listeners in registration order, each awaited before the next. Returns a
   * promise only once a listener returns one: synchronous listeners cost no promise or
   * microtask turn. A listener's throw is thrown, its rejection rejects, as before.
   */
  function dispatch(parsed: ParsedPayload<T>, context: HandlerContext, from = 0): void | Promise<void> {
    for (let index = from; index < registrations.length; index++) {
      const registration = registrations[index]!;
      let result: unknown;
      if (registration.any) result = registration.listener(parsed, context);
      else if (registration.name === parsed.event || registration.name === parsed.variant) result = registration.listener(parsed.payload, context);
      else continue;
      if (isPromiseLike(result)) return Promise.resolve(result).then(() => dispatch(parsed, context, index + 1));
    }
  }

  async function reportError(error: unknown, context: HandlerContext, outcome = 'answered 500 handler_error'): Promise<void> {
    if (errorListeners.length === 0) {
      try {
        logger.error(listenerFailureLine(error, context, outcome));
      } catch {
        // A logger that throws must not turn a 500 into an unhandled rejection either.
      }
      return;
    }
    for (const listener of errorListeners) {
      try {
        await listener(error, context);
      } catch {
        // An onError listener that throws must not turn a 500 into an unhandled rejection.
      }
    }
  }

  /** Refusals decided from the bytes alone, before anything is verified or recorded (413, 415). */
  function refuseUnread(request: WebhookRequest): HandleOutcome | undefined {
    if (request.rawBody.byteLength > maxBodyBytes) {
      return refusal('too_large', `body is ${request.rawBody.byteLength} bytes; the limit is ${maxBodyBytes}`);
    }
    const encoding = unsupportedEncoding(request);
    // Not decoded, so neither verifiable nor parseable: refused before anything is recorded, like 413.
    if (encoding !== undefined) {
      return refusal('unsupported_encoding', `Content-Encoding ${encoding} is not supported; send the body unencoded (identity)`);
    }
    return undefined;
  }

  /** The provider's answer to an unsigned endpoint check (not verified, recorded or dispatched), if the request is one. */
  function probe(request: WebhookRequest): HandleOutcome | undefined {
    let reply: ProviderReply | undefined;
    try {
      reply = provider.probe?.(request);
    } catch (error) {
      // Provider code, like reply(): a throw is a 500 the provider retries, never a rejected handle().
      return { status: 500, kind: 'handler_error', reason: 'handler_error', message: `probe() threw: ${describeThrown(error)}` };
    }
    if (reply === undefined) return undefined;
    return { status: reply.status ?? OUTCOME_STATUS.probe, kind: 'probe', reply };
  }

  /** Verify → parse → claim → dispatch: what this delivery's status is (or an outcome that records nothing). */
  async function processDelivery(run: Run): Promise<Settlement | { outcome: HandleOutcome }> {
    let checked: Checked;
    try {
      const pending = verifyAndParse(run.request, run.receivedAtMs);
      checked = pending instanceof Promise ? await pending : pending;
    } catch (error) {
      // A schema or eventType() that throws (or rejects) is a bug on our side, not the sender's:
      // answer 500 so the provider retries once it is fixed, instead of a 400 it will not resend.
      return { status: 'handler_error', fields: { reason: 'handler_error', message: `parsing threw: ${describeThrown(error)}` } };
    }
    const { verification, result } = checked;
    if (result.kind === 'signature_failure') {
      return { status: 'rejected_signature', fields: { reason: result.reason, message: result.message } };
    }
    const secretIndex = verification.ok ? verification.secretIndex : null;
    if (result.kind === 'unknown_event') {
      const message = result.candidates ? `${result.message} [candidates: ${result.candidates.join(', ')}]` : result.message;
      return { status: 'unknown_event', fields: { reason: result.reason, message, secretIndex } };
    }
    if (result.kind === 'invalid_payload') {
      return { status: 'invalid_payload', fields: { reason: result.reason, message: result.message, secretIndex, event: result.event ?? null } };
    }

    const parsed = result as ParsedPayload<T> & { secretIndex: number };
    const fields: Partial<DeliveryInput> = { event: parsed.event, variant: parsed.variant, secretIndex, payload: parsed.payload };
    // Taken now, before anything else parses: the body's own text when the provider's parse kept
    // the parsed body unchanged, so the store need not serialise the payload again.
    const payloadJson = pristineTextOf(parsed.payload);
    if (payloadJson !== undefined) fields.payloadJson = payloadJson;
    try {
      run.reply = provider.reply?.(parsed, run.request);
    } catch (error) {
      // reply() is provider code, like eventId(): a throw is a 500 the provider retries.
      return handlerError(error, contextOf(run, parsed, null), fields, 'reply() threw: ');
    }
    const queueLimit = run.mode === 'inbox' ? run.store?.inbox?.maxBodyBytes : undefined;
    if (queueLimit !== undefined && run.request.rawBody.byteLength > queueLimit) {
      // The store would cut the body, and a worker cannot run listeners on half a body: refuse
      // (not queue, acknowledge and lose it). Raise the store's maxBodyBytes to accept it.
      return {
        outcome: refusal(
          'too_large',
          `body of ${run.request.rawBody.byteLength} bytes exceeds the ${queueLimit} bytes the store keeps (its maxBodyBytes), so it cannot be queued whole`,
        ),
      };
    }
    if (run.store) {
      // Inline rather than in an async helper: one promise and one turn fewer per delivery.
      let key: string;
      try {
        const pending = dedupeKey(provider.eventId?.(parsed.payload, run.request), verification.ok ? verification.signedMessage : []);
        key = typeof pending === 'string' ? pending : await pending;
      } catch (error) {
        // eventId() is provider code: a throw is a handler error (500, retried), never a rejected handle().
        return handlerError(error, contextOf(run, parsed, null), fields, 'eventId() threw: ');
      }
      fields.dedupeKey = key;
      let claim: ClaimResult;
      try {
        claim = await run.store.claim({ provider: provider.id, dedupeKey: key, deliveryId: run.id, now: run.receivedAtMs, leaseMs });
      } catch (error) {
        return { outcome: storeFailures.refuse(`the dedupe claim failed: ${describeThrown(error)}`) };
      }
      const refused = claimRefusal(run, claim, fields);
      if (refused) return refused;
    }
    // Inbox mode: the listeners run later, in a worker; settle() records and enqueues it.
    if (run.mode === 'inbox') return run.store ? { status: 'queued', fields } : { outcome: refusal('store_unavailable', "mode 'inbox' needs a store") };

    // No listener, nothing to run: no context to build either.
    if (registrations.length === 0) return { status: 'handled', fields };
    const context = contextOf(run, parsed, fields.dedupeKey ?? null);
    try {
      const pending = dispatch(parsed, context);
      if (pending !== undefined) await pending;
    } catch (error) {
      return handlerError(error, context, fields, '');
    }
    return { status: 'handled', fields };
  }

  /**
   * What a claim means for this delivery: undefined when it holds the key now (set as
   * `run.claimedKey`) and may be dispatched, else how it settles (duplicate, in progress).
   */
  function claimRefusal(run: Run, claim: ClaimResult, fields: Partial<DeliveryInput>): Settlement | undefined {
    if (claim.kind === 'done') return { status: 'duplicate', fields: { ...fields, duplicateOf: claim.firstDeliveryId } };
    if (claim.kind === 'in_progress') {
      // Not a duplicate yet: the other attempt may still fail. Refuse (non-2xx) so the provider
      // comes back once that attempt has completed, failed or expired.
      const retryAfterSeconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - run.receivedAtMs) / 1000));
      const message = `delivery ${claim.holderDeliveryId} is still processing this event; retry after ${retryAfterSeconds} s`;
      return { status: 'in_progress', fields: { ...fields, duplicateOf: claim.holderDeliveryId, reason: 'in_progress', message }, retryAfterSeconds };
    }
    run.claimedKey = fields.dedupeKey!;
    return undefined;
  }

  /** Provider or listener code threw: report it and settle as a 500 `handler_error`. */
  async function handlerError(error: unknown, context: HandlerContext, fields: Partial<DeliveryInput>, prefix: string): Promise<Settlement> {
    await reportError(error, context);
    return { status: 'handler_error', fields: { ...fields, reason: 'handler_error', message: `${prefix}${describeThrown(error)}` } };
  }

  function contextOf(run: Run, parsed: ParsedPayload<T> & { secretIndex: number }, dedupeKey: string | null): HandlerContext {
    return {
      deliveryId: run.id,
      provider: provider.id,
      event: parsed.event,
      variant: parsed.variant,
      secretIndex: parsed.secretIndex,
      dedupeKey,
      receivedAt: new Date(run.receivedAtMs),
      request: run.request,
      attempt: 1,
    };
  }

  /**
   * Records the delivery (when there is a store) and turns its status into the outcome. A
   * handled delivery that holds the claim is recorded and its key marked done in one step
   * (`complete`). This is the one place a claim is given up: when handling failed, or when the
   * outcome could not be recorded (complete is atomic, so nothing was) and the retry must be
   * processed. If releasing fails too, the lease expires and a later retry takes the key over.
   */
  async function settle(run: Run, { status, fields, retryAfterSeconds }: Settlement): Promise<HandleOutcome> {
    const durationMs = performance.now() - run.started;
    const completes = (status === 'handled' || status === 'queued') && run.claimedKey !== undefined;
    let failure: { error: unknown } | undefined;
    if (run.store) {
      try {
        const headers = headersToRecord(run.request.headers, redact);
        const delivery = deliveryOf(run, status, fields, durationMs, headers);
        if (status === 'queued') await enqueue(run.store, { delivery, now: now(), windowMs });
        else {
          await (completes ? run.store.complete({ delivery, now: now(), windowMs }) : run.store.record(delivery));
        }
      } catch (error) {
        failure = { error };
      }
      if (run.claimedKey !== undefined && (!completes || failure)) await releaseQuietly(run.store, run.claimedKey, run.id);
    }
    if (failure) return storeFailures.refuse(`the delivery could not be recorded: ${describeThrown(failure.error)}`);
    const outcome: { -readonly [K in keyof HandleOutcome]: HandleOutcome[K] } = { status: OUTCOME_STATUS[status], kind: status };
    if (fields.reason) outcome.reason = fields.reason;
    if (fields.message) outcome.message = fields.message;
    if (run.store) outcome.deliveryId = run.id;
    if (fields.event) outcome.event = fields.event;
    if (fields.variant) outcome.variant = fields.variant;
    if (fields.duplicateOf) outcome.duplicateOf = fields.duplicateOf;
    if (run.reply && (status === 'handled' || status === 'duplicate')) outcome.reply = run.reply;
    // A provider's own answer (Slack's challenge) keeps its 200 when the listeners are queued.
    if (run.reply && status === 'queued') outcome.reply = { ...run.reply, status: run.reply.status ?? 200 };
    if (retryAfterSeconds !== undefined) outcome.retryAfterSeconds = retryAfterSeconds;
    return outcome;
  }

  /**
   * The delivery as a store records it. Built as one literal of a fixed shape: spreading a blank
   * delivery and `fields` (whose shape varies by outcome) took V8's slow generic copy and was a
   * tenth of `handle()`'s CPU time.
   */
  function deliveryOf(run: Run, status: DeliveryStatus, fields: Partial<DeliveryInput>, durationMs: number, headers: Record<string, string>): DeliveryInput {
    return {
      id: run.id,
      receivedAt: isoTime(run.receivedAtMs),
      receivedAtMs: run.receivedAtMs,
      provider: provider.id,
      event: fields.event == null ? null : capText(fields.event, MAX_RECORDED_NAME_LENGTH),
      variant: fields.variant == null ? null : capText(fields.variant, MAX_RECORDED_NAME_LENGTH),
      status,
      reason: fields.reason ?? null,
      message: fields.message == null ? null : capText(fields.message, MAX_RECORDED_MESSAGE_LENGTH),
      dedupeKey: fields.dedupeKey ?? null,
      duplicateOf: fields.duplicateOf ?? null,
      secretIndex: fields.secretIndex ?? null,
      method: run.request.method,
      path: run.request.path ?? null,
      headers,
      rawBody: run.request.rawBody,
      payload: fields.payload ?? null,
      payloadJson: fields.payloadJson,
      durationMs,
    };
  }

  async function releaseQuietly(target: DeliveryStore, key: string, owner: string): Promise<void> {
    try {
      await target.release(provider.id, key, owner);
    } catch {
      // The store is failing anyway; the claim's lease expires and a later retry takes it over.
    }
  }

  /** Runs the listeners for a stored delivery (inbox worker, replay): parse again, dispatch, report. */
  async function redeliver({ delivery, attempt }: RedeliverInput): Promise<AttemptResult> {
    if (delivery.bodyTruncated) {
      return { ok: false, permanent: true, error: "the stored body was cut at the store's maxBodyBytes; it cannot be parsed again" };
    }
    const request: WebhookRequest = { method: delivery.method, headers: delivery.headers, rawBody: decodeStoredBody(delivery) };
    if (delivery.path !== null) (request as { path?: string }).path = delivery.path;
    let parsed: ParseResult<T>;
    try {
      setJsonDepthLimit(request.rawBody, maxJsonDepth);
      parsed = (await provider.parse(request.rawBody, request)) as ParseResult<T>;
    } catch (error) {
      return { ok: false, error: `parsing threw: ${describeThrown(error)}` };
    }
    if (parsed.kind !== 'event') {
      return { ok: false, permanent: true, error: `the stored body no longer parses as an event (${parsed.reason}: ${parsed.message})` };
    }
    const context: HandlerContext = {
      deliveryId: delivery.id,
      provider: provider.id,
      event: parsed.event,
      variant: parsed.variant,
      secretIndex: delivery.secretIndex ?? 0,
      dedupeKey: delivery.dedupeKey,
      receivedAt: new Date(delivery.receivedAt),
      request,
      attempt,
    };
    try {
      await dispatch(parsed as ParsedPayload<T>, context);
      return { ok: true };
    } catch (error) {
      // A stored delivery (inbox worker, replay): its sender was answered long ago; the attempt failed.
      await reportError(error, context, `attempt ${attempt} failed`);
      return { ok: false, error: describeThrown(error) };
    }
  }

  const handler: WebhookHandler<T> = {
    provider,
    store,
    maxBodyBytes,
    redeliver,
    on(name, listener) {
      if (!knownNames.has(name)) {
        throw new HookgateError(
          'unknown_event_name',
          `"${name}" is not an event or variant of provider "${provider.id}". Known: ${[...knownNames].join(', ')}.`,
        );
      }
      registrations.push({ name, listener: listener as Registration['listener'], any: false });
      return this;
    },
    onAny(listener) {
      registrations.push({ name: null, listener: listener as Registration['listener'], any: true });
      return this;
    },
    onError(listener) {
      errorListeners.push(listener);
      return this;
    },
    async verifyAndParse(request) {
      return (await verifyAndParse(request, now())).result;
    },
    async handle(request, call) {
      const receivedAtMs = now();
      const started = performance.now();
      const unread = refuseUnread(request);
      if (unread) return unread;
      if (provider.probe !== undefined) {
        const answer = probe(request);
        if (answer !== undefined) return answer;
      }
      const run: Run = {
        id: createDeliveryId(receivedAtMs),
        request,
        receivedAtMs,
        started,
        store: store ?? call?.defaultStore,
        mode: mode ?? call?.defaultMode ?? 'inline',
      };
      const step = await processDelivery(run);
      // Awaited rather than returned: resolving this promise with another costs two more turns.
      return 'outcome' in step ? step.outcome : await settle(run, step);
    },
  };
  return handler;
}

/** Records and enqueues a queued delivery; a store without an inbox is a configuration the gateway should have refused. */
async function enqueue(store: DeliveryStore, input: CompleteInput): Promise<void> {
  if (store.inbox === undefined) throw new HookgateError('invalid_config', "mode 'inbox' needs a store with an inbox");
  await store.inbox.enqueue(input);
}

/** True for a promise or any other thenable (what `await` would wait for). */
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * The first `Content-Encoding` that is not `identity` (lower-cased, at most 64 characters), or
 * undefined. Core does not decode bodies: the signature covers the bytes as sent, and inflating
 * sender-chosen bytes would need a bound of its own (zip bombs).
 */
function unsupportedEncoding(request: WebhookRequest): string | undefined {
  const header = getHeader(request.headers, 'content-encoding');
  if (header === undefined) return undefined;
  for (const coding of header.split(',')) {
    const name = coding.trim().toLowerCase();
    if (name !== '' && name !== 'identity') return JSON.stringify(name.slice(0, 64));
  }
  return undefined;
}

/**
 * The default log line when a listener (or a provider hook) threw and no `onError` listener is
 * registered: one line, no body, headers or secret.
 */
function listenerFailureLine(error: unknown, context: HandlerContext, outcome: string): string {
  // The message is the listener's, but may quote sender data: keep it on one bounded line.
  const message = describeThrown(error)
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .slice(0, 500);
  const name = thrownName(error);
  return (
    `[hookgate] listener failed (${outcome}): delivery ${context.deliveryId} provider ${context.provider} ` +
    `event ${context.event}: ${name}: ${message} — register handler.onError() to handle it yourself`
  );
}

/** Least time between two log lines about store failures (each line counts those in between). */
const STORE_FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * Store failures answered 503: the first is logged at once, later ones at most every
 * {@link STORE_FAILURE_LOG_INTERVAL_MS} with how many there were meanwhile, so an operator sees
 * why a gateway answers 503 without a line per request while the store is down.
 */
class StoreFailureLog {
  readonly #provider: string;
  readonly #logger: HandlerLogger;
  readonly #now: () => number;
  #lastAt = Number.NEGATIVE_INFINITY;
  #unlogged = 0;

  constructor(provider: string, logger: HandlerLogger, now: () => number) {
    this.#provider = provider;
    this.#logger = logger;
    this.#now = now;
  }

  refuse(message: string): HandleOutcome {
    const at = this.#now();
    if (at - this.#lastAt >= STORE_FAILURE_LOG_INTERVAL_MS) {
      const more = this.#unlogged > 0 ? ` (${this.#unlogged} more since the last line)` : '';
      this.#lastAt = at;
      this.#unlogged = 0;
      try {
        this.#logger.error(`hookgate: ${this.#provider}: answered 503 store_unavailable${more}: ${message.slice(0, 500)}`);
      } catch {
        // A logger that throws must not turn a 503 into a rejected handle().
      }
    } else {
      this.#unlogged++;
    }
    return refusal('store_unavailable', message);
  }
}

/**
 * Longest event or variant name a record keeps (UTF-16 code units; longer ones are cut, ending
 * in "…"). Names come from the provider's schemas, except where a provider passes the sender's
 * own type through (an unknown event's type, Standard Webhooks without types): a signed sender
 * must not be able to store a megabyte-long name that every list page then shows.
 */
const MAX_RECORDED_NAME_LENGTH = 200;

/** Longest `message` a record keeps (it quotes sender-chosen text such as an unknown type). */
const MAX_RECORDED_MESSAGE_LENGTH = 1000;

/** `text` cut to at most `max` code units, never inside a surrogate pair, ending in "…" when cut. */
function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // do not split a surrogate pair
  return `${text.slice(0, end)}…`;
}
