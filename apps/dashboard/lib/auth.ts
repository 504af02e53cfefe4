import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hasControlCharacter } from './control-characters';

/** Cookie holding the signed-in session: an HMAC of the token, never the token itself. */
export const SESSION_COOKIE = 'hookgate_session';

/**
 * Request header carrying the TCP peer address, written by the server for every request
 * (`installSenderStamp()` of `@hookgate/adapter-next`, installed by `lib/request-stamp.ts`); any
 * value a client sends under this name is overwritten.
 */
export { PEER_ADDRESS_HEADER } from '@hookgate/adapter-next';

/** Session lifetime; the cookie is re-issued at each sign-in. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** Why a request may (or may not) see the dashboard. */
export type AccessDecision =
  | { kind: 'allowed'; via: 'bearer' | 'cookie' | 'loopback' }
  | { kind: 'sign_in_required' }
  | { kind: 'loopback_only'; peerAddress: string | null };

/** What {@link decideAccess} looks at. */
export interface AccessInput {
  /** `HOOKGATE_DASHBOARD_TOKEN`, or undefined when not configured. */
  token: string | undefined;
  /** Value of the {@link SESSION_COOKIE} cookie. */
  sessionCookie: string | undefined;
  /** The `Authorization` header. */
  authorization: string | null;
  /** The TCP peer address ({@link PEER_ADDRESS_HEADER}); null when unknown. */
  peerAddress: string | null;
}

/**
 * The access rule for pages and the JSON API. With a token: a matching `Authorization: Bearer`
 * or session cookie, from any address (loopback too). Without one: loopback peers only.
 *
 * @example
 * ```ts
 * decideAccess({ token: undefined, sessionCookie: undefined, authorization: null, peerAddress: '127.0.0.1' });
 * // { kind: 'allowed', via: 'loopback' }
 * ```
 */
export function decideAccess(input: AccessInput): AccessDecision {
  if (input.token !== undefined) {
    const bearer = parseBearer(input.authorization);
    if (bearer !== null && safeEqual(bearer, input.token)) return { kind: 'allowed', via: 'bearer' };
    if (input.sessionCookie && safeEqual(input.sessionCookie, sessionValue(input.token))) return { kind: 'allowed', via: 'cookie' };
    return { kind: 'sign_in_required' };
  }
  if (input.peerAddress !== null && isLoopbackAddress(input.peerAddress)) return { kind: 'allowed', via: 'loopback' };
  return { kind: 'loopback_only', peerAddress: input.peerAddress };
}

/**
 * The session cookie value for a token: HMAC-SHA256 keyed by the token, so the cookie proves
 * knowledge of the token without containing it, and changing the token ends every session.
 *
 * @example
 * ```ts
 * sessionValue('a-long-dashboard-token'); // 43 base64url characters
 * ```
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('hookgate-dashboard-session:v1').digest('base64url');
}

/**
 * Constant-time string comparison. Both sides are hashed first so the compared buffers always
 * have the same length and the timing reveals nothing about the expected value's length.
 *
 * @example
 * ```ts
 * safeEqual('abc', 'abc'); // true
 * ```
 */
export function safeEqual(actual: string, expected: string): boolean {
  const a = createHash('sha256').update(actual).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && actual.length === expected.length;
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
