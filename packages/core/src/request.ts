import type { IncomingHttpHeaders } from 'node:http';

/**
 * Request headers in any shape a framework hands over: a plain object (any case), Node's
 * `IncomingHttpHeaders` (lower-case, arrays for repeated headers) or a Fetch `Headers`.
 * Lookups are always case-insensitive.
 */
export type HeadersInput = Headers | IncomingHttpHeaders | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The neutral input of every Hookgate handler. Adapters build exactly this; core never sees a
 * framework object.
 *
 * @example
 * ```ts
 * import type { WebhookRequest } from '@hookgate/core';
 * const request: WebhookRequest = {
 *   method: 'POST',
 *   path: '/webhooks/pylon',
 *   headers: { 'x-pylon-signature': '…' },
 *   rawBody: new TextEncoder().encode('{"event_type":"issue_new"}'),
 * };
 * ```
 */
export interface WebhookRequest {
  /** HTTP method as received, e.g. `POST`. */
  readonly method: string;
  /** Request path without the query string, when the adapter knows it. */
  readonly path?: string | undefined;
  readonly headers: HeadersInput;
  /** The body bytes exactly as received. Never re-serialised JSON. */
  readonly rawBody: Uint8Array;
  /**
   * The TCP peer address (`203.0.113.7`, `::1`) when the adapter knows it: request metadata, not
   * a header, so `headers` stay what the sender sent. Behind a reverse proxy this is the proxy.
   */
  readonly peerAddress?: string | undefined;
}
