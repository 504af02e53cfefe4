import { isAbsolute, resolve } from 'node:path';
import { HookgateError } from '@hookgate/core';

/**
 * A parsed store URL.
 *
 * @example
 * ```ts
 * const location: StoreLocation = parseStoreUrl('postgres://app@db/hookgate'); // { dialect: 'postgres', connectionString: … }
 * ```
 */
export type StoreLocation = { dialect: 'sqlite' /** Absolute path, or `:memory:`. */; file: string } | { dialect: 'postgres'; connectionString: string };

/**
 * Parses a store URL:
 * - `sqlite:./data/hookgate.db`, `sqlite:data/hookgate.db` — relative to `cwd`;
 * - `sqlite:/var/lib/hookgate.db`, `sqlite:///var/lib/hookgate.db` — absolute;
 * - `sqlite::memory:` — a private in-memory database (tests);
 * - `postgres://…` or `postgresql://…` — handed to node-postgres as is.
 *
 * @example
 * ```ts
 * parseStoreUrl('sqlite:./data/hookgate.db', '/srv/app'); // { dialect: 'sqlite', file: '/srv/app/data/hookgate.db' }
 * ```
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  if (typeof url !== 'string') throw new HookgateError('invalid_config', 'openStore(): the store URL must be a string');
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', connectionString: url };
  if (/^sqlite:/i.test(url)) {
    let path = url.slice('sqlite:'.length);
    // `sqlite:///abs/path` is the URL spelling of an absolute path; `sqlite://rel` of a relative one.
    if (path.startsWith('//')) path = path.slice(2);
    path = path.split(/[?#]/, 1)[0] ?? '';
    if (path === '') throw new HookgateError('invalid_config', `openStore(): '${url}' names no file; try sqlite:./data/hookgate.db`);
    if (path === ':memory:') return { dialect: 'sqlite', file: path };
    return { dialect: 'sqlite', file: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  throw new HookgateError(
    'invalid_config',
    `openStore(): unsupported store URL '${redactStoreUrl(url)}'; use sqlite:./path/to/file.db or postgres://user@host:5432/db`,
  );
}

/** Query parameters node-postgres reads a password from. */
const PASSWORD_PARAMETERS = /([?&](?:ssl)?password=)[^&#]*/gi;

/**
 * The URL with any password replaced — the `user:password@` part and `password=` /
 * `sslpassword=` query parameters — for messages and logs.
 *
 * @example
 * ```ts
 * redactStoreUrl('postgres://app:s3cret@db/hookgate'); // 'postgres://app:***@db/hookgate'
 * redactStoreUrl('postgres://app@db/hookgate?password=s3cret'); // 'postgres://app@db/hookgate?password=***'
 * ```
 */
export function redactStoreUrl(url: string): string {
  // Up to the last `@` of the authority: a password may itself contain an unencoded `@`.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^/?#]*@/i, '$1***@').replace(PASSWORD_PARAMETERS, '$1***');
}

/**
 * Masks the credentials of `url` in an error about that store, in place, and returns it: every
 * string the error carries (message, stack, fields such as `input`, and the same in its `cause`
 * and `errors`) has the URL replaced by {@link redactStoreUrl}'s form and each password by
 * `***`. The error keeps its class and `code`, so callers can still tell a refused connection
 * from a failed statement. Drivers change; this keeps a password out of logs whatever they quote.
 *
 * @example
 * ```ts
 * try {
 *   await pool.query('select 1');
 * } catch (error) {
 *   throw redactStoreError(error, url);
 * }
 * ```
 */
export function redactStoreError<E>(error: E, url: string): E {
  const secrets = credentialsOf(url);
  if (secrets.length === 0) return error;
  const redacted = redactStoreUrl(url);
  const scrub = (text: string): string => {
    let result = text.split(url).join(redacted);
    for (const secret of secrets) result = result.split(secret).join('***');
    return result;
  };
  scrubObject(error, scrub, new Set());
  return error;
}

/** The passwords in a store URL, as written and percent-decoded, longest first. */
function credentialsOf(url: string): string[] {
  const found = new Set<string>();
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(url)?.[1];
  const parameters = [...url.matchAll(/[?&](?:ssl)?password=([^&#]*)/gi)].map((match) => match[1]);
  for (const value of [userInfo, ...parameters]) {
    if (!value) continue;
    found.add(value);
    try {
      found.add(decodeURIComponent(value.replace(/\+/g, ' ')));
      found.add(decodeURIComponent(value));
    } catch {
      // not valid percent-encoding: only the raw form can appear
    }
  }
  // Masking a one- or two-character "password" everywhere would garble messages for no gain.
  return [...found].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
}

function scrubObject(value: unknown, scrub: (text: string) => string, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined) continue;
    // On Node 24 an error's `stack` is an own accessor (getter and setter), not a data field.
    const accessor = !('value' in descriptor);
    if (accessor && (descriptor.get === undefined || descriptor.set === undefined)) continue;
    const field: unknown = accessor ? record[key] : descriptor.value;
    if (typeof field === 'string') {
      const clean = scrub(field);
      if (clean !== field && (accessor || descriptor.writable)) record[key] = clean;
    } else if (key === 'cause' || key === 'errors' || Array.isArray(value)) {
      scrubObject(field, scrub, seen);
    }
  }
}
