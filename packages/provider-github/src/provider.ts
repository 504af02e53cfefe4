import {
  defineProvider,
  getHeader,
  hmac,
  HookgateError,
  type DiscriminatedMap,
  type EventMapOf,
  type ParseResult,
  type Provider,
  type StandardSchemaV1,
  type VerificationStrategy,
  type WebhookRequest,
} from '@hookgate/core';
import { lazyParser, withFormBodies } from '@hookgate/core/provider';
import { GITHUB_EVENTS } from './events.generated.js';
import type { GitHubSchemas } from './types.js';

/**
 * The signature header Hookgate verifies: `sha256=` + hex HMAC-SHA256 of the raw body. The legacy
 * SHA-1 `X-Hub-Signature` is never read, so a request carrying only that is refused.
 *
 * @example
 * ```ts
 * const signature = getHeader(request.headers, GITHUB_SIGNATURE_HEADER); // 'sha256=…'
 * ```
 */
export const GITHUB_SIGNATURE_HEADER = 'X-Hub-Signature-256';
/**
 * The header naming the event (`issues`, `push`, `ping` …): `result.event`.
 *
 * @example
 * ```ts
 * const event = getHeader(request.headers, GITHUB_EVENT_HEADER); // 'issues'
 * ```
 */
export const GITHUB_EVENT_HEADER = 'X-GitHub-Event';
/**
 * The header carrying the delivery's GUID: the dedupe key (a redelivery keeps its GUID).
 *
 * @example
 * ```ts
 * const deliveryId = getHeader(request.headers, GITHUB_DELIVERY_HEADER);
 * ```
 */
export const GITHUB_DELIVERY_HEADER = 'X-GitHub-Delivery';

/** Options of {@link github}. */
export interface GitHubOptions {
  /**
   * Provider id: the gateway route (`/webhooks/:id`) and the store's `provider` column. Default
   * `'github'`; give each endpoint its own id when one gateway serves several GitHub apps.
   */
  id?: string | undefined;
}

/** Top-level objects a GitHub payload may carry: when present they must be objects (or null). */
const ENVELOPE_OBJECTS = ['sender', 'repository', 'organization', 'installation', 'enterprise'] as const;

/**
 * A light Standard Schema for one event or action: GitHub's payloads are far too large to validate
 * field by field, so only the envelope is checked and the body passes through unchanged, typed by
 * GitHub's own webhook types.
 */
function envelope(event: string, action: string | undefined): StandardSchemaV1 {
  const validate = (value: unknown): StandardSchemaV1.Result<unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { issues: [{ message: 'Expected object' }] };
    const body = value as Record<string, unknown>;
    const issues: StandardSchemaV1.Issue[] = [];
    if (action !== undefined && body.action !== action) {
      issues.push({ message: `Expected "${action}"`, path: ['action'] });
    }
    for (const key of ENVELOPE_OBJECTS) {
      const field = body[key];
      if (Object.hasOwn(body, key) && (typeof field !== 'object' || Array.isArray(field))) {
        issues.push({ message: 'Expected object', path: [key] });
      }
    }
    return issues.length > 0 ? { issues } : { value };
  };
  return { '~standard': { version: 1, vendor: `hookgate-github:${event}`, validate } };
}

const ACTIONS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(GITHUB_EVENTS));

/** Event → schema, or event → `<event>.<action>` → schema, for every event GitHub documents. */
function githubSchemas(): GitHubSchemas {
  const schemas: Record<string, StandardSchemaV1 | Record<string, StandardSchemaV1>> = {};
  for (const [event, actions] of ACTIONS) {
    schemas[event] =
      actions.length === 0 ? envelope(event, undefined) : Object.fromEntries(actions.map((action) => [`${event}.${action}`, envelope(event, action)]));
  }
  return schemas as GitHubSchemas;
}

/**
 * The event is the `X-GitHub-Event` header, never guessed from the body (an `issue_comment` body
 * also carries an `issue`); the variant is `<event>.<action>` for events with actions.
 */
function eventType(body: Record<string, unknown>, request: WebhookRequest) {
  const event = getHeader(request.headers, GITHUB_EVENT_HEADER)?.trim();
  if (!event) return undefined;
  const actions = ACTIONS.get(event);
  if (actions === undefined || actions.length === 0) return event;
  return { event, variant: typeof body.action === 'string' ? `${event}.${body.action}` : undefined };
}

/**
 * The GitHub provider: `X-Hub-Signature-256` (`sha256=` + hex HMAC-SHA256 of the raw body; the
 * SHA-1 `X-Hub-Signature` alone is refused), the event from `X-GitHub-Event` (`result.event`),
 * variants `<event>.<action>` where the event has actions (`issues.opened`), dedupe by
 * `X-GitHub-Delivery`. Payloads are typed with GitHub's official webhook types; at runtime only
 * the envelope is checked (an object, the `action`, `sender`/`repository`/… objects). Hooks of
 * either content type are read: `application/json`, and "form"
 * (`application/x-www-form-urlencoded`, the JSON in the `payload` field; the signature covers the
 * form body as sent).
 *
 * @throws {HookgateError} `invalid_config` for an id that is not URL-safe.
 * @example
 * ```ts
 * import { createWebhookHandler } from '@hookgate/core';
 * import { github } from '@hookgate/provider-github';
 *
 * const handler = createWebhookHandler({ provider: github(), secret: process.env.GITHUB_WEBHOOK_SECRET! });
 * handler.on('issues.opened', (event) => console.log(`New issue: ${event.issue.title}`));
 * handler.on('push', (event) => console.log(`${event.commits.length} commits to ${event.ref}`));
 * handler.on('ping', (event) => console.log(`Hook ${event.hook_id} says: ${event.zen}`));
 * ```
 */
export function github(options: GitHubOptions = {}): Provider<DiscriminatedMap<GitHubSchemas>> {
  if (options.id !== undefined && typeof options.id !== 'string') {
    throw new HookgateError('invalid_config', 'github({ id }) must be a string.');
  }
  const provider = defineProvider({
    id: options.id ?? 'github',
    verification: githubVerification(),
    events: githubSchemas(),
    eventType,
    eventId: (_payload, request) => getHeader(request.headers, GITHUB_DELIVERY_HEADER)?.trim() || undefined,
  });
  return withFormBodies(provider, formPayload);
}

/**
 * The JSON of a form-encoded delivery: the one `payload` field GitHub sends for a hook whose
 * content type is "form".
 */
function formPayload(fields: URLSearchParams): string | { refused: string } {
  const values = fields.getAll('payload');
  if (values.length === 1) return values[0]!;
  return { refused: values.length === 0 ? 'the form body has no payload field' : `the form body has ${values.length} payload fields` };
}

/**
 * `X-Hub-Signature-256` verified; the legacy SHA-1 `X-Hub-Signature`, which GitHub sends next to
 * it, is never read but is redacted as well when a delivery is recorded: it is an HMAC of the body
 * under the same secret.
 */
function githubVerification(): VerificationStrategy {
  const strategy = hmac({ header: GITHUB_SIGNATURE_HEADER, algorithm: 'sha256', encoding: 'hex', signature: 'sha256={digest}' });
  return { ...strategy, redactHeaders: [...strategy.redactHeaders, 'X-Hub-Signature'] };
}

/** The provider type {@link github} returns. */
export type GitHubProvider = ReturnType<typeof github>;
/** The event map of {@link GitHubProvider}. */
export type GitHubEventMap = EventMapOf<GitHubProvider>;

const parse = lazyParser(github);

/**
 * Parses a GitHub body without verifying its signature (tests, replays of stored deliveries).
 * `event` is the delivery's `X-GitHub-Event` value; `contentType` the delivery's `Content-Type`
 * when it may be a form-encoded one (default `application/json`).
 *
 * @example
 * ```ts
 * import { parseWebhookEvent } from '@hookgate/provider-github';
 *
 * const result = await parseWebhookEvent('{"action":"opened","issue":{"title":"Bug"}}', 'issues');
 * if (result.kind === 'event') console.log(result.variant); // 'issues.opened'
 * const form = await parseWebhookEvent('payload=%7B%22zen%22%3A%22Keep%20it%22%2C%22hook_id%22%3A1%7D', 'ping', 'application/x-www-form-urlencoded');
 * if (form.kind === 'event' && form.event === 'ping') console.log(form.payload.zen); // 'Keep it'
 * ```
 */
export function parseWebhookEvent(body: string | Uint8Array, event: string, contentType = 'application/json'): Promise<ParseResult<GitHubEventMap>> {
  return parse(body, { headers: { [GITHUB_EVENT_HEADER]: event, 'content-type': contentType } });
}
