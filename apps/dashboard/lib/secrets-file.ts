import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HookgateError } from '@hookgate/core';
import { PROVIDER_IDS, PROVIDER_SECRET_ENV, type DashboardConfig, type ProviderId } from './config';

/** File name (inside `HOOKGATE_DATA_DIR`) of the generated secrets; `hookgate send` reads it too. */
export const SECRETS_FILE_NAME = 'secrets.json';

/** Where each provider's secrets came from. */
export interface ResolvedSecrets {
  secrets: Record<ProviderId, string[]>;
  /** The secrets file, when at least one provider uses it. */
  file: { path: string; created: boolean; providers: ProviderId[] } | null;
}

const fileSchema = z.record(z.string(), z.array(z.string().min(1)).min(1));

/**
 * Secrets per provider: the `HOOKGATE_SECRET_*` variable when set, otherwise the entry in
 * `<dataDir>/secrets.json`, generated (32 random bytes, hex) and written with mode 0600 on first
 * start. The file always holds both providers (`{ "pylon": [...], "webhooks-b": [...] }`) so the
 * CLI finds a secret for each; an existing file is never overwritten, only completed.
 *
 * @throws {HookgateError} `invalid_config` when the file exists but is not valid JSON of that shape.
 * @example
 * ```ts
 * const { secrets, file } = await resolveSecrets(readConfig());
 * if (file?.created) console.log(`secrets written to ${file.path}`);
 * ```
 */
export async function resolveSecrets(config: DashboardConfig): Promise<ResolvedSecrets> {
  const missing = PROVIDER_IDS.filter((id) => config.envSecrets[id] === undefined);
  const fromEnv = (id: ProviderId): string[] | undefined => config.envSecrets[id];
  if (missing.length === 0) {
    return { secrets: Object.fromEntries(PROVIDER_IDS.map((id) => [id, fromEnv(id)!])) as Record<ProviderId, string[]>, file: null };
  }

  const filePath = path.join(/*turbopackIgnore: true*/ config.dataDir, SECRETS_FILE_NAME);
  const existing = await readSecretsFile(filePath);
  const stored: Record<string, string[]> = { ...(existing ?? {}) };
  let changed = existing === null;
  for (const id of PROVIDER_IDS) {
    if (!stored[id]) {
      stored[id] = [generateSecret()];
      changed = true;
    }
  }
  if (changed) {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    // `wx` on first creation: two servers starting together must not overwrite each other's secrets.
    try {
      await writeFile(filePath, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: existing === null ? 'wx' : 'w' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecrets(config);
      throw error;
    }
  }
  await tightenMode(filePath);
  const secrets = Object.fromEntries(PROVIDER_IDS.map((id) => [id, fromEnv(id) ?? stored[id]!])) as Record<ProviderId, string[]>;
  return { secrets, file: { path: filePath, created: existing === null, providers: missing } };
}

/**
 * The line printed at start about the secrets file — where it is, never what is in it.
 *
 * @example
 * ```ts
 * console.log(describeSecretsFile({ path: '/app/data/secrets.json', created: true, providers: ['pylon'] }));
 * ```
 */
export function describeSecretsFile(file: NonNullable<ResolvedSecrets['file']>): string {
  const which = file.providers.map((id) => `${id} (${PROVIDER_SECRET_ENV[id]} not set)`).join(', ');
  const verb = file.created ? 'generated new secrets and saved them to' : 'using secrets saved in';
  return `[hookgate] Webhook secrets for ${which}: ${verb} ${file.path} (mode 0600). Give them to your senders; \`pnpm demo\` reads that file.`;
}

async function readSecretsFile(filePath: string): Promise<Record<string, string[]> | null> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HookgateError('invalid_config', `${filePath} is not valid JSON. Fix it or delete it to generate new secrets.`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new HookgateError(
      'invalid_config',
      `${filePath} must look like { "pylon": ["<secret>"], "webhooks-b": ["<secret>"] }. Fix it or delete it to generate new secrets.`,
    );
  }
  return parsed.data;
}

// A file someone copied around with a looser mode still holds live secrets.
async function tightenMode(filePath: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(filePath);
  if ((mode & 0o077) !== 0) await chmod(filePath, 0o600);
}

function generateSecret(): string {
  return randomBytes(32).toString('hex');
}
