import { getConfig, sessionCookieOf } from './access';
import { revokeSession, safeNextPath, SESSION_COOKIE, verifySession } from './auth';

/**
 * The `Set-Cookie` value for the session. `Secure` only over HTTPS: browsers drop Secure cookies
 * on plain-HTTP LAN addresses, where a token-protected dashboard must still work.
 *
 * @example
 * ```ts
 * response.headers.append('set-cookie', sessionCookie(request, issueSession(token), 3600));
 * ```
 */
export function sessionCookie(request: Request, value: string, maxAge: number): string {
  const https = new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${https ? '; Secure' : ''}`;
}

/**
 * A 303 (See Other) to a same-origin path, so a form POST is followed by a GET. The `Location` is
 * relative: the browser stays on the origin it used (`127.0.0.1`, `localhost` or a LAN name),
 * where its session cookie lives, whatever URL the server believes it has.
 *
 * @example
 * ```ts
 * return redirect('/deliveries');
 * ```
 */
export function redirect(path: string): Response {
  return new Response(null, { status: 303, headers: { location: safeNextPath(path), 'cache-control': 'no-store' } });
}

/**
 * Sign-out: revokes the session the request's cookie holds (when it is a valid one; see
 * `revokeSession` for what "revoked" covers with several processes) and clears the cookie on
 * `response`.
 *
 * @example
 * ```ts
 * return endSession(request, new Response(null, { status: 204 }));
 * ```
 */
export function endSession(request: Request, response: Response): Response {
  const token = getConfig().dashboardToken;
  const value = sessionCookieOf(request);
  if (token !== undefined && value !== undefined) {
    const claims = verifySession(token, value);
    if (claims) revokeSession(claims);
  }
  response.headers.append('set-cookie', sessionCookie(request, '', 0));
  return response;
}
