import { defineProvider, hmacWithTimestamp, type EventMapOf, type ParseResult } from '@hookgate/core';
import { lazyParser } from '@hookgate/core/provider';
import { pylonFastParse } from './fast-parse.js';
import { PYLON_EVENT_TYPES, pylonEvents } from './schemas.js';

/**
 * Header carrying the lower-case hex HMAC-SHA256 (looked up case-insensitively).
 *
 * @example
 * ```ts
 * const signature = request.headers[PYLON_SIGNATURE_HEADER.toLowerCase()];
 * ```
 */
export const PYLON_SIGNATURE_HEADER = 'X-Pylon-Signature';
/**
 * Header carrying the Unix time in seconds the request was signed at.
 *
 * @example
 * ```ts
 * const sentAt = Number(request.headers[PYLON_TIMESTAMP_HEADER.toLowerCase()]) * 1000;
 * ```
 */
export const PYLON_TIMESTAMP_HEADER = 'X-Pylon-Timestamp';

/** Options of {@link pylon}. */
export interface PylonOptions {
  /**
   * - `'optional'` (default): with an `X-Pylon-Timestamp`, only `${timestamp}.${body}` is
   *   accepted (no fallback); without one, the body alone (what Pylon's servers sign today).
   * - `'required'`: a missing timestamp is `timestamp_missing`.
   * - `'ignore'`: always the body alone; the timestamp header is not read.
   */
  timestamp?: 'optional' | 'required' | 'ignore' | undefined;
  /** Accepted clock skew in seconds, in both directions. Default 300. */
  toleranceSeconds?: number | undefined;
  /**
   * `true` (default): each event is checked first by a validator generated ahead of time from
   * `schema/<EventName>.json` and normalised in place, and its zod schema runs only when that
   * refuses (to decide and to report the issues); the results are the same. `false`: the zod
   * schemas alone.
   */
  fastParse?: boolean | undefined;
}

/**
 * The event name for a body's `event_type`, or the raw type (reported in `unknown_event_type`).
 */
function eventType(body: Record<string, unknown>): string | undefined {
  const type = body.event_type;
  if (type === undefined) return undefined;
  if (typeof type === 'string' && Object.hasOwn(PYLON_EVENT_TYPES, type)) return PYLON_EVENT_TYPES[type];
  const raw = typeof type === 'string' ? type : JSON.stringify(type);
  // A raw type equal to one of our event names ("IssueNewEvent") must not select that schema:
  // it is not a Pylon `event_type`, so it stays an unknown event.
  return Object.hasOwn(pylonEvents, raw) ? `event_type ${raw}` : raw;
}

/**
 * The Pylon provider: `X-Pylon-Signature` (hex HMAC-SHA256) over `${X-Pylon-Timestamp}.${body}`,
 * or over the body alone when no timestamp is sent; events picked by `event_type` (aliases
 * accepted). Pylon sends no event id, so retries are deduplicated by a hash of the signed message.
 *
 * @throws {HookgateError} `invalid_config` for an unknown `timestamp` mode or a bad `toleranceSeconds`.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { pylon } from '@hookgate/provider-pylon';
 *
 * const handler = createWebhookHandler({ provider: pylon({ timestamp: 'required' }), secret: process.env.PYLON_SECRET! });
 * handler.on('IssueNewEvent', (event) => console.log(`New issue: ${event.issue_title}`));
 * handler.on('IssueAssignedEvent', (event) => console.log(`Assigned to: ${event.assignee_id}`));
 * ```
 */
export function pylon(options: PylonOptions = {}) {
  return defineProvider({
    id: 'pylon',
    verification: hmacWithTimestamp({
      header: PYLON_SIGNATURE_HEADER,
      algorithm: 'sha256',
      encoding: 'hex',
      timestampHeader: PYLON_TIMESTAMP_HEADER,
      timestampUnit: 's',
      timestamp: options.timestamp ?? 'optional',
      toleranceSeconds: options.toleranceSeconds ?? 300,
      message: '{$timestamp}.{$request.body}',
      messageWithoutTimestamp: '{$request.body}',
    }),
    events: pylonEvents,
    eventType,
    fastParse: options.fastParse === false ? undefined : pylonFastParse,
  });
}

/** The provider type {@link pylon} returns. */
export type PylonProvider = ReturnType<typeof pylon>;
/** The event map of {@link PylonProvider}. */
export type PylonEventMap = EventMapOf<PylonProvider>;

const parse = lazyParser(pylon);

/**
 * Parses a Pylon body without verifying its signature (tests, replays of stored deliveries).
 * Invalid JSON or a non-object body → `invalid_payload`/`invalid_json`; a missing or unknown
 * `event_type` → `unknown_event`/`unknown_event_type`; a known type with bad fields →
 * `invalid_payload`/`schema_mismatch` with the zod issues.
 *
 * @example
 * ```ts
 * import { parseWebhookEvent } from '@hookgate/provider-pylon';
 *
 * const result = await parseWebhookEvent('{"event_type":"issue_new","issue_id":"iss_1","issue_title":"Printer on fire"}');
 * if (result.kind === 'event') console.log(`Type: ${result.event}`); // Type: IssueNewEvent
 * ```
 */
export function parseWebhookEvent(body: string | Uint8Array): Promise<ParseResult<PylonEventMap>> {
  return parse(body);
}
