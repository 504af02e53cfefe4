// Telling the sender's headers from those `next start` adds. No Node built-in is loaded here:
// this module serves Edge routes too (the Node-only stamp itself is in sender-stamp.ts).
import { SENDER_STAMP_FLAG } from './stamp-flag.js';

/**
 * The headers `next start` writes into every request that arrives without them, before any route
 * code runs (`x-forwarded-for` is the TCP peer, `-host` the `Host`, `-port` the server's port,
 * `-proto` `http`/`https`). A route handler sees them as if the sender had sent them.
 *
 * @example
 * ```ts
 * NEXT_FORWARDED_HEADERS.includes('x-forwarded-for'); // true
 * ```
 */
export const NEXT_FORWARDED_HEADERS: readonly string[] = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto'];

/**
 * Request header written by `installSenderStamp()`: the names (lower-case, comma-separated)
 * of the headers the sender really sent. A sender's own header of this name is overwritten.
 *
 * @example
 * ```ts
 * request.headers.get(SENT_HEADERS_HEADER); // 'host,content-type,x-pylon-signature'
 * ```
 */
export const SENT_HEADERS_HEADER = 'x-hookgate-sent-headers';

/**
 * Request header written by `installSenderStamp()`: the TCP peer address. A sender's own
 * header of this name is overwritten, so it can be trusted (unlike `x-forwarded-for`, which
 * `next start` only fills when the sender did not send one).
 *
 * @example
 * ```ts
 * request.headers.get(PEER_ADDRESS_HEADER); // '127.0.0.1'
 * ```
 */
export const PEER_ADDRESS_HEADER = 'x-hookgate-peer-address';

/** Which `x-forwarded-*` headers to record when the sender stamp is not installed. */
export type ForwardedHeadersPolicy = 'drop' | 'keep';

/**
 * True once `installSenderStamp()` ran in this process (module copies in different bundles
 * share the flag).
 *
 * @example
 * ```ts
 * if (!isSenderStampInstalled()) console.warn('x-forwarded-* cannot be told apart');
 * ```
 */
export function isSenderStampInstalled(): boolean {
  return (globalThis as { [SENDER_STAMP_FLAG]?: boolean })[SENDER_STAMP_FLAG] === true;
}

/**
 * The lower-case names in Node's `rawHeaders` (name, value, name, value, …): what arrived on the
 * wire, untouched by anything that later writes into `req.headers`. The two stamp headers are
 * left out even when the sender sent them: their values are the stamp's, not the sender's.
 *
 * @example
 * ```ts
 * sentHeaderNames(['Host', 'a', 'X-Sig', 'b']); // Set { 'host', 'x-sig' }
 * ```
 */
export function sentHeaderNames(rawHeaders: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (let index = 0; index < rawHeaders.length; index += 2) names.add(rawHeaders[index]!.toLowerCase());
  names.delete(SENT_HEADERS_HEADER);
  names.delete(PEER_ADDRESS_HEADER);
  return names;
}

/** What a route handler records of a request: the sender's headers and the peer, if known. */
export interface SenderView {
  headers: Headers | Record<string, string>;
  peerAddress?: string | undefined;
}

/**
 * The headers of an App Router `Request` as the sender sent them. With the sender stamp
 * installed: exactly the names that arrived on the wire, plus the stamped peer address. Without
 * it the sender's `x-forwarded-*` cannot be told from those `next start` added, so `policy`
 * decides for all four: `drop` (record none) or `keep` (record what the route sees).
 *
 * @example
 * ```ts
 * const { headers, peerAddress } = senderView(request, 'drop');
 * ```
 */
export function senderView(request: Request, policy: ForwardedHeadersPolicy): SenderView {
  const sent = isSenderStampInstalled() ? request.headers.get(SENT_HEADERS_HEADER) : null;
  if (sent !== null) {
    const names = new Set(sent.split(','));
    const peer = request.headers.get(PEER_ADDRESS_HEADER);
    return { headers: pick(request.headers, (name) => names.has(name)), peerAddress: peer || undefined };
  }
  if (policy === 'keep') return { headers: request.headers };
  return { headers: pick(request.headers, (name) => !NEXT_FORWARDED_HEADERS.includes(name)) };
}

function pick(headers: Headers, keep: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    // Request headers never repeat here except set-cookie, which Headers yields once per value.
    if (keep(name)) out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  });
  return out;
}
