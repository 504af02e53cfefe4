import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { decideAccess, PEER_ADDRESS_HEADER, SESSION_COOKIE, type AccessDecision } from './auth';
import { readConfig, type DashboardConfig } from './config';

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
  return decideAccess({
    token: getConfig().dashboardToken,
    sessionCookie: readCookie(request.headers.get('cookie'), SESSION_COOKIE),
    authorization: request.headers.get('authorization'),
    peerAddress: request.headers.get(PEER_ADDRESS_HEADER),
  });
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
  return Response.json(
    { error: 'forbidden', message: 'Without HOOKGATE_DASHBOARD_TOKEN the dashboard only answers loopback clients.' },
    { status: 403, headers: { 'cache-control': 'no-store' } },
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
  const decision = decideAccess({
    token: getConfig().dashboardToken,
    sessionCookie: cookieStore.get(SESSION_COOKIE)?.value,
    authorization: headerList.get('authorization'),
    peerAddress: headerList.get(PEER_ADDRESS_HEADER),
  });
  if (decision.kind === 'sign_in_required') redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (decision.kind === 'loopback_only') throw new Error('This dashboard only answers loopback clients.');
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
