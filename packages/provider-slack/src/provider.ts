import {
  defineProvider,
  hmacWithTimestamp,
  type DiscriminatedMap,
  type EventMapOf,
  type EventSelection,
  type ParseResult,
  type Provider,
  type WebhookRequest,
} from '@hookgate/core';
import { isFormRequest, lazyParser, readFormBody, withFormBodies } from '@hookgate/core/provider';
import { SLACK_ACKNOWLEDGED_EVENTS, slackCallbacks, slackEvents } from './schemas.js';

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

/**
 * `type` picks the event; for `event_callback` the inner `event.type` picks the variant. A form
 * post without a `payload` field is a slash command.
 */
function eventType(body: Record<string, unknown>, request: WebhookRequest): EventSelection | undefined {
  const type = body.type;
  if (type === undefined && isFormRequest(request) && typeof body.command === 'string') return 'slash_command';
  if (typeof type !== 'string') return type === undefined ? undefined : JSON.stringify(type);
  if (type !== 'event_callback') return type;
  const inner = typeof body.event === 'object' && body.event !== null ? (body.event as Record<string, unknown>).type : undefined;
  if (typeof inner !== 'string' || inner === '') return { event: type, variant: undefined };
  return { event: type, variant: Object.hasOwn(slackCallbacks, inner) ? inner : 'event_callback' };
}

/**
 * The Slack provider: `X-Slack-Signature` (`v0=` + hex HMAC-SHA256 of
 * `v0:{X-Slack-Request-Timestamp}:{body}`, 300 s tolerance). Events API deliveries by `type`, with
 * `event_callback` variants by the inner `event.type`, deduped by `event_id`; a
 * `url_verification` is answered 200 with its `challenge` (text/plain), as Slack requires.
 * Interactivity posts (form-encoded, the JSON in `payload`: `block_actions`, `view_submission`,
 * `view_closed`, `shortcut`, `message_action`) and slash commands (`slash_command`, the form's
 * fields) are answered with the bare 200 Slack expects, and so is Slack's unsigned `ssl_check`
 * (before verification; not recorded).
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
 * handler.on('slash_command', (command) => console.log(`${command.command} ${command.text}`)); // answer later via command.response_url
 * handler.on('block_actions', (click) => console.log(click.actions.map((action) => action.action_id)));
 * ```
 */
export function slack(options: SlackOptions = {}): Provider<DiscriminatedMap<typeof slackEvents>> {
  const provider = defineProvider({
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
    eventId: (payload) => (payload.type === 'event_callback' && typeof payload.event_id === 'string' ? payload.event_id : undefined),
    reply: (parsed) => {
      if (parsed.event === 'url_verification') return { status: 200, headers: PLAIN_TEXT, body: parsed.payload.challenge };
      // Interactivity and slash commands: Slack wants a bare 200 within 3 s; a JSON body would be
      // read as a message (or, for a modal, as an invalid response_action).
      return SLACK_ACKNOWLEDGED_EVENTS.has(parsed.event) ? { status: 200, headers: PLAIN_TEXT, body: '' } : undefined;
    },
    probe: sslCheck,
  });
  return withFormBodies(provider, formJson);
}

const PLAIN_TEXT = { 'content-type': 'text/plain; charset=utf-8' } as const;

/** A form post of `ssl_check=1` (and Slack's `token`) is small; anything longer is not one. */
const SSL_CHECK_MAX_BYTES = 512;

/**
 * Slack's `ssl_check`: an unsigned form post (`ssl_check=1&token=…`) Slack sends to slash-command
 * URLs to check the certificate, which must be answered 200. It carries nothing to act on, so
 * it is answered with an empty 200 before verification and neither recorded nor dispatched;
 * every other request still needs a valid signature.
 */
function sslCheck(request: WebhookRequest): { status: number; headers: typeof PLAIN_TEXT; body: string } | undefined {
  if (request.rawBody.byteLength > SSL_CHECK_MAX_BYTES || !isFormRequest(request)) return undefined;
  const fields = readFormBody(request.rawBody);
  return fields.ok && fields.fields.get('ssl_check') === '1' ? { status: 200, headers: PLAIN_TEXT, body: '' } : undefined;
}

/**
 * A form post's JSON: an interactivity post's `payload` field as it is, or a slash command's
 * fields as an object of strings.
 */
function formJson(form: URLSearchParams): string | { refused: string } {
  const payloads = form.getAll('payload');
  if (payloads.length > 1) return { refused: `the form body has ${payloads.length} payload fields` };
  if (payloads.length === 1) return payloads[0]!;
  // No prototype: a field named __proto__ is a field like any other (and refused when repeated).
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of form) {
    if (Object.hasOwn(fields, name)) return { refused: `the form field ${JSON.stringify(name.slice(0, 64))} appears twice` };
    fields[name] = value;
  }
  return JSON.stringify(fields);
}

/** The provider type {@link slack} returns. */
export type SlackProvider = ReturnType<typeof slack>;
/** The event map of {@link SlackProvider}. */
export type SlackEventMap = EventMapOf<SlackProvider>;

const parse = lazyParser(slack);

/**
 * Parses a Slack body without verifying its signature (tests, replays). `contentType` is the
 * delivery's `Content-Type` (default `application/json`; pass
 * `application/x-www-form-urlencoded` for interactivity posts and slash commands).
 *
 * @example
 * ```ts
 * import { parseWebhookEvent } from '@hookgate/provider-slack';
 *
 * const result = await parseWebhookEvent(body);
 * if (result.kind === 'event' && result.variant === 'app_mention') console.log(result.payload.event.text);
 * const command = await parseWebhookEvent('command=%2Fdeploy&text=api&user_id=U1&team_id=T1&channel_id=C1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=1.2', 'application/x-www-form-urlencoded');
 * if (command.kind === 'event' && command.event === 'slash_command') console.log(command.payload.text); // 'api'
 * ```
 */
export function parseWebhookEvent(body: string | Uint8Array, contentType = 'application/json'): Promise<ParseResult<SlackEventMap>> {
  return parse(body, { headers: { 'content-type': contentType } });
}
