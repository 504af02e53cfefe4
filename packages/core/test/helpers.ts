// Shared test helpers: hand-written Standard Schema values (core has no schema library), two
// small providers (one discriminated, one oneOf), request builders and a store whose writes fail.
import { MemoryStore } from '../src/memory-store.js';
import type { ClaimInput, ClaimResult, CompleteInput, DeliveryInput } from '../src/delivery-store.js';
import { defineProvider } from '../src/provider.js';
import type { HeadersInput, WebhookRequest } from '../src/request.js';
import { signRequest } from '../src/sign.js';
import type { StandardSchemaV1 } from '../src/standard-schema.js';
import { hmac, hmacWithTimestamp } from '../src/verify-hmac.js';

/** A field type of {@link object}. */
type Field = 'string' | 'number' | 'boolean' | { literal: string };

type FieldOutput<F extends Field> = F extends 'string'
  ? string
  : F extends 'number'
    ? number
    : F extends 'boolean'
      ? boolean
      : F extends { literal: infer L }
        ? L
        : never;

type Shape = Record<string, Field>;
export type ShapeOutput<S extends Shape> = { -readonly [K in keyof S]: FieldOutput<S[K]> };

function fieldMatches(field: Field, value: unknown): boolean {
  if (typeof field === 'object') return value === field.literal;
  return typeof value === field;
}

function validateShape(shape: Shape, value: unknown): StandardSchemaV1.Result<never> | { value: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { issues: [{ message: 'Expected object' }] };
  }
  const record = value as Record<string, unknown>;
  const issues: StandardSchemaV1.Issue[] = [];
  for (const [key, field] of Object.entries(shape)) {
    if (!Object.hasOwn(record, key)) issues.push({ message: 'Required', path: [key] });
    else if (!fieldMatches(field, record[key])) {
      issues.push({ message: `Expected ${typeof field === 'object' ? JSON.stringify(field.literal) : field}`, path: [{ key }] });
    }
  }
  return issues.length > 0 ? { issues } : { value: { ...record } };
}

/**
 * A tiny Standard Schema object validator: every listed key is required with the given type;
 * extra keys pass through (like zod's default object).
 */
export function object<const S extends Shape>(shape: S): StandardSchemaV1<unknown, ShapeOutput<S>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => validateShape(shape, value) as StandardSchemaV1.Result<ShapeOutput<S>>,
    },
  };
}

/** Like {@link object}, but `validate` answers with a Promise (as async refinements do). */
export function asyncObject<const S extends Shape>(shape: S): StandardSchemaV1<unknown, ShapeOutput<S>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: async (value) => {
        await Promise.resolve();
        return validateShape(shape, value) as StandardSchemaV1.Result<ShapeOutput<S>>;
      },
    },
  };
}

/** A schema whose validation itself fails (a bug in user code, not a bad payload). */
export function brokenSchema(mode: 'throw' | 'reject'): StandardSchemaV1<unknown, { broken: true }> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (): StandardSchemaV1.Result<{ broken: true }> | Promise<StandardSchemaV1.Result<{ broken: true }>> => {
        if (mode === 'throw') throw new Error('validator exploded');
        return Promise.reject(new Error('validator rejected'));
      },
    },
  };
}

export const SECRET = 'whsec-test';
export const OLD_SECRET = 'whsec-old';
/** A fixed clock: 2024-11-25T16:00:00Z. */
export const NOW = 1_732_550_400_000;

/** A discriminated provider: `type` names the event, `id` is the provider's event id. */
export const shop = defineProvider({
  id: 'shop',
  verification: hmac({ header: 'X-Shop-Signature', signature: 'sha256={digest}' }),
  events: {
    'order.paid': object({ type: { literal: 'order.paid' }, id: 'string', amount: 'number' }),
    'order.refunded': object({ type: { literal: 'order.refunded' }, id: 'string', reason: 'string' }),
  },
  eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
  eventId: (payload) => (payload as { id: string }).id,
});

/** A oneOf provider without event ids (dedupe by signed-message hash), timestamped, base64. */
export const notify = defineProvider({
  id: 'notify',
  verification: hmacWithTimestamp({
    header: 'X-Notify-Signature',
    timestampHeader: 'X-Notify-Timestamp',
    encoding: 'base64',
    signature: 'v1={digest}',
  }),
  oneOf: {
    userEvent: {
      UserCreated: { schema: object({ userCreated: 'string' }), required: ['userCreated'] },
      UserDeleted: { schema: object({ userDeleted: 'string' }), required: ['userDeleted'] },
    },
    systemEvent: {
      SystemAlert: { schema: object({ alert: 'string', level: 'number' }), required: ['alert'] },
      SystemSlow: { schema: asyncObject({ slow: 'string' }), required: ['slow'] },
    },
  },
});

export const encoder = new TextEncoder();

/** A request signed the way the provider's sender would sign it, at {@link NOW}. */
export function signedRequest(
  provider: typeof shop | typeof notify,
  body: string | object,
  options: { secret?: string; headers?: Record<string, string>; path?: string } = {},
): WebhookRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signRequest(provider, {
    secret: options.secret ?? SECRET,
    body: text,
    headers: { 'content-type': 'application/json', ...options.headers },
    now: NOW,
  });
  return { method: 'POST', path: options.path ?? `/webhooks/${provider.id}`, headers, rawBody: encoder.encode(text) };
}

/** A request with the given headers and body (unsigned unless the headers say otherwise). */
export function request(headers: HeadersInput, body: string | Uint8Array = '{}', method = 'POST'): WebhookRequest {
  return { method, path: '/hook', headers, rawBody: typeof body === 'string' ? encoder.encode(body) : body };
}

/**
 * A MemoryStore whose `record` or `claim` can be made to reject, like a database that went
 * away mid-request. Counts calls so tests can assert what reached the store.
 */
export class FlakyStore extends MemoryStore {
  failRecord = false;
  failClaim = false;
  failRelease = false;
  /** `complete` rejects without changing anything (like a rolled-back transaction). */
  failComplete = false;
  /** `complete` commits, then rejects (a commit whose acknowledgement was lost). */
  failAfterComplete = false;
  readonly recorded: DeliveryInput[] = [];
  readonly released: string[] = [];

  override async claim(input: ClaimInput): Promise<ClaimResult> {
    if (this.failClaim) throw new Error('connection refused (claim)');
    return super.claim(input);
  }

  override async record(delivery: DeliveryInput): Promise<void> {
    if (this.failRecord) throw new Error('connection refused (record)');
    this.recorded.push(delivery);
    return super.record(delivery);
  }

  override async complete(input: CompleteInput): Promise<void> {
    if (this.failRecord || this.failComplete) throw new Error('connection refused (complete)');
    this.recorded.push(input.delivery);
    await super.complete(input);
    if (this.failAfterComplete) throw new Error('connection reset after commit (complete)');
  }

  override async release(provider: string, dedupeKey: string, deliveryId: string): Promise<void> {
    this.released.push(deliveryId);
    if (this.failRelease) throw new Error('connection refused (release)');
    return super.release(provider, dedupeKey, deliveryId);
  }
}
