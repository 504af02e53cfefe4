import { access } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HookgateError } from '@hookgate/core';
import { validateConfig, type HookgateConfig } from './define-config.js';

/** File names looked for, in this order, in each directory from the working directory up. */
export const CONFIG_FILE_NAMES = ['hookgate.config.ts', 'hookgate.config.mts', 'hookgate.config.js', 'hookgate.config.mjs'] as const;

/**
 * The nearest config file: the first of {@link CONFIG_FILE_NAMES} in `from`, then in each parent
 * directory. Undefined when there is none up to the file-system root.
 *
 * @example
 * ```ts
 * await findConfigFile(process.cwd()); // '/work/app/hookgate.config.ts'
 * ```
 */
export async function findConfigFile(from: string): Promise<string | undefined> {
  let directory = path.resolve(from);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(directory, name);
      if (await exists(candidate)) return candidate;
    }
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Loads and validates a config file at run time. A `.ts`/`.mts` file is compiled on the fly by
 * tsx's `tsImport()` (scoped to this import: no global loader is installed); `.js`/`.mjs` are
 * imported as they are. `file` wins; otherwise the nearest config from `cwd` up is used.
 *
 * @throws {HookgateError} `invalid_config` when no file is found, it cannot be imported, it has
 * no default export, or the config is invalid (every problem listed).
 * @example
 * ```ts
 * import { loadConfig } from '@hookgate/config/load';
 * const { config, file } = await loadConfig({ cwd: process.cwd() });
 * ```
 */
export async function loadConfig(options: { file?: string | undefined; cwd?: string | undefined } = {}): Promise<{ config: HookgateConfig; file: string }> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ? path.resolve(cwd, options.file) : await findConfigFile(cwd);
  if (!file) {
    throw new HookgateError(
      'invalid_config',
      `No Hookgate config found in ${cwd} or its parents (looked for ${CONFIG_FILE_NAMES.join(', ')}). Create one with defineConfig() from @hookgate/config, or name it with --config / HOOKGATE_CONFIG.`,
    );
  }
  if (!(await exists(file))) throw new HookgateError('invalid_config', `Hookgate config ${file} does not exist.`);
  let module: { default?: unknown };
  try {
    const url = pathToFileURL(file).href;
    if (/\.[cm]?ts$/.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      module = (await tsImport(url, import.meta.url)) as { default?: unknown };
    } else {
      module = (await import(url)) as { default?: unknown };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // defineConfig() threw while the file ran: its message already lists the problems.
    if ((error as { code?: unknown } | null)?.code === 'invalid_config') {
      throw new HookgateError('invalid_config', `${message}\n(in ${file})`, { cause: error });
    }
    throw new HookgateError('invalid_config', `Could not load the Hookgate config ${file}: ${message}`, { cause: error });
  }
  let value = module.default;
  // A CommonJS-compiled module wraps its default export once more.
  if (value && typeof value === 'object' && !('providers' in value) && 'default' in value) value = (value as { default: unknown }).default;
  if (value === undefined) {
    throw new HookgateError(
      'invalid_config',
      `Hookgate config ${file} has no default export; end it with \`export default defineConfig({ providers: [...] })\`.`,
    );
  }
  return { config: validateConfig(value, path.relative(cwd, file) || file), file };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
