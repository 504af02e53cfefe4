import { NextResponse, type NextRequest } from 'next/server';
import { accessFor, deniedResponse } from './lib/access';

// Pages and the JSON API sit behind the dashboard's access rule (lib/auth.ts). The webhook
// endpoints are excluded by the matcher: providers authenticate with signatures instead.
// Pages and API handlers check again themselves, so a matcher mistake cannot open them.
const PUBLIC_PATHS = new Set(['/sign-in', '/api/session', '/api/session/sign-out']);

/**
 * Next.js Proxy (formerly middleware): refuses pages and API requests that the access rule
 * does not allow — API with 401/403 JSON, pages with a redirect to sign-in or a 403 page.
 *
 * @example
 * ```ts
 * // GET /deliveries without a session, token set → 303 /sign-in?next=%2Fdeliveries
 * // GET /api/deliveries from 10.0.0.5, no token     → 403 { error: 'forbidden' }
 * ```
 */
export function proxy(request: NextRequest): Response {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PATHS.has(pathname)) return NextResponse.next();
  let decision;
  try {
    decision = accessFor(request);
  } catch (error) {
    // Invalid configuration: fail closed, with the reason (it names variables, never values).
    return new Response(`Hookgate dashboard misconfigured:\n${(error as Error).message}\n`, {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  if (decision.kind === 'allowed') return NextResponse.next();
  if (pathname.startsWith('/api/')) return deniedResponse(decision);
  if (decision.kind === 'sign_in_required') {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(signIn, 303);
  }
  return new Response(LOOPBACK_ONLY_PAGE, { status: 403, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

export const config = {
  matcher: ['/((?!api/webhooks/|_next/static/|_next/image|icon\\.svg$|favicon\\.ico$).*)'],
};

const LOOPBACK_ONLY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hookgate — access refused</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937;line-height:1.5">
<h1 style="font-size:1.4rem">This dashboard only answers this machine</h1>
<p>No <code>HOOKGATE_DASHBOARD_TOKEN</code> is configured, so the Hookgate dashboard serves loopback clients only
(<code>127.0.0.1</code>, <code>::1</code>). To open it from elsewhere, restart it with a token
(at least 16 characters) and sign in with it.</p>
<p>Webhook endpoints under <code>/api/webhooks/</code> stay open: they are protected by signatures.</p>
</body></html>`;
