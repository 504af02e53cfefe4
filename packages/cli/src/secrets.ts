import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Environment variable holding a provider's secret(s), comma-separated for rotation. */
export function secretEnvName(provider: string): string {
  return `HOOKGATE_SECRET_${provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * Finds the secret to sign with: `--secret`, else the provider's `HOOKGATE_SECRET_*` variable
 * (first entry), else `<dataDir>/secrets.json` written by the dashboard on first start.
 * Returns undefined when none is found.
 *
 * @example
 * ```ts
 * const secret = await resolveSecret('pylon', { dataDir: './data' });
 * ```
 */
export async function resolveSecret(
  provider: string,
  options: { secret?: string | undefined; dataDir: string; env?: NodeJS.ProcessEnv },
): Promise<{ secret: string; source: string } | undefined> {
  if (options.secret) return { secret: options.secret, source: '--secret' };
  const env = options.env ?? process.env;
  const name = secretEnvName(provider);
  const fromEnv = env[name]?.split(',').map((s) => s.trim()).find(Boolean);
  if (fromEnv) return { secret: fromEnv, source: name };
  const file = path.resolve(options.dataDir, 'secrets.json');
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const entry = parsed[provider];
    const secret = Array.isArray(entry) ? entry.find((s): s is string => typeof s === 'string' && s.length > 0) : undefined;
    if (secret) return { secret, source: file };
  } catch {
    // No file or unreadable: the caller explains what to pass instead.
  }
  return undefined;
}
