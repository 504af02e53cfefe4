import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from './safe-equal';

/** Session lifetime, enforced by the server (the cookie's Max-Age only tells the browser). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

// Sessions issued "in the future" by up to this much still pass (clocks of several processes).
const CLOCK_SKEW_SECONDS = 60;
const VERSION = 'v2';
// `v2.<issued at, Unix seconds>.<16 random bytes, base64url>.<HMAC-SHA256, base64url>`
const VALUE_PATTERN = /^v2\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const revokedKey = Symbol.for('hookgate.dashboard.revokedSessions');

/** A session cookie value that {@link verifySession} accepted. */
export interface SessionClaims {
  /** Random id of this sign-in (what sign-out revokes). */
  id: string;
  /** Unix seconds of sign-in. */
  issuedAt: number;
  /** Unix seconds after which the server refuses it. */
  expiresAt: number;
}

/**
 * A new session cookie value: issue time and a random id, MACed with a key derived from the
 * token. It proves knowledge of the token without containing it, differs at every sign-in,
 * expires after {@link SESSION_MAX_AGE_SECONDS} and can be revoked; changing the token ends
 * every session.
 *
 * @example
 * ```ts
 * issueSession('a-long-dashboard-token'); // 'v2.1767225600.<22 chars>.<43 chars>'
 * ```
 */
export function issueSession(token: string, nowMs: number = Date.now()): string {
  const payload = `${VERSION}.${Math.floor(nowMs / 1000)}.${randomBytes(16).toString('base64url')}`;
  return `${payload}.${mac(token, payload)}`;
}

/**
 * The claims of a session cookie value, or null when it is malformed (old `v1` cookies
 * included), its MAC does not match the token (compared in constant time), it is expired or
 * issued in the future, or it was revoked in this process.
 *
 * @example
 * ```ts
 * verifySession(token, cookie)?.id; // the session id, or undefined when refused
 * ```
 */
export function verifySession(token: string, value: string, nowMs: number = Date.now()): SessionClaims | null {
  const match = VALUE_PATTERN.exec(value);
  if (!match) return null;
  const [, issued, id, signature] = match as unknown as [string, string, string, string];
  if (!safeEqual(signature, mac(token, `${VERSION}.${issued}.${id}`))) return null;
  const issuedAt = Number(issued);
  const now = nowMs / 1000;
  const expiresAt = issuedAt + SESSION_MAX_AGE_SECONDS;
  if (issuedAt > now + CLOCK_SKEW_SECONDS || now >= expiresAt) return null;
  if (isRevoked(id, nowMs)) return null;
  return { id, issuedAt, expiresAt };
}

/**
 * Sign-out: refuses this session id from now until it would have expired anyway. The list lives
 * in this process's memory (shared by Proxy and the route handlers through `globalThis`): with
 * several dashboard processes, a sign-out holds in the process that answered it, and a restart
 * forgets it (the session's 7-day limit still applies).
 *
 * @example
 * ```ts
 * const claims = verifySession(token, cookie);
 * if (claims) revokeSession(claims);
 * ```
 */
export function revokeSession(claims: SessionClaims, nowMs: number = Date.now()): void {
  const revoked = revokedSessions();
  prune(revoked, nowMs);
  revoked.set(claims.id, claims.expiresAt * 1000);
}

function isRevoked(id: string, nowMs: number): boolean {
  const until = revokedSessions().get(id);
  return until !== undefined && until > nowMs;
}

// A revoked id is kept only until its session would have expired: after that it fails anyway.
function prune(revoked: Map<string, number>, nowMs: number): void {
  for (const [id, expiresAtMs] of revoked) if (expiresAtMs <= nowMs) revoked.delete(id);
}

function revokedSessions(): Map<string, number> {
  const holder = globalThis as { [revokedKey]?: Map<string, number> };
  holder[revokedKey] ??= new Map();
  return holder[revokedKey];
}

// The MAC key is derived from the token, so the token itself never keys anything user-visible.
function mac(token: string, payload: string): string {
  const key = createHmac('sha256', token).update('hookgate-dashboard-session-key:v2').digest();
  return createHmac('sha256', key).update(payload).digest('base64url');
}
