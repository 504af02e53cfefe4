import { isIP } from 'node:net';
import { hasControlCharacter } from './control-characters';
import { checkLoopbackHost, type HostInput, type HostRefusal } from './loopback-host';
import { safeEqual } from './safe-equal';
import { verifySession } from './session-token';

export { safeEqual } from './safe-equal';
export { issueSession, revokeSession, SESSION_MAX_AGE_SECONDS, verifySession } from './session-token';

/** Cookie holding the signed-in session: issue time, a random id and a MAC, never the token. */
export const SESSION_COOKIE = 'hookgate_session';

/**
 * Request header carrying the TCP peer address, written by the server for every request
 * (`installSenderStamp()` of `@hookgate/adapter-next`, installed by `lib/request-stamp.ts`); any
 * value a client sends under this name is overwritten.
 */
export { PEER_ADDRESS_HEADER } from '@hookgate/adapter-next';

/** Why a request may (or may not) see the dashboard. */
export type AccessDecision =
  | { kind: 'allowed'; via: 'bearer' | 'cookie' | 'loopback' }
  | { kind: 'sign_in_required' }
  | { kind: 'loopback_only'; peerAddress: string | null }
  | { kind: 'host_not_allowed'; refused: HostRefusal };

/** What {@link decideAccess} looks at. */
export interface AccessInput extends HostInput {
  /** `HOOKGATE_DASHBOARD_TOKEN`, or undefined when not configured. */
  token: string | undefined;
  /** Value of the {@link SESSION_COOKIE} cookie. */
  sessionCookie: string | undefined;
  /** The `Authorization` header. */
  authorization: string | null;
  /** The TCP peer address ({@link PEER_ADDRESS_HEADER}); null when unknown. */
  peerAddress: string | null;
  /** `HOOKGATE_DASHBOARD_HOSTS`: names besides the loopback ones a loopback client may use. */
  allowedHosts: readonly string[];
  /** For tests: the current time in milliseconds (session expiry). */
  now?: number;
}

/**
 * The access rule for pages and the JSON API. With a token: a matching `Authorization: Bearer`
 * or an unexpired, unrevoked session cookie, from any address (loopback too). Without one:
 * loopback peers only, and only through a loopback name (`localhost`, `127.0.0.1`, `[::1]`) or
 * one of `allowedHosts`, so a page whose name was rebound to 127.0.0.1 gets nothing.
 *
 * @example
 * ```ts
 * decideAccess({ token: undefined, sessionCookie: undefined, authorization: null, peerAddress: '127.0.0.1',
 *   host: 'localhost:3000', forwardedHost: null, origin: null, allowedHosts: [] });
 * // { kind: 'allowed', via: 'loopback' }
 * ```
 */
export function decideAccess(input: AccessInput): AccessDecision {
  if (input.token !== undefined) {
    const bearer = parseBearer(input.authorization);
    if (bearer !== null && safeEqual(bearer, input.token)) return { kind: 'allowed', via: 'bearer' };
    if (input.sessionCookie && verifySession(input.token, input.sessionCookie, input.now)) return { kind: 'allowed', via: 'cookie' };
    return { kind: 'sign_in_required' };
  }
  if (input.peerAddress === null || !isLoopbackAddress(input.peerAddress)) return { kind: 'loopback_only', peerAddress: input.peerAddress };
  const refused = checkLoopbackHost(input, input.allowedHosts);
  if (refused) return { kind: 'host_not_allowed', refused };
  return { kind: 'allowed', via: 'loopback' };
}

/**
 * True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`).
 *
 * @example
 * ```ts
 * isLoopbackAddress('::ffff:127.0.0.1'); // true
 * isLoopbackAddress('10.0.0.5'); // false
 * ```
 */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  if (isIP(plain) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$/i.test(plain);
  return false;
}

/** Longest `next` path kept after sign-in; anything longer falls back to `/`. */
const MAX_NEXT_PATH_LENGTH = 2048;
const PROBE_ORIGIN = 'http://hookgate.invalid';

/**
 * Where to go after signing in: a same-origin path only, else `/`. Refused: anything not
 * starting with one `/`, backslashes and control characters (before and after percent-decoding,
 * since browsers turn `/\evil` and `/<tab>/evil` into `//evil`), malformed escapes, and paths that
 * resolve to another origin or to a `//host` path (`/.//evil`). The answer is the normalised path,
 * query and fragment, safe to send as a relative `Location`.
 *
 * @example
 * ```ts
 * safeNextPath('/deliveries?q=1'); // '/deliveries?q=1'
 * safeNextPath('/%09/evil.example'); // '/'
 * safeNextPath('//evil.example/'); // '/'
 * ```
 */
export function safeNextPath(next: string | null | undefined): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_NEXT_PATH_LENGTH) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  for (const candidate of [next, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.includes('\\') || hasControlCharacter(candidate)) return '/';
  }
  const resolved = new URL(next, PROBE_ORIGIN);
  if (resolved.origin !== PROBE_ORIGIN || resolved.pathname.startsWith('//')) return '/';
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

function parseBearer(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return match?.[1] ?? null;
}
