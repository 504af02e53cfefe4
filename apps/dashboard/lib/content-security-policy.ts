/**
 * The Content-Security-Policy of every dashboard page. Scripts run only from this origin or with
 * the request's nonce (Next.js puts it on its own inline scripts when Proxy passes the policy on
 * the request); styles come from this origin's stylesheets, plus `style` attributes (React's
 * `style={…}` and the charts' SVG positioning). No plugins, no framing, no foreign form targets
 * or `<base>`. Development adds `'unsafe-eval'` (React's dev build needs it for stack traces) and
 * allows inline style elements.
 *
 * @example
 * ```ts
 * contentSecurityPolicy({ nonce: 'r4nd0m', development: false });
 * // "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; …"
 * ```
 */
export function contentSecurityPolicy({ nonce, development }: { nonce: string; development: boolean }): string {
  return [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}'${development ? ` 'unsafe-eval'` : ''}`,
    // `next dev` injects style elements of its own (overlay, hot reload) without the nonce; a
    // nonce would make browsers ignore 'unsafe-inline', so development drops it.
    development ? `style-src 'self' 'unsafe-inline'` : `style-src 'self' 'nonce-${nonce}'`,
    `style-src-attr 'unsafe-inline'`,
    `img-src 'self' data:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/**
 * A fresh nonce for one response: 128 random bits, base64.
 *
 * @example
 * ```ts
 * const nonce = newNonce(); // 'q0p1…==' (24 characters)
 * ```
 */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
