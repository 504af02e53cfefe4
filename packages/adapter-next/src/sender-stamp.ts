// Node.js runtime only (node:diagnostics_channel): exported from the package root, not from the
// Edge entry.
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { PEER_ADDRESS_HEADER, SENT_HEADERS_HEADER, sentHeaderNames } from './sender-headers.js';
import { SENDER_STAMP_FLAG } from './stamp-flag.js';

/**
 * Lets App Router route handlers tell the sender's headers from those `next start` added: for
 * every request the Node server receives, writes the names of the headers that arrived on the
 * wire ({@link SENT_HEADERS_HEADER}) and the TCP peer address ({@link PEER_ADDRESS_HEADER}).
 * Node publishes `http.server.request.start` before the server's `request` event, so this runs
 * before Next.js adds its `x-forwarded-*`. Call it once from `instrumentation.ts` (Node.js
 * runtime only); calling it again does nothing.
 *
 * @example
 * ```ts
 * // instrumentation.ts
 * export async function register() {
 *   if (process.env.NEXT_RUNTIME !== 'nodejs') return;
 *   const { installSenderStamp } = await import('@hookgate/adapter-next');
 *   installSenderStamp();
 * }
 * ```
 */
export function installSenderStamp(): void {
  const state = globalThis as { [SENDER_STAMP_FLAG]?: boolean };
  if (state[SENDER_STAMP_FLAG]) return;
  state[SENDER_STAMP_FLAG] = true;
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[SENT_HEADERS_HEADER] = [...sentHeaderNames(request.rawHeaders)].join(',');
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? '';
  });
}
