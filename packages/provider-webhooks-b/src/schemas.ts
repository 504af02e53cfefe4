import { z } from 'zod';

/**
 * Every variant object requires one string property and keeps any other keys
 * (`additionalProperties` allowed), so a sender adding fields never breaks a receiver.
 */
function variant<const K extends string>(key: K) {
  return z.looseObject({ [key]: z.string() } as { [P in K]: z.ZodString });
}

/**
 * A user performed an action.
 *
 * @example
 * ```ts
 * UserActionNotificationEvent.parse({ userActionNotificationEventType: 'user.action', userId: 'u_1' });
 * ```
 */
export const UserActionNotificationEvent = variant('userActionNotificationEventType');
/** Payload of {@link UserActionNotificationEvent} (extra keys kept as `unknown`). */
export type UserActionNotificationEvent = z.output<typeof UserActionNotificationEvent>;

/**
 * A user's status changed.
 *
 * @example
 * ```ts
 * UserStatusNotificationEvent.parse({ userStatusNotificationEventType: 'user.status', status: 'away' });
 * ```
 */
export const UserStatusNotificationEvent = variant('userStatusNotificationEventType');
/** Payload of {@link UserStatusNotificationEvent}. */
export type UserStatusNotificationEvent = z.output<typeof UserStatusNotificationEvent>;

/**
 * A user changed a preference.
 *
 * @example
 * ```ts
 * UserPreferenceNotificationEvent.parse({ userPreferenceNotificationEventType: 'user.preference' });
 * ```
 */
export const UserPreferenceNotificationEvent = variant('userPreferenceNotificationEventType');
/** Payload of {@link UserPreferenceNotificationEvent}. */
export type UserPreferenceNotificationEvent = z.output<typeof UserPreferenceNotificationEvent>;

/**
 * A system-wide alert was raised.
 *
 * @example
 * ```ts
 * SystemAlertNotificationEvent.parse({ systemAlertNotificationEventType: 'system.alert', severity: 'high' });
 * ```
 */
export const SystemAlertNotificationEvent = variant('systemAlertNotificationEventType');
/** Payload of {@link SystemAlertNotificationEvent}. */
export type SystemAlertNotificationEvent = z.output<typeof SystemAlertNotificationEvent>;

/**
 * Maintenance was scheduled or started.
 *
 * @example
 * ```ts
 * SystemMaintenanceNotificationEvent.parse({ systemMaintenanceNotificationEventType: 'system.maintenance' });
 * ```
 */
export const SystemMaintenanceNotificationEvent = variant('systemMaintenanceNotificationEventType');
/** Payload of {@link SystemMaintenanceNotificationEvent}. */
export type SystemMaintenanceNotificationEvent = z.output<typeof SystemMaintenanceNotificationEvent>;

/**
 * A performance threshold was crossed.
 *
 * @example
 * ```ts
 * SystemPerformanceNotificationEvent.parse({ systemPerformanceNotificationEventType: 'system.performance' });
 * ```
 */
export const SystemPerformanceNotificationEvent = variant('systemPerformanceNotificationEventType');
/** Payload of {@link SystemPerformanceNotificationEvent}. */
export type SystemPerformanceNotificationEvent = z.output<typeof SystemPerformanceNotificationEvent>;

/**
 * Stock of an item went up.
 *
 * @example
 * ```ts
 * InventoryStockIncreaseEvent.parse({ inventoryStockIncreaseEventType: 'stock.increase', sku: 'SKU-1', quantity: 5 });
 * ```
 */
export const InventoryStockIncreaseEvent = variant('inventoryStockIncreaseEventType');
/** Payload of {@link InventoryStockIncreaseEvent}. */
export type InventoryStockIncreaseEvent = z.output<typeof InventoryStockIncreaseEvent>;

/**
 * Stock of an item went down.
 *
 * @example
 * ```ts
 * InventoryStockDecreaseEvent.parse({ inventoryStockDecreaseEventType: 'stock.decrease', sku: 'SKU-1', quantity: 2 });
 * ```
 */
export const InventoryStockDecreaseEvent = variant('inventoryStockDecreaseEventType');
/** Payload of {@link InventoryStockDecreaseEvent}. */
export type InventoryStockDecreaseEvent = z.output<typeof InventoryStockDecreaseEvent>;

/**
 * An item ran out of stock.
 *
 * @example
 * ```ts
 * InventoryStockDepletedEvent.parse({ inventoryStockDepletedEventType: 'stock.depleted', sku: 'SKU-1' });
 * ```
 */
export const InventoryStockDepletedEvent = variant('inventoryStockDepletedEventType');
/** Payload of {@link InventoryStockDepletedEvent}. */
export type InventoryStockDepletedEvent = z.output<typeof InventoryStockDepletedEvent>;

/**
 * `userNotificationEvent`: exactly one of the three user variants (JSON Schema `oneOf`).
 *
 * @example
 * ```ts
 * const event = UserNotificationEvent.parse(JSON.parse(body));
 * if ('userActionNotificationEventType' in event) console.log(event.userActionNotificationEventType);
 * ```
 */
export const UserNotificationEvent = z.xor([UserActionNotificationEvent, UserStatusNotificationEvent, UserPreferenceNotificationEvent]);
/** Payload of `userNotificationEvent`: the union of its three variants. */
export type UserNotificationEvent = z.output<typeof UserNotificationEvent>;

/**
 * `systemNotificationEvent`: exactly one of the three system variants.
 *
 * @example
 * ```ts
 * SystemNotificationEvent.safeParse({ systemAlertNotificationEventType: 'system.alert' }).success; // true
 * ```
 */
export const SystemNotificationEvent = z.xor([SystemAlertNotificationEvent, SystemMaintenanceNotificationEvent, SystemPerformanceNotificationEvent]);
/** Payload of `systemNotificationEvent`: the union of its three variants. */
export type SystemNotificationEvent = z.output<typeof SystemNotificationEvent>;

/**
 * `inventoryChangeEvent`: exactly one of the three stock variants.
 *
 * @example
 * ```ts
 * InventoryChangeEvent.safeParse({ inventoryStockDepletedEventType: 'stock.depleted' }).success; // true
 * ```
 */
export const InventoryChangeEvent = z.xor([InventoryStockIncreaseEvent, InventoryStockDecreaseEvent, InventoryStockDepletedEvent]);
/** Payload of `inventoryChangeEvent`: the union of its three variants. */
export type InventoryChangeEvent = z.output<typeof InventoryChangeEvent>;

/**
 * The whole request body: exactly one of the three events (a oneOf of oneOfs). The provider
 * does not parse with this schema (it pre-checks required keys instead); it is exported for
 * users who validate stored bodies and for the JSON Schema.
 *
 * @example
 * ```ts
 * WebhooksBEvent.safeParse({ userActionNotificationEventType: 'a', inventoryStockDecreaseEventType: 'b' }).success; // false
 * ```
 */
export const WebhooksBEvent = z.xor([UserNotificationEvent, SystemNotificationEvent, InventoryChangeEvent]);
/** Any Webhooks B payload. */
export type WebhooksBEvent = z.output<typeof WebhooksBEvent>;

/**
 * Events → variants → (schema, the one required key, a description): the single table the
 * provider definition, the JSON Schema and the docs are built from.
 *
 * @example
 * ```ts
 * webhooksBEvents.inventoryChangeEvent.variants.InventoryStockDepletedEvent.key; // 'inventoryStockDepletedEventType'
 * ```
 */
export const webhooksBEvents = {
  userNotificationEvent: {
    description: 'Triggered when user-related notifications occur',
    schema: UserNotificationEvent,
    variants: {
      UserActionNotificationEvent: { schema: UserActionNotificationEvent, key: 'userActionNotificationEventType' },
      UserStatusNotificationEvent: { schema: UserStatusNotificationEvent, key: 'userStatusNotificationEventType' },
      UserPreferenceNotificationEvent: { schema: UserPreferenceNotificationEvent, key: 'userPreferenceNotificationEventType' },
    },
  },
  systemNotificationEvent: {
    description: 'Triggered when system-wide notifications occur',
    schema: SystemNotificationEvent,
    variants: {
      SystemAlertNotificationEvent: { schema: SystemAlertNotificationEvent, key: 'systemAlertNotificationEventType' },
      SystemMaintenanceNotificationEvent: { schema: SystemMaintenanceNotificationEvent, key: 'systemMaintenanceNotificationEventType' },
      SystemPerformanceNotificationEvent: { schema: SystemPerformanceNotificationEvent, key: 'systemPerformanceNotificationEventType' },
    },
  },
  inventoryChangeEvent: {
    description: 'Triggered when inventory stock levels change',
    schema: InventoryChangeEvent,
    variants: {
      InventoryStockIncreaseEvent: { schema: InventoryStockIncreaseEvent, key: 'inventoryStockIncreaseEventType' },
      InventoryStockDecreaseEvent: { schema: InventoryStockDecreaseEvent, key: 'inventoryStockDecreaseEventType' },
      InventoryStockDepletedEvent: { schema: InventoryStockDepletedEvent, key: 'inventoryStockDepletedEventType' },
    },
  },
} as const;

/** Event (group) names: `userNotificationEvent`, `systemNotificationEvent`, `inventoryChangeEvent`. */
export type WebhooksBEventName = keyof typeof webhooksBEvents;
/** Variant (model) names, e.g. `UserActionNotificationEvent`. */
export type WebhooksBVariantName = {
  [E in WebhooksBEventName]: keyof (typeof webhooksBEvents)[E]['variants'];
}[WebhooksBEventName];
