import { isIP } from 'node:net';

/** Longest `Host` value quoted back in a refusal. */
const MAX_SHOWN_HOST_LENGTH = 200;

// A Host value is a name or an IP literal and an optional port; anything else (userinfo, a path,
// spaces) is refused before the URL parser could read a different host out of it.
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/i;

/**
 * The normalised host name of a `Host` / `X-Forwarded-Host` value (lower case, IP literals in
 * their canonical form: `127.1` → `127.0.0.1`, `[0:0::1]` → `[::1]`, one trailing dot dropped),
 * or null when the value is not `name[:port]`.
 *
 * @example
 * ```ts
 * hostnameOf('LocalHost:3000'); // 'localhost'
 * hostnameOf('localhost@evil.example'); // null
 * ```
 */
export function hostnameOf(host: string): string | null {
  const match = HOST_PATTERN.exec(host.trim());
  if (!match) return null;
  try {
    const hostname = new URL(`http://${match[1]}`).hostname;
    return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  } catch {
    return null;
  }
}

/**
 * True for the names that always mean this machine, whatever DNS says: `localhost`,
 * `*.localhost` (reserved, RFC 6761), IPv4 literals in 127.0.0.0/8 and `[::1]`. A name an
 * attacker controls can resolve to 127.0.0.1 too (DNS rebinding), so only these are trusted.
 *
 * @example
 * ```ts
 * isLoopbackHostname('127.0.0.1'); // true
 * isLoopbackHostname('attacker.example'); // false
 * ```
 */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  return hostname === '[::1]';
}

/** Why {@link checkLoopbackHost} refused a request. */
export interface HostRefusal {
  /** Which header carried the refused value: `host`, `x-forwarded-host` or `origin`. */
  header: 'host' | 'x-forwarded-host' | 'origin';
  /** The refused value, as sent (cut to 200 characters). */
  value: string;
}

/** The request headers {@link checkLoopbackHost} reads. */
export interface HostInput {
  host: string | null;
  forwardedHost: string | null;
  origin: string | null;
}

/**
 * The DNS-rebinding guard for requests let in because they come from loopback (no token): the
 * `Host` must name this machine ({@link isLoopbackHostname}) or one of `allowedHosts`
 * (`HOOKGATE_DASHBOARD_HOSTS`). `X-Forwarded-Host` (every entry) and `Origin`, when present,
 * must pass too: those headers can only narrow access, never widen it. A missing `Host` (HTTP/1.0)
 * is refused.
 *
 * @example
 * ```ts
 * checkLoopbackHost({ host: 'localhost:3000', forwardedHost: null, origin: null }, []); // null
 * checkLoopbackHost({ host: 'attacker.example:3000', forwardedHost: null, origin: null }, []);
 * // { header: 'host', value: 'attacker.example:3000' }
 * ```
 */
export function checkLoopbackHost(input: HostInput, allowedHosts: readonly string[]): HostRefusal | null {
  const allowed = (hostname: string | null) => hostname !== null && (isLoopbackHostname(hostname) || allowedHosts.includes(hostname));
  const refuse = (header: HostRefusal['header'], value: string): HostRefusal => ({ header, value: value.slice(0, MAX_SHOWN_HOST_LENGTH) });
  if (input.host === null || !allowed(hostnameOf(input.host))) return refuse('host', input.host ?? '');
  if (input.forwardedHost !== null) {
    for (const entry of input.forwardedHost.split(',')) {
      if (!allowed(hostnameOf(entry))) return refuse('x-forwarded-host', input.forwardedHost);
    }
  }
  if (input.origin !== null && !allowed(originHostname(input.origin))) return refuse('origin', input.origin);
  return null;
}

/**
 * Validates and normalises a `HOOKGATE_DASHBOARD_HOSTS` entry: a host name or IP literal, no
 * scheme, port or wildcard. Null when it is not one.
 *
 * @example
 * ```ts
 * normaliseAllowedHost('Dash.LAN'); // 'dash.lan'
 * normaliseAllowedHost('http://dash.lan:3000'); // null
 * ```
 */
export function normaliseAllowedHost(entry: string): string | null {
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)$/i.test(entry) || entry.startsWith('.') || entry.includes('..')) return null;
  return hostnameOf(entry);
}

function originHostname(origin: string): string | null {
  try {
    const url = new URL(origin.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return hostnameOf(url.host);
  } catch {
    // `null` (sandboxed documents, privacy redirects) or garbage.
    return null;
  }
}
