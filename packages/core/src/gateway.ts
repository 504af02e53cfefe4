import type { DeliveryStore } from './delivery-store.js';
import { HookgateError } from './errors.js';
import type { WebhookEndpoint } from './handler.js';
import type { HandlerMode } from './inbox.js';
import { refusal, type HandleOutcome } from './outcome.js';
import type { WebhookRequest } from './request.js';
import { URL_SAFE_ID } from './provider.js';

/**
 * Options of {@link createGateway}.
 *
 * @example
 * ```ts
 * const options: GatewayOptions<{ pylon: typeof pylonHandler }> = { handlers: { pylon: pylonHandler }, store: new MemoryStore() };
 * ```
 */
export interface GatewayOptions<H extends Record<string, WebhookEndpoint>> {
  /** Route id → handler. The id is what appears in `/webhooks/:provider`. */
  handlers: H;
  /**
   * Records and dedupes the deliveries of every handler that has no store of its own. The
   * handlers are not changed: the same handler may serve several gateways, each with its store.
   */
  store?: DeliveryStore | undefined;
  /**
   * The mode of every handler created without one: `inline` (default) or `inbox` (record
   * `queued`, answer 202, listeners run by a worker; needs a `store` with an inbox).
   */
  mode?: HandlerMode | undefined;
}

/**
 * What an adapter needs from a gateway, whatever its handlers' types.
 *
 * @example
 * ```ts
 * const router: GatewayRouter = createGateway({ handlers: { pylon: pylonHandler } });
 * router.handler('pylon')?.maxBodyBytes; // 1048576
 * ```
 */
export interface GatewayRouter {
  readonly kind: 'gateway';
  readonly store: DeliveryStore | undefined;
  /** The endpoint for a route id (the handler, with the gateway's store when it has none), or undefined. */
  handler(providerId: string): WebhookEndpoint | undefined;
  /** Routes to the handler; an unknown id is a 404 outcome. Never rejects. */
  handle(providerId: string, request: WebhookRequest): Promise<HandleOutcome>;
}

/**
 * One mount for many providers: routes by provider id. Build with {@link createGateway}.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ handlers: { pylon: pylonHandler } });
 * gateway.providers; // ['pylon']
 * const outcome = await gateway.handle('pylon', request); // unknown ids → 404
 * ```
 */
export interface Gateway<H extends Record<string, WebhookEndpoint> = Record<string, WebhookEndpoint>> extends GatewayRouter {
  readonly handlers: H;
  /** Route ids, in the order given. */
  readonly providers: ReadonlyArray<keyof H & string>;
}

/**
 * Creates a gateway that serves several providers from one mount.
 *
 * @throws {HookgateError} `invalid_config` without handlers or with a non-URL-safe id.
 * @example
 * ```ts
 * import { createGateway, createWebhookHandler } from '@hookgate/core';
 * import { openStore } from '@hookgate/store';
 *
 * const gateway = createGateway({
 *   handlers: { pylon: pylonHandler, 'webhooks-b': webhooksBHandler },
 *   store: await openStore('sqlite:./data/hookgate.db'),
 * });
 * const outcome = await gateway.handle('pylon', request);
 * ```
 */
export function createGateway<H extends Record<string, WebhookEndpoint>>(options: GatewayOptions<H>): Gateway<H> {
  const entries = Object.entries(options.handlers ?? {});
  if (options.mode !== undefined && options.mode !== 'inline' && options.mode !== 'inbox') {
    throw new HookgateError('invalid_config', `createGateway(): mode must be 'inline' or 'inbox', got ${String(options.mode)}.`);
  }
  if (options.mode === 'inbox' && options.store?.inbox === undefined) {
    throw new HookgateError('invalid_config', "createGateway(): mode 'inbox' needs a store with an inbox (MemoryStore or @hookgate/store's openStore()).");
  }
  if (entries.length === 0) throw new HookgateError('invalid_config', 'createGateway() needs at least one handler.');
  const routes = new Map<string, WebhookEndpoint>();
  for (const [id, handler] of entries) {
    if (!URL_SAFE_ID.test(id)) {
      throw new HookgateError('invalid_config', `Gateway route id "${id}" must be URL-safe (letters, digits, . _ -).`);
    }
    if (!handler || typeof handler.handle !== 'function') {
      throw new HookgateError('invalid_config', `Gateway route "${id}" is not a webhook handler (use createWebhookHandler()).`);
    }
    routes.set(id, withDefaults(handler, options.store, options.mode));
  }
  return {
    kind: 'gateway',
    handlers: options.handlers,
    store: options.store,
    providers: entries.map(([id]) => id) as Array<keyof H & string>,
    handler: (providerId) => routes.get(providerId),
    async handle(providerId, request) {
      const handler = routes.get(providerId);
      if (!handler) return unknownProvider(providerId);
      return handler.handle(request);
    },
  };
}

/**
 * The endpoint a gateway routes to: the handler itself when the gateway adds nothing (no store
 * or mode, or the handler has its own store), else a view of it that passes the gateway's store
 * and mode on every call. Never mutates `handler`.
 */
function withDefaults(handler: WebhookEndpoint, store: DeliveryStore | undefined, mode: HandlerMode | undefined): WebhookEndpoint {
  if ((!store || handler.store) && mode === undefined) return handler;
  const view: WebhookEndpoint = {
    provider: handler.provider,
    store: handler.store ?? store,
    maxBodyBytes: handler.maxBodyBytes,
    handle: (request, call) => handler.handle(request, { defaultStore: call?.defaultStore ?? store, defaultMode: call?.defaultMode ?? mode }),
  };
  if (handler.redeliver) view.redeliver = (input) => handler.redeliver!(input);
  return view;
}

/**
 * The 404 outcome for a route id no handler serves (what `gateway.handle()` and
 * `resolveTarget()` answer for an unknown provider).
 *
 * @example
 * ```ts
 * unknownProvider('github'); // { status: 404, kind: 'unknown_provider', reason: 'unknown_provider', message: '…' }
 * ```
 */
export function unknownProvider(providerId: string): HandleOutcome {
  return refusal('unknown_provider', `no webhook handler for provider "${providerId}"`);
}
