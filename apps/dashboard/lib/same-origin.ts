/** `Sec-Fetch-Site` values of a request the dashboard's own pages (or the user typing) made. */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/** Why {@link checkSameOrigin} refused a request. */
export type CrossSiteRefusal = { kind: 'cross_site'; secFetchSite: string } | { kind: 'foreign_origin'; origin: string; expected: string };

/**
 * The origin the browser used to reach this server: the scheme from `X-Forwarded-Proto` (set by
 * `next start`, or by a TLS-terminating proxy) or the request URL, and the host from
 * `X-Forwarded-Host` or `Host`. Not `request.url` alone: `next start` reports `localhost` there
 * whatever name the browser used.
 *
 * @example
 * ```ts
 * requestOrigin(new Request('http://localhost:3000/', { headers: { host: '127.0.0.1:3000' } })); // 'http://127.0.0.1:3000'
 * ```
 */
export function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const proto = firstValue(request.headers.get('x-forwarded-proto')) ?? url.protocol.slice(0, -1);
  const host = firstValue(request.headers.get('x-forwarded-host')) ?? firstValue(request.headers.get('host')) ?? url.host;
  return `${proto.toLowerCase()}://${host.toLowerCase()}`;
}

/**
 * Cross-site request forgery guard for state-changing requests (sign-in, sign-out, anything not
 * GET/HEAD/OPTIONS). Browsers label every request: `Sec-Fetch-Site` must be `same-origin` or
 * `none` (typed address, bookmark), and `Origin`, when sent, must be this server's own origin
 * ({@link requestOrigin}); `Origin: null` (sandboxed or privacy-redirected posts) is refused.
 * Clients that send neither header (curl, scripts with a Bearer token) pass: they cannot carry a
 * victim's cookie. Webhook endpoints must not use it: providers post server to server.
 *
 * @example
 * ```ts
 * const refusal = checkSameOrigin(request);
 * if (refusal) return crossSiteResponse(refusal);
 * ```
 */
export function checkSameOrigin(request: Request): CrossSiteRefusal | null {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && !ALLOWED_FETCH_SITES.has(site.trim().toLowerCase())) return { kind: 'cross_site', secFetchSite: site };
  const origin = request.headers.get('origin');
  if (origin !== null) {
    const expected = requestOrigin(request);
    if (origin.trim().toLowerCase() !== expected) return { kind: 'foreign_origin', origin, expected };
  }
  return null;
}

/**
 * Guard for reads (GET, HEAD) the dashboard serves: another site may link to a page (a top-level
 * navigation: `Sec-Fetch-Mode: navigate`, `Sec-Fetch-Dest: document`), but not make the browser
 * fetch one in the background — an `<img>`, a frame, a `fetch()` in no-cors mode. The browser
 * would not hand such a page the answer, but the server would still do the work, and a
 * deliberately slow search (`/api/deliveries?q=…`) fired from another site's page would block
 * the process that also receives webhooks. Requests without `Sec-Fetch-Site` (curl, scripts)
 * pass.
 *
 * @example
 * ```ts
 * const refusal = checkCrossSiteRead(request); // an <img src="http://127.0.0.1:3000/api/deliveries?q=…"> → refused
 * if (refusal) return crossSiteResponse(refusal);
 * ```
 */
export function checkCrossSiteRead(request: Request): CrossSiteRefusal | null {
  const site = request.headers.get('sec-fetch-site');
  if (site === null || ALLOWED_FETCH_SITES.has(site.trim().toLowerCase())) return null;
  const mode = request.headers.get('sec-fetch-mode')?.trim().toLowerCase();
  const dest = request.headers.get('sec-fetch-dest')?.trim().toLowerCase();
  if (mode === 'navigate' && dest === 'document') return null;
  return { kind: 'cross_site', secFetchSite: site };
}

/**
 * The 403 JSON answer for a request {@link checkSameOrigin} refused.
 *
 * @example
 * ```ts
 * crossSiteResponse({ kind: 'cross_site', secFetchSite: 'cross-site' }).status; // 403
 * ```
 */
export function crossSiteResponse(refusal: CrossSiteRefusal): Response {
  const message =
    refusal.kind === 'cross_site'
      ? `Refused a ${refusal.secFetchSite} request: the dashboard only accepts forms and background requests from its own pages.`
      : `Refused a request from origin ${refusal.origin}: the dashboard only accepts forms posted from its own pages (${refusal.expected}).`;
  return Response.json({ error: 'cross_site_request', message }, { status: 403, headers: { 'cache-control': 'no-store' } });
}

function firstValue(header: string | null): string | undefined {
  const value = header?.split(',')[0]?.trim();
  return value ? value : undefined;
}
