import { resolveSecrets as resolveRegistrySecrets, SECRETS_FILE_NAME, type ResolvedSecrets } from '@hookgate/config';
import type { DashboardConfig } from './config';
import { registry } from './registry';

export { SECRETS_FILE_NAME, type ResolvedSecrets };

/**
 * Secrets per registered provider: its variable (`HOOKGATE_SECRET_<ID>` unless the config names
 * another) when set, otherwise its entry in `<dataDir>/secrets.json`, generated and written with
 * mode 0600 on first start (the CLI reads the same file). An existing file is never overwritten,
 * only completed.
 *
 * @throws {HookgateError} `invalid_config` when the file exists but is not valid JSON of that shape.
 * @example
 * ```ts
 * const { secrets, file } = await resolveSecrets(readConfig());
 * if (file?.created) console.log(`secrets written to ${file.path}`);
 * ```
 */
export function resolveSecrets(config: DashboardConfig): Promise<ResolvedSecrets> {
  return resolveRegistrySecrets(registry, { dataDir: config.dataDir, envSecrets: config.envSecrets });
}

/**
 * The line printed at start about the secrets file — where it is, never what is in it.
 *
 * @example
 * ```ts
 * console.log(describeSecretsFile({ path: '/app/data/secrets.json', created: true, providers: PROVIDER_IDS }));
 * ```
 */
export function describeSecretsFile(file: NonNullable<ResolvedSecrets['file']>): string {
  const which = file.providers.map((id) => `${id} (${registry.providers.find((entry) => entry.id === id)?.secret.env ?? 'no variable'} not set)`).join(', ');
  const verb = file.created ? 'generated new secrets and saved them to' : 'using secrets saved in';
  return `[hookgate] Webhook secrets for ${which}: ${verb} ${file.path} (mode 0600). Give them to your senders; \`pnpm demo\` reads that file.`;
}
