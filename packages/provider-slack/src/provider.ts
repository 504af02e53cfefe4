import { defineProvider, hmacWithTimestamp, type EventMapOf, type EventSelection, type ParseResult } from '@hookgate/core';
import { lazyParser } from '@hookgate/core/provider';
import { slackCallbacks, slackEvents } from './schemas.js';

/**
 * Header carrying `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
 *
 * @example
 * ```ts
 * const signature = getHeader(request.headers, SLACK_SIGNATURE_HEADER); // 'v0=…'
 * ```
 */
export const SLACK_SIGNATURE_HEADER = 'X-Slack-Signature';
/**
 * Header carrying the Unix time in seconds the request was signed at.
 *
 * @example
 * ```ts
 * const sentAt = Number(getHeader(request.headers, SLACK_TIMESTAMP_HEADER)) * 1000;
 * ```
 */
export const SLACK_TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';

/** Options of {@link slack}. */
export interface SlackOptions {
  /** Provider id: the gateway route (`/webhooks/:id`) and the store's `provider`. Default `'slack'`. */
  id?: string | undefined;
  /** Accepted clock skew in seconds, in both directions. Default 300 (what Slack's SDKs use). */
  toleranceSeconds?: number | undefined;
}

/** `type` picks the event; for `event_callback` the inner `event.type` picks the variant. */
function eventType(body: Record<string, unknown>): EventSelection | undefined {
  const type = body.type;
  if (typeof type !== 'string') return type === undefined ? undefined : JSON.stringify(type);
  if (type !== 'event_callback') return type;
  const inner = typeof body.event === 'object' && body.event !== null ? (body.event as Record<string, unknown>).type : undefined;
  if (typeof inner !== 'string' || inner === '') return { event: type, variant: undefined };
  return { event: type, variant: Object.hasOwn(slackCallbacks, inner) ? inner : 'event_callback' };
}

/**
 * The Slack Events API provider: `X-Slack-Signature` (`v0=` + hex HMAC-SHA256 of
 * `v0:{X-Slack-Request-Timestamp}:{body}`, 300 s tolerance); events by `type`, with
 * `event_callback` variants by the inner `event.type`; dedupe by `event_id`; a `url_verification`
 * is answered 200 with its `challenge` (text/plain), as Slack requires.
 *
 * @throws {HookgateError} `invalid_config` for a bad `toleranceSeconds` or id.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { slack } from '@hookgate/provider-slack';
 *
 * const handler = createWebhookHandler({ provider: slack(), secret: process.env.SLACK_SIGNING_SECRET! });
 * handler.on('app_mention', (body) => console.log(`<@${body.event.user}>: ${body.event.text}`));
 * handler.on('event_callback', (body) => console.log(`event ${body.event.type}`)); // every inner type
 * ```
 */
export function slack(options: SlackOptions = {}) {
  return defineProvider({
    id: options.id ?? 'slack',
    verification: hmacWithTimestamp({
      header: SLACK_SIGNATURE_HEADER,
      algorithm: 'sha256',
      encoding: 'hex',
      signature: 'v0={digest}',
      timestampHeader: SLACK_TIMESTAMP_HEADER,
      timestampUnit: 's',
      timestamp: 'required',
      toleranceSeconds: options.toleranceSeconds ?? 300,
      message: 'v0:{$timestamp}:{$request.body}',
    }),
    events: slackEvents,
    eventType,
    // Slack retries (X-Slack-Retry-Num) keep the event_id: later copies are duplicates.
    eventId: (payload) => (payload.type === 'event_callback' ? payload.event_id : undefined),
    reply: (parsed) =>
      parsed.event === 'url_verification'
        ? { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: parsed.payload.challenge }
        : undefined,
  });
}

/** The provider type {@link slack} returns. */
export type SlackProvider = ReturnType<typeof slack>;
/** The event map of {@link SlackProvider}. */
export type SlackEventMap = EventMapOf<SlackProvider>;

const parse = lazyParser(slack);

/**
 * Parses a Slack Events API body without verifying its signature (tests, replays).
 *
 * @example
 * ```ts
 * import { parseWebhookEvent } from '@hookgate/provider-slack';
 *
 * const result = await parseWebhookEvent(body);
 * if (result.kind === 'event' && result.variant === 'app_mention') console.log(result.payload.event.text);
 * ```
 */
export function parseWebhookEvent(body: string | Uint8Array): Promise<ParseResult<SlackEventMap>> {
  return parse(body);
}
