import { defineProvider, hmac, hmacWithTimestamp, type ParseResult, type EventMapOf, type VerificationStrategy } from '@hookgate/core';
import { lazyParser } from '@hookgate/core/provider';
import { webhooksBFastParse } from './fast-parse.js';
import { webhooksBEvents, type WebhooksBVariantName } from './schemas.js';

/**
 * Header carrying `v1=<base64 HMAC-SHA512>` (looked up case-insensitively).
 *
 * @example
 * ```ts
 * const signature = request.headers[WEBHOOKS_B_SIGNATURE_HEADER.toLowerCase()];
 * ```
 */
export const WEBHOOKS_B_SIGNATURE_HEADER = 'X-Webhook-Signature';
/**
 * Header whose value is part of the signed message (and, opt-in, checked as Unix seconds).
 *
 * @example
 * ```ts
 * const headers = { [WEBHOOKS_B_TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)) };
 * ```
 */
export const WEBHOOKS_B_TIMESTAMP_HEADER = 'X-Timestamp';
/**
 * The signed-message template exactly as the API description states it (core's template syntax).
 *
 * @example
 * ```ts
 * import { compileTemplate } from '@hookgate/core/provider';
 * const template = compileTemplate(WEBHOOKS_B_MESSAGE_TEMPLATE); // POST|1732550400|{"…"}
 * ```
 */
export const WEBHOOKS_B_MESSAGE_TEMPLATE = '{$method}|{$request.header.X-Timestamp}|{$request.body}';

/** Options of {@link webhooksB}. */
export interface WebhooksBOptions {
  /**
   * Hookgate extension, off by default (a standard sender need not send `X-Timestamp`): treat
   * `X-Timestamp` as Unix seconds and refuse requests more than this many seconds away from now,
   * in either direction, before the HMAC is computed.
   */
  toleranceSeconds?: number | undefined;
  /**
   * `true` (default): each variant is checked first by a validator generated ahead of time from
   * `schema/webhooks-b.json`, and its zod schema runs only when that refuses (to decide and to
   * report the issues); the results are the same. `false`: the zod schemas alone.
   */
  fastParse?: boolean | undefined;
}

type Table = typeof webhooksBEvents;
/** The oneOf shape core expects, derived from the schema table so names and types stay in one place. */
type OneOfTable = {
  [E in keyof Table]: {
    [V in keyof Table[E]['variants']]: {
      schema: Table[E]['variants'][V] extends { schema: infer S } ? S : never;
      required: readonly [Table[E]['variants'][V] extends { key: infer K } ? K : never];
    };
  };
};

// Object.entries forgets the literal keys; the mapped type above restores what the table states.
function oneOfTable(fastParse: boolean): OneOfTable {
  return Object.fromEntries(
    Object.entries(webhooksBEvents).map(([event, group]) => [
      event,
      Object.fromEntries(
        Object.entries(group.variants).map(([name, variant]) => [
          name,
          { schema: variant.schema, required: [variant.key], fastParse: fastParse ? webhooksBFastParse[name as WebhooksBVariantName] : undefined },
        ]),
      ),
    ]),
  ) as unknown as OneOfTable;
}

function strategy(options: WebhooksBOptions): VerificationStrategy {
  const common = {
    header: WEBHOOKS_B_SIGNATURE_HEADER,
    algorithm: 'sha512',
    encoding: 'base64',
    signature: 'v1={digest}',
    message: WEBHOOKS_B_MESSAGE_TEMPLATE,
    // The API description signs an absent X-Timestamp as the empty string; so do we.
    missingHeader: 'empty',
  } as const;
  if (options.toleranceSeconds === undefined) return hmac(common);
  return hmacWithTimestamp({
    ...common,
    timestampHeader: WEBHOOKS_B_TIMESTAMP_HEADER,
    timestamp: 'required',
    toleranceSeconds: options.toleranceSeconds,
  });
}

/**
 * The Webhooks B provider: `X-Webhook-Signature: v1=<base64 HMAC-SHA512>` over
 * `{$method}|{$request.header.X-Timestamp}|{$request.body}`, and three oneOf events whose
 * variants are told apart by their one required string property.
 *
 * @throws {HookgateError} `invalid_config` for a negative or non-finite `toleranceSeconds`.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { webhooksB } from '@hookgate/provider-webhooks-b';
 *
 * const handler = createWebhookHandler({ provider: webhooksB(), secret: process.env.WEBHOOKS_B_SECRET! });
 * handler.on('userNotificationEvent', (event) => console.log(event)); // any of the 3 user variants
 * handler.on('InventoryStockDepletedEvent', (event) => console.log(event.inventoryStockDepletedEventType));
 * ```
 */
export function webhooksB(options: WebhooksBOptions = {}) {
  return defineProvider({ id: 'webhooks-b', verification: strategy(options), oneOf: oneOfTable(options.fastParse ?? true) });
}

/** The provider type {@link webhooksB} returns. */
export type WebhooksBProvider = ReturnType<typeof webhooksB>;
/** The event map of {@link WebhooksBProvider} (event → variant → schema). */
export type WebhooksBEventMap = EventMapOf<WebhooksBProvider>;

const parse = lazyParser(webhooksB);

/**
 * Parses a body without verifying its signature (tests, replays of stored deliveries). Same
 * oneOf rules as the handler: exactly one variant must match, else an `unknown_event` with
 * reason `invalid_json`, `no_variant_matched` or `ambiguous_variants` (+ `candidates`).
 *
 * @example
 * ```ts
 * const result = await parseWebhookEvent('{"inventoryStockDepletedEventType":"stock.depleted","sku":"A-1"}');
 * if (result.kind === 'event') console.log(result.event, result.variant); // inventoryChangeEvent InventoryStockDepletedEvent
 * ```
 */
export function parseWebhookEvent(body: string | Uint8Array): Promise<ParseResult<WebhooksBEventMap>> {
  return parse(body);
}
