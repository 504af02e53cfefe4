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
export type StoreLocation =
  | { dialect: 'sqlite'; /** Absolute path, or `:memory:`. */ file: string }
  | { dialect: 'postgres'; connectionString: string };

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

/**
 * The URL with any password replaced, for messages and logs.
 *
 * @example
 * ```ts
 * redactStoreUrl('postgres://app:s3cret@db/hookgate'); // 'postgres://app:***@db/hookgate'
 * ```
 */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^@/?#]*@/i, '$1***@');
}
