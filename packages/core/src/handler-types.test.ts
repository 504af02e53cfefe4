// Type tests: checked by `tsc` (pnpm --filter @hookgate/core typecheck covers src/**/*.test.ts);
// the runtime assertions only make sure the listeners are wired.
import { describe, expectTypeOf, it } from 'vitest';
import { notify, SECRET, shop } from '../test/helpers.js';
import { createGateway } from './gateway.js';
import { createWebhookHandler, type HandlerContext } from './handler.js';
import type { HandleOutcome } from './outcome.js';
import type { EventName, PayloadOf, VerifyAndParseResult } from './results.js';
import { defineProvider } from './provider.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { VerificationFailureReason } from './verify-hmac.js';
import { hmac } from './verify-hmac.js';

type Paid = { type: 'order.paid'; id: string; amount: number };
type Refunded = { type: 'order.refunded'; id: string; reason: string };
type UserCreated = { userCreated: string };
type UserDeleted = { userDeleted: string };
type SystemAlert = { alert: string; level: number };
type SystemSlow = { slow: string };

const shopHandler = createWebhookHandler({ provider: shop, secret: SECRET });
const notifyHandler = createWebhookHandler({ provider: notify, secret: SECRET });

describe('types: on()', () => {
  it('a listener for one event receives that event’s payload type (discriminated)', () => {
    shopHandler.on('order.paid', (payload, context) => {
      expectTypeOf(payload).toEqualTypeOf<Paid>();
      expectTypeOf(context).toEqualTypeOf<HandlerContext>();
    });
    shopHandler.on('order.refunded', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<Refunded>();
      expectTypeOf(payload.reason).toBeString();
    });
  });

  it('a listener for a oneOf event receives the union of its variants', () => {
    notifyHandler.on('userEvent', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<UserCreated | UserDeleted>();
    });
    notifyHandler.on('systemEvent', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<SystemAlert | SystemSlow>();
    });
  });

  it('a listener for a variant receives only that variant', () => {
    notifyHandler.on('UserCreated', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<UserCreated>();
    });
    notifyHandler.on('SystemSlow', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<SystemSlow>();
    });
  });

  it('unknown names are type errors', () => {
    expectTypeOf<EventName<NonNullable<(typeof notify)['~events']>>>().toEqualTypeOf<
      'userEvent' | 'systemEvent' | 'UserCreated' | 'UserDeleted' | 'SystemAlert' | 'SystemSlow'
    >();
    // Wrapped in functions so the runtime HookgateError for unknown names is not triggered.
    const register = () => {
      // @ts-expect-error 'order.lost' is not an event of shop
      shopHandler.on('order.lost', () => {});
      // @ts-expect-error variants of another provider are not accepted
      shopHandler.on('UserCreated', () => {});
      // @ts-expect-error names are case-sensitive
      notifyHandler.on('usercreated', () => {});
    };
    expectTypeOf(register).toBeFunction();
  });

  it('a listener expecting the wrong payload type is a type error', () => {
    const register = () => {
      // @ts-expect-error a refunded listener cannot be registered for order.paid
      shopHandler.on('order.paid', (payload: Refunded) => payload.reason);
    };
    expectTypeOf(register).toBeFunction();
  });

  it('PayloadOf resolves events and variants', () => {
    type Events = NonNullable<(typeof notify)['~events']>;
    expectTypeOf<PayloadOf<Events, 'UserDeleted'>>().toEqualTypeOf<UserDeleted>();
    expectTypeOf<PayloadOf<Events, 'userEvent'>>().toEqualTypeOf<UserCreated | UserDeleted>();
  });
});

describe('types: onAny() and onError()', () => {
  it('onAny receives a union that narrows on variant and event', () => {
    notifyHandler.onAny((event) => {
      expectTypeOf(event.event).toEqualTypeOf<'userEvent' | 'systemEvent'>();
      if (event.variant === 'SystemAlert') expectTypeOf(event.payload).toEqualTypeOf<SystemAlert>();
      if (event.event === 'userEvent') expectTypeOf(event.payload).toEqualTypeOf<UserCreated | UserDeleted>();
    });
    shopHandler.onError((error, context) => {
      expectTypeOf(error).toBeUnknown();
      expectTypeOf(context.deliveryId).toBeString();
    });
  });
});

describe('types: verifyAndParse() and handle()', () => {
  it('the result narrows on kind and then on variant', async () => {
    const check = (result: VerifyAndParseResult<NonNullable<(typeof notify)['~events']>>) => {
      if (result.kind === 'event') {
        expectTypeOf(result.secretIndex).toBeNumber();
        expectTypeOf(result.variant).toEqualTypeOf<'UserCreated' | 'UserDeleted' | 'SystemAlert' | 'SystemSlow'>();
        if (result.variant === 'UserDeleted') expectTypeOf(result.payload).toEqualTypeOf<UserDeleted>();
        if (result.event === 'systemEvent') expectTypeOf(result.payload).toEqualTypeOf<SystemAlert | SystemSlow>();
      } else if (result.kind === 'signature_failure') {
        expectTypeOf(result.reason).toEqualTypeOf<VerificationFailureReason>();
      } else if (result.kind === 'unknown_event') {
        expectTypeOf(result.reason).toEqualTypeOf<'invalid_json' | 'no_variant_matched' | 'ambiguous_variants' | 'unknown_event_type'>();
      } else {
        expectTypeOf(result.kind).toEqualTypeOf<'invalid_payload'>();
        expectTypeOf(result.reason).toEqualTypeOf<'invalid_json' | 'json_too_deep' | 'schema_mismatch'>();
      }
    };
    expectTypeOf(notifyHandler.verifyAndParse).returns.resolves.toEqualTypeOf<VerifyAndParseResult<NonNullable<(typeof notify)['~events']>>>();
    expectTypeOf(check).toBeFunction();
    const result = await shopHandler.verifyAndParse({ method: 'POST', headers: {}, rawBody: new Uint8Array() });
    if (result.kind === 'event' && result.event === 'order.paid') expectTypeOf(result.payload).toEqualTypeOf<Paid>();
  });

  it('handle() resolves to a HandleOutcome; gateways keep their handler map', () => {
    expectTypeOf(shopHandler.handle).returns.resolves.toEqualTypeOf<HandleOutcome>();
    const gateway = createGateway({ handlers: { shop: shopHandler, notify: notifyHandler } });
    expectTypeOf(gateway.providers).toEqualTypeOf<ReadonlyArray<'shop' | 'notify'>>();
    expectTypeOf(gateway.handlers.notify).toEqualTypeOf(notifyHandler);
  });
});

describe('types: defineProvider() with any Standard Schema', () => {
  it('infers payloads from the schema’s declared output type', () => {
    const schema = {} as StandardSchemaV1<unknown, { n: number }>;
    const provider = defineProvider({ id: 'p', verification: hmac({ header: 'X' }), events: { tick: schema }, eventType: () => 'tick' });
    const handler = createWebhookHandler({ provider, secret: SECRET });
    const register = () =>
      handler.on('tick', (payload) => {
        expectTypeOf(payload).toEqualTypeOf<{ n: number }>();
      });
    expectTypeOf(register).toBeFunction();
  });
});
