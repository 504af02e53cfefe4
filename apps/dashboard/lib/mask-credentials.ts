/**
 * A configuration value made safe to print: the password of any `scheme://user:password@host`
 * (also `user:password@host` without a scheme) becomes `***`, and so does the value of any
 * `password=` / `pass=` / `pwd=` / `secret=` / `token=` / `key=` parameter (URL query or
 * libpq `key=value` spelling).
 *
 * Errs towards hiding too much: the user info ends at the **last** `@` of the value, because a
 * password someone forgot to percent-encode may itself hold `@`, `/`, `?` or `#`.
 *
 * @example
 * ```ts
 * maskCredentials('postgres://app:s3cr@t@db:5432/hooks'); // 'postgres://app:***@db:5432/hooks'
 * maskCredentials('host=db password=s3cret');            // 'host=db password=***'
 * ```
 */
export function maskCredentials(value: string): string {
  return maskParameters(maskUserInfo(value));
}

function maskUserInfo(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const schemeEnd = value.indexOf('://');
  const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
  const userInfo = value.slice(start, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return value;
  return `${value.slice(0, start)}${userInfo.slice(0, colon)}:***${value.slice(at)}`;
}

const SECRET_PARAMETER = /\b((?:ssl)?(?:password|passwd|pass|pwd|secret|token|key|apikey|api_key)\s*=\s*)(?:'[^']*'|"[^"]*"|[^&;\s]*)/gi;

function maskParameters(value: string): string {
  return value.replace(SECRET_PARAMETER, '$1***');
}
