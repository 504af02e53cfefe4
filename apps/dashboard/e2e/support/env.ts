/** Environment variables through which global setup tells the tests where the servers are. */
export const E2E_ENV = {
  openUrl: 'HOOKGATE_E2E_OPEN_URL',
  openDataDir: 'HOOKGATE_E2E_OPEN_DATA_DIR',
  tokenUrl: 'HOOKGATE_E2E_TOKEN_URL',
  tokenDataDir: 'HOOKGATE_E2E_TOKEN_DATA_DIR',
} as const;

/** Secrets of the `open` server: pylon has two (rotation: index 0 new, index 1 old). */
export const E2E_SECRETS = {
  pylon: ['e2e-pylon-secret-new', 'e2e-pylon-secret-old'],
  'webhooks-b': ['e2e-webhooks-b-secret'],
} as const;

/** Dashboard token of the `token` server. */
export const E2E_TOKEN = 'e2e-dashboard-token-0123456789abcdef';

/**
 * A URL global setup published.
 *
 * @example
 * ```ts
 * const base = serverUrl('openUrl');
 * ```
 */
export function serverUrl(name: keyof typeof E2E_ENV): string {
  const value = process.env[E2E_ENV[name]];
  if (!value) throw new Error(`${E2E_ENV[name]} is not set: run the tests through playwright.config.ts (global setup).`);
  return value;
}
