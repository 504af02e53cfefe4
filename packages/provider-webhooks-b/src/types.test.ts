import { createWebhookHandler, type HandlerContext } from '@hookgate/core';
import { describe, expectTypeOf, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { parseWebhookEvent, webhooksB } from './provider.js';
import type {
  InventoryChangeEvent,
  InventoryStockDepletedEvent,
  UserActionNotificationEvent,
  UserNotificationEvent,
  UserPreferenceNotificationEvent,
  UserStatusNotificationEvent,
} from './schemas.js';
import { signWebhooksB } from './sign.js';

// Checked by `tsc` (the package's typecheck script); at runtime the assertions are no-ops.
describe('types', () => {
  it('on(event) receives the union of its variants; on(variant) that variant only', () => {
    const handler = createWebhookHandler({ provider: webhooksB(), secret: 's' });
    handler.on('userNotificationEvent', (event, context) => {
      expectTypeOf(event).toEqualTypeOf<UserActionNotificationEvent | UserStatusNotificationEvent | UserPreferenceNotificationEvent>();
      expectTypeOf(event).toEqualTypeOf<UserNotificationEvent>();
      expectTypeOf(context).toEqualTypeOf<HandlerContext>();
    });
    handler.on('UserActionNotificationEvent', (event) => {
      expectTypeOf(event).toEqualTypeOf<UserActionNotificationEvent>();
      expectTypeOf(event.userActionNotificationEventType).toBeString();
    });
    handler.on('inventoryChangeEvent', (event) => {
      expectTypeOf(event).toEqualTypeOf<InventoryChangeEvent>();
    });
    // Never called: only the compiler looks at it (at runtime `on` throws for unknown names).
    const subscribeUnknown = () =>
      // @ts-expect-error an unknown name
      handler.on('userDeletedEvent', () => {});
    expectTypeOf(subscribeUnknown).toBeFunction();
  });

  it('a parsed result names the event and variant and narrows the payload', async () => {
    const result = await parseWebhookEvent('{}');
    if (result.kind === 'event' && result.variant === 'InventoryStockDepletedEvent') {
      expectTypeOf(result.event).toEqualTypeOf<'inventoryChangeEvent'>();
      expectTypeOf(result.payload).toEqualTypeOf<InventoryStockDepletedEvent>();
    }
    if (result.kind === 'event') {
      expectTypeOf(result.event).toEqualTypeOf<'userNotificationEvent' | 'systemNotificationEvent' | 'inventoryChangeEvent'>();
    }
  });

  it('fixtures and the signer are typed', () => {
    expectTypeOf(fixtures.valid.UserActionNotificationEvent).toEqualTypeOf<UserActionNotificationEvent>();
    expectTypeOf(signWebhooksB({ payload: {}, secret: 's' }).body).toEqualTypeOf<string>();
    expectTypeOf(signWebhooksB({ body: new Uint8Array(), secret: 's' }).body).toEqualTypeOf<Uint8Array<ArrayBuffer>>();
    const both = () =>
      // @ts-expect-error body and payload are exclusive
      signWebhooksB({ body: '{}', payload: {}, secret: 's' });
    expectTypeOf(both).toBeFunction();
  });
});
