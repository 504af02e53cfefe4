import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { decideAccess, PEER_ADDRESS_HEADER, SESSION_COOKIE, type AccessDecision } from './auth';
import { readConfig, type DashboardConfig } from './config';
import type { HostRefusal } from './loopback-host';

const configKey = Symbol.for('hookgate.dashboard.config');

/**
 * The validated configuration, read once per process (environment variables do not change
 * while the server runs).
 *
 * @example
 * ```ts
 * const { dashboardToken } = getConfig();
 * ```
 */
export function getConfig(): DashboardConfig {
  const cache = globalThis as { [configKey]?: DashboardConfig };
  cache[configKey] ??= readConfig();
  return cache[configKey];
}

/**
 * The access decision for a Web request (route handlers and Proxy).
 *
 * @example
 * ```ts
 * const decision = accessFor(request);
 * if (decision.kind !== 'allowed') return deniedResponse(decision);
 * ```
 */
export function accessFor(request: Request): AccessDecision {
  return decideAccess(accessInput(request.headers, sessionCookieOf(request)));
}

/**
 * The session cookie of a request (sign-out reads it to revoke that session).
 *
 * @example
 * ```ts
 * const value = sessionCookieOf(request); // undefined when there is none
 * ```
 */
export function sessionCookieOf(request: Request): string | undefined {
  return readCookie(request.headers.get('cookie'), SESSION_COOKIE);
}

// `host` is the Host header as Next.js received it: `next start` keeps it, and route handlers,
// Proxy and `headers()` all see the same value.
function accessInput(headerList: { get(name: string): string | null }, sessionCookie: string | undefined) {
  const config = getConfig();
  return {
    token: config.dashboardToken,
    allowedHosts: config.dashboardHosts,
    sessionCookie,
    authorization: headerList.get('authorization'),
    peerAddress: headerList.get(PEER_ADDRESS_HEADER),
    host: headerList.get('host'),
    forwardedHost: headerList.get('x-forwarded-host'),
    origin: headerList.get('origin'),
  };
}

/**
 * The JSON answer for a refused API request: 401 with `WWW-Authenticate` when a token would
 * help, 403 for a non-loopback client when no token is configured.
 *
 * @example
 * ```ts
 * return deniedResponse({ kind: 'sign_in_required' }); // 401
 * ```
 */
export function deniedResponse(decision: Exclude<AccessDecision, { kind: 'allowed' }>): Response {
  if (decision.kind === 'sign_in_required') {
    return Response.json(
      { error: 'unauthorized', message: 'Send Authorization: Bearer <HOOKGATE_DASHBOARD_TOKEN> or sign in at /sign-in.' },
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="hookgate"', 'cache-control': 'no-store' } },
    );
  }
  if (decision.kind === 'host_not_allowed') {
    return Response.json(
      { error: 'host_not_allowed', message: hostRefusalMessage(decision.refused) },
      { status: 403, headers: { 'cache-control': 'no-store' } },
    );
  }
  return Response.json(
    { error: 'forbidden', message: 'Without HOOKGATE_DASHBOARD_TOKEN the dashboard only answers loopback clients.' },
    { status: 403, headers: { 'cache-control': 'no-store' } },
  );
}

/**
 * Why a loopback request through another name was refused, and how to allow it.
 *
 * @example
 * ```ts
 * hostRefusalMessage({ header: 'host', value: 'attacker.example:3000' });
 * // 'Refused Host "attacker.example:3000": …'
 * ```
 */
export function hostRefusalMessage(refused: HostRefusal): string {
  const header = refused.header === 'host' ? 'Host' : refused.header === 'origin' ? 'Origin' : 'X-Forwarded-Host';
  return (
    `Refused ${header} ${JSON.stringify(refused.value)}: without HOOKGATE_DASHBOARD_TOKEN the dashboard answers only ` +
    'through a loopback name (localhost, *.localhost, 127.0.0.1, [::1]), so that a web page whose name was made to ' +
    'resolve to 127.0.0.1 (DNS rebinding) cannot read it. To open it under this name, add the name to ' +
    'HOOKGATE_DASHBOARD_HOSTS (comma-separated) or set HOOKGATE_DASHBOARD_TOKEN, and restart.'
  );
}

/**
 * Defence in depth for server-rendered pages (Proxy already checked): redirects to sign-in, or
 * throws for a non-loopback client, when the request may not see the dashboard.
 *
 * @example
 * ```ts
 * export default async function Page() { await requirePageAccess('/deliveries'); … }
 * ```
 */
export async function requirePageAccess(path: string): Promise<void> {
  const [headerList, cookieStore] = await Promise.all([headers(), cookies()]);
  const decision = decideAccess(accessInput(headerList, cookieStore.get(SESSION_COOKIE)?.value));
  if (decision.kind === 'sign_in_required') redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (decision.kind === 'loopback_only') throw new Error('This dashboard only answers loopback clients.');
  if (decision.kind === 'host_not_allowed') throw new Error(hostRefusalMessage(decision.refused));
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
