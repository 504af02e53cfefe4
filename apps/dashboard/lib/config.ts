import path from 'node:path';
import { z } from 'zod';
import { HookgateError } from '@hookgate/core';
import { maskCredentials } from './mask-credentials';

/** Provider route ids the dashboard serves at `/api/webhooks/<id>`, with their secret variables. */
export const PROVIDER_SECRET_ENV = {
  pylon: 'HOOKGATE_SECRET_PYLON',
  'webhooks-b': 'HOOKGATE_SECRET_WEBHOOKS_B',
} as const;

/** A provider route id served by the dashboard. */
export type ProviderId = keyof typeof PROVIDER_SECRET_ENV;

/** Every {@link ProviderId}, in display order. */
export const PROVIDER_IDS = Object.keys(PROVIDER_SECRET_ENV) as ProviderId[];

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
  port: number;
}

// An empty variable (`FOO=` in a .env file) means "not set", like most tools read it.
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const secretList = optionalText.pipe(
  z
    .string()
    .optional()
    .transform((value) => value?.split(',').map((entry) => entry.trim()))
    .refine((list) => list === undefined || list.every((entry) => entry.length > 0), {
      message: 'has an empty entry; separate rotated secrets with single commas, e.g. "new-secret,old-secret"',
    }),
);

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
  HOOKGATE_SECRET_PYLON: secretList,
  HOOKGATE_SECRET_WEBHOOKS_B: secretList,
  HOOKGATE_DASHBOARD_TOKEN: optionalText.pipe(
    z.string().min(16, { message: 'must be at least 16 characters (e.g. `openssl rand -hex 24`)' }).optional(),
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

/**
 * Reads and validates the dashboard's environment. Relative paths resolve against the working
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
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      // Secrets and the token are named, never echoed; any other value is shown with its
      // credentials masked (a store URL typed wrong still carries its password).
      const value = env[name];
      const shown =
        name.startsWith('HOOKGATE_SECRET') || name === 'HOOKGATE_DASHBOARD_TOKEN' || value === undefined
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
    envSecrets: { pylon: values.HOOKGATE_SECRET_PYLON, 'webhooks-b': values.HOOKGATE_SECRET_WEBHOOKS_B },
    dashboardToken: values.HOOKGATE_DASHBOARD_TOKEN,
    port: values.PORT ?? 3000,
  };
}
