import { NextResponse, type NextRequest } from 'next/server';
import { methodNotAllowed, refusal, toHttpResponse, type HttpResponse } from '@hookgate/core/adapter';
import { accessFor, deniedResponse, hostRefusalMessage } from './lib/access';
import { PEER_ADDRESS_HEADER } from './lib/auth';
import { contentSecurityPolicy, newNonce } from './lib/content-security-policy';
import { isDecodablePath, MALFORMED_PATH_HEADER, UNSUPPORTED_METHOD_HEADER } from './lib/request-stamp';
import { checkCrossSiteRead, checkSameOrigin, crossSiteResponse } from './lib/same-origin';
import { recordTokenFailure, tokenAttemptsBlocked, tooManyAttempts } from './lib/token-attempts';

// Pages and the JSON API sit behind the dashboard's access rule (lib/auth.ts). Webhook endpoints
// are not matched (running Proxy would make Next.js buffer every delivery body before routing,
// defeating the adapter's streaming body limit) except for requests lib/request-stamp.ts marked:
// providers authenticate with signatures, and the route itself answers 405 to other methods.
// Pages and API handlers check access again themselves, so a Proxy mistake cannot open them.
const PUBLIC_PATHS = new Set(['/sign-in', '/api/session', '/api/session/sign-out']);
const WEBHOOK_PREFIX = '/api/webhooks/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** `Allow` for a method nothing here serves (TRACE); pages and the read API allow GET and HEAD. */
const ALLOWED_METHODS: Record<string, string> = { '/api/session': 'POST, DELETE', '/api/session/sign-out': 'POST' };

/**
 * Next.js Proxy (formerly middleware), in this order:
 * 1. requests lib/request-stamp.ts marked: TRACE → 405 with `Allow` (`POST` on webhook
 *    endpoints), a malformed percent-escape in the path → 404;
 * 2. state-changing methods from another site (`Origin`, `Sec-Fetch-Site`) → 403, and reads
 *    another site's page makes in the background (not a link followed) → 403;
 * 3. the access rule: API 401/403 JSON, pages a relative redirect to sign-in or a 403 page (also
 *    for a loopback client that used a name other than a loopback one or `HOOKGATE_DASHBOARD_HOSTS`:
 *    DNS rebinding);
 * 4. pages get a Content-Security-Policy with a fresh script nonce, passed to Next.js on the
 *    request so its own inline scripts carry it.
 *
 * @example
 * ```ts
 * // GET /deliveries without a session, token set → 303 Location: /sign-in?next=%2Fdeliveries
 * // GET /api/deliveries from 10.0.0.5, no token     → 403 { error: 'forbidden' }
 * // GET /api/deliveries, Host: attacker.example     → 403 { error: 'host_not_allowed' }
 * // TRACE /api/webhooks/acme                         → 405 Allow: POST
 * ```
 */
export function proxy(request: NextRequest): Response {
  const { pathname, search } = request.nextUrl;
  const method = request.headers.get(UNSUPPORTED_METHOD_HEADER) ?? request.method;
  const isWebhook = pathname.startsWith(WEBHOOK_PREFIX);
  const isApi = pathname.startsWith('/api/');
  if (method !== request.method) {
    if (isWebhook) return toResponse(methodNotAllowed());
    const allow = ALLOWED_METHODS[pathname] ?? 'GET, HEAD';
    return Response.json(
      { error: 'method_not_allowed', message: `${method} is not served here.` },
      { status: 405, headers: { allow, 'cache-control': 'no-store' } },
    );
  }
  if (request.headers.has(MALFORMED_PATH_HEADER) || !isDecodablePath(pathname)) {
    if (isWebhook) return toResponse(toHttpResponse(refusal('unknown_provider', 'no webhook handler at this malformed path')));
    return isApi
      ? Response.json(
          { error: 'not_found', message: 'The address holds a malformed percent-escape.' },
          { status: 404, headers: { 'cache-control': 'no-store' } },
        )
      : withPolicy(request, htmlResponse(404, NOT_FOUND_PAGE));
  }
  // Only marked requests reach here for webhooks (see the matcher), and those were answered above.
  if (isWebhook) return NextResponse.next();
  // State changes only from the dashboard's own pages; reads also from a link on another site,
  // but not as another site's background request (an <img> firing an expensive search).
  const crossSite = SAFE_METHODS.has(method) ? checkCrossSiteRead(request) : checkSameOrigin(request);
  if (crossSite) return crossSiteResponse(crossSite);
  if (PUBLIC_PATHS.has(pathname)) return isApi ? NextResponse.next() : withPolicy(request, null);
  // A token guesser using `Authorization: Bearer` is held to the sign-in form's limit.
  const bearer = /^bearer\s/i.test(request.headers.get('authorization') ?? '');
  const peerAddress = request.headers.get(PEER_ADDRESS_HEADER);
  if (bearer) {
    const wait = tokenAttemptsBlocked(peerAddress);
    if (wait !== null) return tooManyAttempts(wait);
  }
  let decision: ReturnType<typeof accessFor>;
  try {
    decision = accessFor(request);
  } catch (error) {
    // Invalid configuration: fail closed, with the reason (it names variables, never secrets).
    return new Response(`Hookgate dashboard misconfigured:\n${(error as Error).message}\n`, {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  if (decision.kind === 'allowed') return isApi ? NextResponse.next() : withPolicy(request, null);
  if (bearer && decision.kind === 'sign_in_required') recordTokenFailure(peerAddress);
  if (isApi) return deniedResponse(decision);
  if (decision.kind === 'sign_in_required') {
    // Next.js wants an absolute URL here and writes a same-origin one as a relative Location, so
    // the browser stays on the host name it used, where the session cookie will live.
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(signIn, 303);
  }
  if (decision.kind === 'host_not_allowed') return withPolicy(request, htmlResponse(403, hostRefusedPage(hostRefusalMessage(decision.refused))));
  return withPolicy(request, htmlResponse(403, LOOPBACK_ONLY_PAGE));
}

export const config = {
  matcher: [
    '/((?!api/webhooks/|_next/static/|_next/image|icon\\.svg$|favicon\\.ico$).*)',
    // Every path (webhooks and static files too) when lib/request-stamp.ts marked the request.
    // Literal header names: the matcher must be static.
    { source: '/:path*', has: [{ type: 'header', key: 'x-hookgate-unsupported-method' }] },
    { source: '/:path*', has: [{ type: 'header', key: 'x-hookgate-malformed-path' }] },
  ],
};

/**
 * Adds the Content-Security-Policy: to a response Proxy answers itself, or (`null`) to the page
 * Next.js renders, whose request then carries the policy so Next.js reads the nonce from it.
 */
function withPolicy(request: NextRequest, response: Response | null): Response {
  const policy = contentSecurityPolicy({ nonce: newNonce(), development: process.env.NODE_ENV === 'development' });
  if (response) {
    response.headers.set('content-security-policy', policy);
    return response;
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const next = NextResponse.next({ request: { headers: requestHeaders } });
  next.headers.set('content-security-policy', policy);
  return next;
}

function htmlResponse(status: number, html: string): Response {
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

function toResponse({ status, headers, body }: HttpResponse): Response {
  return new Response(body, { status, headers: { ...headers, 'cache-control': 'no-store' } });
}

const LOOPBACK_ONLY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hookgate — access refused</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937;line-height:1.5">
<h1 style="font-size:1.4rem">This dashboard only answers this machine</h1>
<p>No <code>HOOKGATE_DASHBOARD_TOKEN</code> is configured, so the Hookgate dashboard serves loopback clients only
(<code>127.0.0.1</code>, <code>::1</code>). To open it from elsewhere, restart it with a token
(at least 16 characters) and sign in with it.</p>
<p>Webhook endpoints under <code>/api/webhooks/</code> stay open: they are protected by signatures.</p>
</body></html>`;

function hostRefusedPage(message: string): string {
  const escaped = message.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hookgate — host refused</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937;line-height:1.5">
<h1 style="font-size:1.4rem">This name does not reach the dashboard</h1>
<p>${escaped}</p>
<p>Webhook endpoints under <code>/api/webhooks/</code> stay open under any name: they are protected by signatures.</p>
</body></html>`;
}

const NOT_FOUND_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hookgate — not found</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937;line-height:1.5">
<h1 style="font-size:1.4rem">Not found</h1>
<p>This address holds a malformed percent-escape, so it names nothing here. <a href="/deliveries">Go to the deliveries</a>.</p>
</body></html>`;
