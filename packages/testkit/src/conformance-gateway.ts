/**
 * The conformance gateway: routes whose answers cover every outcome status, plus the real
 * providers. No Node built-ins and no test runner here: Bun, Deno and workerd serve this same
 * gateway in the runtime conformance tests (`@hookgate/testkit/gateway`).
 */
import {
  createGateway,
  createWebhookHandler,
  defineProvider,
  hmac,
  MemoryStore,
  type Gateway,
  type OutcomeKind,
  type StandardSchemaV1,
  type WebhookHandler,
} from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';

export const SECRET = 'whsec_conformance_secret';
/** The inline provider's handler refuses bodies above this (so 413 is cheap to provoke). */
export const ACME_MAX_BODY_BYTES = 4096;

/** A hand-written Standard Schema: an object whose `keys` are non-empty strings. */
function objectWith(keys: readonly string[]): StandardSchemaV1<unknown, Record<string, string>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'hookgate-test',
      validate: (value) => {
        const record = value as Record<string, unknown>;
        const missing = keys.filter((key) => typeof record[key] !== 'string' || record[key] === '');
        return missing.length === 0
          ? { value: record as Record<string, string> }
          : { issues: missing.map((key) => ({ message: `${key} must be a non-empty string`, path: [key] })) };
      },
    },
  };
}

/**
 * A small discriminated provider: `order.paid` is handled, `order.explode` makes the listener
 * throw, `order.hold` keeps its listener running until an `order.release` naming it (`holds`)
 * arrives, so a copy can be sent while the first attempt is provably still processing.
 */
export const acme = defineProvider({
  id: 'acme',
  verification: hmac({ header: 'X-Acme-Signature', signature: 'sha256={digest}' }),
  events: {
    'order.paid': objectWith(['id', 'amount']),
    'order.explode': objectWith(['id']),
    'order.hold': objectWith(['id']),
    'order.release': objectWith(['id', 'holds']),
  },
  eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
  eventId: (payload) => (payload as { id?: string }).id,
});

/** Longest an `order.hold` listener waits for its release, so a failed test cannot hang the server. */
export const HOLD_MAX_MS = 10_000;

/** A store that went away: a closed `MemoryStore` rejects every call (handlers answer 503). */
export function unavailableStore(): MemoryStore {
  const store = new MemoryStore();
  void store.close();
  return store;
}

export interface ConformanceGateway {
  gateway: Gateway;
  /** The gateway's store: every delivery the handlers saw, recorded. */
  store: MemoryStore;
  /** Ids of deliveries that reached a listener, in order. */
  dispatched: string[];
}

/** Records a delivery that reached a listener (give it to `onAny`). */
export type RecordDispatch = (event: unknown, context: { deliveryId: string }) => void;

/** One signed delivery of an extra provider, with the answer an adapter must give. */
export interface PresetCase {
  /** `github valid issues.opened`, `stripe unknown thinEvent`, … */
  name: string;
  /** The gateway route it is sent to (one of the kit's `handlers`). */
  providerId: string;
  delivery: { body: string; headers: Record<string, string> };
  status: number;
  kind: OutcomeKind;
  reason?: string;
}

/**
 * More providers for the conformance gateway and suite (e.g. GitHub, Stripe, Standard Webhooks),
 * supplied by the test that wants them. The kit does not import those provider packages itself:
 * they test their own adapters with this kit, so depending on them would be a package cycle.
 */
export interface PresetKit {
  /** Handlers by route id, each calling `record` from `onAny`. Runtime-neutral (served by Bun, Deno, workerd). */
  handlers(record: RecordDispatch): Record<string, WebhookHandler>;
  /** Signed sample deliveries for those routes (test-side only: may read fixture files). */
  cases?(): PresetCase[];
}

/** Options of {@link createConformanceGateway}. */
export interface ConformanceGatewayOptions {
  /** Also serve these providers' routes (see {@link PresetKit}). */
  presets?: PresetKit | undefined;
}

/**
 * Routes: `acme` (handled / 401 / 202 / 400 / 409 / 413 / 500), `offline` (same provider, store down → 503),
 * and the real providers `pylon` and `webhooks-b` for their fixtures; with `presets`, also
 * the routes of that {@link PresetKit}.
 *
 * @example
 * ```ts
 * const { gateway, dispatched } = createConformanceGateway();
 * ```
 */
export function createConformanceGateway(options: ConformanceGatewayOptions = {}): ConformanceGateway {
  const dispatched: string[] = [];
  const record: RecordDispatch = (_event, context) => void dispatched.push(context.deliveryId);
  const handler = createWebhookHandler({ provider: acme, secret: SECRET, maxBodyBytes: ACME_MAX_BODY_BYTES });
  const held = new Map<string, () => void>();
  handler.onAny(async (event, context) => {
    dispatched.push(context.deliveryId);
    const payload = event.payload as Record<string, string>;
    if (event.event === 'order.explode') throw new Error('listener failed on purpose');
    if (event.event === 'order.release') held.get(payload.holds!)?.();
    if (event.event === 'order.hold') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HOLD_MAX_MS);
        held.set(payload.id!, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      held.delete(payload.id!);
    }
  });
  const offline = createWebhookHandler({ provider: acme, secret: SECRET, store: unavailableStore() }).onAny(record);
  const pylonHandler = createWebhookHandler({ provider: pylon(), secret: SECRET }).onAny(record);
  const webhooksBHandler = createWebhookHandler({ provider: webhooksB(), secret: SECRET }).onAny(record);
  const presets = options.presets?.handlers(record) ?? {};
  const store = new MemoryStore();
  const gateway = createGateway({
    handlers: { acme: handler, offline, pylon: pylonHandler, 'webhooks-b': webhooksBHandler, ...presets },
    store,
  }) as unknown as Gateway;
  return { gateway, store, dispatched };
}
