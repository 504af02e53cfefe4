import { issueSession, PEER_ADDRESS_HEADER, safeEqual, safeNextPath, SESSION_MAX_AGE_SECONDS } from '../../../lib/auth';
import { recordTokenFailure, tokenAttemptsBlocked, tooManyAttempts } from '../../../lib/token-attempts';
import { getConfig } from '../../../lib/access';
import { jsonError } from '../../../lib/api';
import { checkSameOrigin, crossSiteResponse } from '../../../lib/same-origin';
import { endSession, redirect, sessionCookie } from '../../../lib/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Sign in: `POST /api/session` with the token as form field `token` (the sign-in page) or JSON
 * `{ "token": "…" }`. Sets an HttpOnly, SameSite=Strict cookie holding a new session (issue
 * time, random id, MAC keyed from the token; valid 7 days, revoked by sign-out).
 * Forms are answered with a 303 redirect (relative, to a same-origin `next` path only), JSON
 * with 204 / 401; a cross-site post with 403. After 20 wrong tokens from one address within a
 * minute, that address gets 429 (`Retry-After`; forms: the sign-in page says so) until the minute ends.
 */
export async function POST(request: Request): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  const isForm = (request.headers.get('content-type') ?? '').includes('form');
  let submitted = '';
  let next = '/';
  try {
    if (isForm) {
      const form = await request.formData();
      submitted = String(form.get('token') ?? '');
      next = safeNextPath(String(form.get('next') ?? '/'));
    } else {
      const body = (await request.json()) as { token?: unknown };
      submitted = typeof body.token === 'string' ? body.token : '';
    }
  } catch {
    return jsonError(400, 'invalid_request', 'Send the token as form field "token" or JSON { "token": "…" }.');
  }

  const token = getConfig().dashboardToken;
  if (token === undefined) {
    return isForm ? redirect('/') : jsonError(409, 'no_token_configured', 'HOOKGATE_DASHBOARD_TOKEN is not set; loopback clients need no sign-in.');
  }
  const peerAddress = request.headers.get(PEER_ADDRESS_HEADER);
  const wait = tokenAttemptsBlocked(peerAddress);
  if (wait !== null) return isForm ? redirect(`/sign-in?error=too-many&next=${encodeURIComponent(next)}`) : tooManyAttempts(wait);
  if (!safeEqual(submitted, token)) {
    recordTokenFailure(peerAddress);
    if (!isForm) return jsonError(401, 'invalid_token', 'That token does not match HOOKGATE_DASHBOARD_TOKEN.');
    return redirect(`/sign-in?error=invalid&next=${encodeURIComponent(next)}`);
  }
  const response = isForm ? redirect(next) : new Response(null, { status: 204 });
  response.headers.append('set-cookie', sessionCookie(request, issueSession(token), SESSION_MAX_AGE_SECONDS));
  return response;
}

/**
 * Sign out: `DELETE /api/session` (JSON clients). Revokes the session the cookie holds and
 * clears the cookie. The page's button posts to `/api/session/sign-out`.
 */
export async function DELETE(request: Request): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  return endSession(request, new Response(null, { status: 204 }));
}
