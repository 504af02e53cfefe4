import { HookgateError } from '@hookgate/core';

/**
 * The database driver packages the store loads on demand, one per URL scheme. They are optional
 * peer dependencies: a PostgreSQL-only app never installs (or compiles) better-sqlite3, and a
 * SQLite-only app never installs pg.
 *
 * @example
 * ```ts
 * const name: DriverPackage = 'pg';
 * ```
 */
export type DriverPackage = 'better-sqlite3' | 'pg' | 'pg-boss';

const SCHEMES: Record<DriverPackage, string> = {
  'better-sqlite3': 'sqlite:',
  pg: 'postgres://',
  'pg-boss': 'inbox mode on postgres://',
};

/**
 * Runs `load` (a literal `import()` of the driver, so bundlers and tracers still see it) and
 * turns "the package is not installed" into `HookgateError('missing_driver')` naming the package
 * to add. Any other failure (a broken install, a native addon built for another Node) is
 * rethrown unchanged, because adding the package would not fix it.
 *
 * @example
 * ```ts
 * const { default: pg } = await loadDriver('pg', () => import('pg'));
 * ```
 */
export async function loadDriver<T>(name: DriverPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error, name)) throw error;
    throw new HookgateError(
      'missing_driver',
      `openStore(): ${SCHEMES[name]} store URLs need${name === 'pg-boss' ? 's' : ''} the '${name}' package, which is not installed. ` +
        `Add it to your app next to @hookgate/store: pnpm add ${name} (or npm install ${name}).`,
      { cause: error },
    );
  }
}

/**
 * True when `error` says that the package `name` itself cannot be found (not one of its files,
 * not one of its own dependencies). Node reports `Cannot find package 'pg' imported from …`
 * (ESM) or `Cannot find module 'pg'` (CommonJS, bundlers).
 */
function isMissingPackage(error: unknown, name: DriverPackage): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return new RegExp(`(package|module) '${name}'`).test(error.message);
}
