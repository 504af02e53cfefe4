import path from 'node:path';
import { z } from 'zod';
import { parseSecretList } from '@hookgate/config';
import { HookgateError } from '@hookgate/core';
import { normaliseAllowedHost } from './loopback-host';
import { maskCredentials } from './mask-credentials';
import { registry } from './registry';

/** A provider route id served by the dashboard (one of the registry's, see `hookgate.config.ts`). */
export type ProviderId = string;

/** Every {@link ProviderId}, in registry order. */
export { PROVIDER_IDS } from './registry';

/** The dashboard's validated configuration (from environment variables). */
export interface DashboardConfig {
  /** Absolute directory for the default SQLite file and `secrets.json`. */
  dataDir: string;
  /** `sqlite:<path>` or `postgres://…` URL handed to `openStore()`. */
  storeUrl: string;
  /** Secrets from the environment per provider (several = rotation); undefined = not configured. */
  envSecrets: Record<ProviderId, string[] | undefined>;
  /** When set, pages and the JSON API require it; when unset they answer loopback clients only. */
  dashboardToken: string | undefined;
  /**
   * Host names a loopback client may use without a token besides `localhost`, `*.localhost`,
   * 127.0.0.0/8 and `[::1]` (`HOOKGATE_DASHBOARD_HOSTS`, comma-separated), normalised.
   */
  dashboardHosts: string[];
  port: number;
  /**
   * Run an in-process worker when the config is in inbox mode (`HOOKGATE_WORKER`, default on;
   * `off` when `hookgate worker` runs separately).
   */
  worker: boolean;
  /**
   * Delete deliveries older than this many days, at start and then hourly
   * (`HOOKGATE_RETENTION_DAYS`); undefined (the default) keeps everything.
   */
  retentionDays: number | undefined;
}

// An empty variable (`FOO=` in a .env file) means "not set", like most tools read it.
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

// A provider's secret variable (named in the registry): comma-separated secrets, newest first.
const secretList = z
  .string()
  .optional()
  .transform((value, context) => {
    const parsed = parseSecretList(value);
    if ('error' in parsed) {
      context.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed.secrets;
  });

// Host names for the loopback rule (DNS-rebinding guard): names only, no scheme, port or wildcard.
const hostList = optionalText.transform((value, context) => {
  if (value === undefined) return [];
  const hosts: string[] = [];
  for (const entry of value.split(',').map((part) => part.trim())) {
    const host = normaliseAllowedHost(entry);
    if (host === null) {
      context.addIssue({
        code: 'custom',
        message: `has ${entry === '' ? 'an empty entry' : `an invalid entry ${JSON.stringify(entry)}`}: list host names or IP addresses separated by commas, without scheme, port or wildcard (e.g. "my-box,dash.lan")`,
      });
      return z.NEVER;
    }
    hosts.push(host);
  }
  return hosts;
});

const envSchema = z.object({
  HOOKGATE_DATA_DIR: optionalText,
  HOOKGATE_STORE: optionalText.pipe(
    z
      .string()
      .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, {
        message: 'must be a "sqlite:<path>" or "postgres://user@host:port/db" URL',
      })
      .optional(),
  ),
  HOOKGATE_DASHBOARD_TOKEN: optionalText.pipe(z.string().min(16, { message: 'must be at least 16 characters (e.g. `openssl rand -hex 24`)' }).optional()),
  HOOKGATE_DASHBOARD_HOSTS: hostList,
  HOOKGATE_WORKER: optionalText.pipe(
    z
      .string()
      .toLowerCase()
      .pipe(z.enum(['on', 'off'], { message: 'must be "on" or "off"' }))
      .optional(),
  ),
  HOOKGATE_RETENTION_DAYS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, { message: 'must be a number of days, e.g. 30' })
      .transform(Number)
      .pipe(z.number().gt(0, { message: 'must be more than 0 days' }).max(36_500, { message: 'must be at most 36500 days' }))
      .optional(),
  ),
  PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, { message: 'must be a port number' })
      .transform(Number)
      .pipe(z.number().min(1, { message: 'must be between 1 and 65535' }).max(65535, { message: 'must be between 1 and 65535' }))
      .optional(),
  ),
});

// One variable per registered provider (HOOKGATE_SECRET_<ID> unless its entry names another).
const secretsSchema = z.object(Object.fromEntries(registry.providers.map((entry) => [entry.secret.env, secretList])));
const secretNames = new Set(registry.providers.map((entry) => entry.secret.env));

/**
 * Reads and validates the dashboard's environment, including each registered provider's
 * secret variable. Relative paths resolve against the working
 * directory (the root `pnpm start` passes absolute ones).
 *
 * @throws {HookgateError} `invalid_config`, listing every invalid variable and why.
 * @example
 * ```ts
 * const config = readConfig({ HOOKGATE_STORE: 'sqlite:/tmp/h.db', PORT: '3001' });
 * config.storeUrl; // 'sqlite:/tmp/h.db'
 * ```
 */
export function readConfig(env: Record<string, string | undefined> = process.env): DashboardConfig {
  const parsed = envSchema.safeParse(env);
  const secrets = secretsSchema.safeParse(env);
  if (!parsed.success || !secrets.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(secrets.error?.issues ?? [])];
    const lines = issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      // Secrets and the token are named, never echoed; any other value is shown with its
      // credentials masked (a store URL typed wrong still carries its password).
      const value = env[name];
      const shown =
        secretNames.has(name) || name.startsWith('HOOKGATE_SECRET') || name === 'HOOKGATE_DASHBOARD_TOKEN' || value === undefined
          ? ''
          : ` (got ${JSON.stringify(maskCredentials(value))})`;
      return `  - ${name} ${issue.message}${shown}`;
    });
    throw new HookgateError('invalid_config', `Invalid Hookgate dashboard configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  // turbopackIgnore: a runtime path, not a file to trace into the build output.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ values.HOOKGATE_DATA_DIR ?? './data');
  return {
    dataDir,
    storeUrl: values.HOOKGATE_STORE ?? `sqlite:${path.join(/*turbopackIgnore: true*/ dataDir, 'hookgate.db')}`,
    envSecrets: Object.fromEntries(registry.providers.map((entry) => [entry.id, secrets.data[entry.secret.env]])),
    dashboardToken: values.HOOKGATE_DASHBOARD_TOKEN,
    dashboardHosts: values.HOOKGATE_DASHBOARD_HOSTS,
    port: values.PORT ?? 3000,
    worker: values.HOOKGATE_WORKER !== 'off',
    retentionDays: values.HOOKGATE_RETENTION_DAYS,
  };
}
