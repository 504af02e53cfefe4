import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { installSenderStamp, PEER_ADDRESS_HEADER } from '@hookgate/adapter-next';

/**
 * Request header naming a method the Fetch API cannot carry (`TRACE`, `TRACK`), written by the
 * server (see {@link installRequestStamp}); a client-sent header of this name is always removed.
 */
export const UNSUPPORTED_METHOD_HEADER = 'x-hookgate-unsupported-method';

/**
 * Request header set (to `1`) when the path holds a malformed percent-escape (`/deliveries/%ZZ`),
 * written by the server; a client-sent header of this name is always removed.
 */
export const MALFORMED_PATH_HEADER = 'x-hookgate-malformed-path';

// undici's `Request` constructor throws on these, so Next.js answers them 500 before Proxy or a
// route handler can see them.
const FORBIDDEN_FETCH_METHODS = new Set(['TRACE', 'TRACK']);

const installed = Symbol.for('hookgate.dashboard.requestStamp');

/**
 * Writes what Proxy and route handlers cannot learn from a Web `Request` into request headers,
 * before Next.js reads the request (Node publishes `http.server.request.start` synchronously,
 * before the server's `request` event). Client-sent headers of these names are always replaced.
 *
 * - **Peer address** ({@link PEER_ADDRESS_HEADER}): the TCP peer, for the loopback rule, written
 *   by adapter-next's `installSenderStamp()` (installed here if it is not yet). Not
 *   `x-forwarded-for`: `next start` only fills it when the client did not send one, so a remote
 *   client could claim to be 127.0.0.1. Limit: behind a reverse proxy on the same host the peer is
 *   the proxy (loopback), so set `HOOKGATE_DASHBOARD_TOKEN` whenever one is in front.
 * - **Requests Next.js would answer 500 before any of our code runs**, so Proxy (matched on
 *   these headers for every path, webhook endpoints and static files included) refuses them:
 *   `TRACE`/`TRACK` go on as `GET` carrying {@link UNSUPPORTED_METHOD_HEADER} → 405; a path that
 *   cannot be decoded gets {@link MALFORMED_PATH_HEADER} → 404.
 *
 * @example
 * ```ts
 * // instrumentation.ts register()
 * installRequestStamp();
 * ```
 */
export function installRequestStamp(): void {
  // First: adapter-next's stamp (installed once) writes the peer address, and the names of the
  // headers the sender sent, so webhook routes record those and not the x-forwarded-* that
  // `next start` adds.
  installSenderStamp();
  const state = globalThis as { [installed]?: boolean };
  if (state[installed]) return;
  state[installed] = true;
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage };
    delete request.headers[UNSUPPORTED_METHOD_HEADER];
    delete request.headers[MALFORMED_PATH_HEADER];
    const method = request.method?.toUpperCase();
    if (method !== undefined && FORBIDDEN_FETCH_METHODS.has(method)) {
      request.headers[UNSUPPORTED_METHOD_HEADER] = method;
      request.method = 'GET';
    }
    if (!isDecodablePath(request.url ?? '/')) request.headers[MALFORMED_PATH_HEADER] = '1';
  });
}

/**
 * True when every percent-escape in the path part of a request target decodes (as UTF-8).
 *
 * @example
 * ```ts
 * isDecodablePath('/deliveries/%ZZ?q=1'); // false
 * ```
 */
export function isDecodablePath(target: string): boolean {
  try {
    decodeURIComponent(target.split(/[?#]/, 1)[0] ?? '');
    return true;
  } catch {
    return false;
  }
}
