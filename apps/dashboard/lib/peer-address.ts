import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { PEER_ADDRESS_HEADER } from './auth';

const installed = Symbol.for('hookgate.dashboard.peerAddressStamp');

/**
 * Makes the TCP peer address visible to Proxy and route handlers, which only see a Web
 * `Request`. Node publishes `http.server.request.start` synchronously before the server's
 * `request` event, so the header is written before Next reads anything; a client-sent header of
 * the same name is always overwritten.
 *
 * Why not `x-forwarded-for`: `next start` only fills it when the client did not send one, so a
 * remote client could claim to be 127.0.0.1. Limit: behind a reverse proxy on the same host the
 * peer is the proxy (loopback), so set `HOOKGATE_DASHBOARD_TOKEN` whenever the dashboard is
 * reachable through one.
 *
 * @example
 * ```ts
 * // instrumentation.ts register()
 * installPeerAddressStamp();
 * ```
 */
export function installPeerAddressStamp(): void {
  const state = globalThis as { [installed]?: boolean };
  if (state[installed]) return;
  state[installed] = true;
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? '';
  });
}
