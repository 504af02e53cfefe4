import { createSecretKey, type KeyObject } from 'node:crypto';
import { HookgateError } from './errors.js';

/** A shared secret as text (UTF-8) or bytes. */
export type Secret = string | Uint8Array;

/** Secrets prepared once for HMAC use, in configuration order (index = `secretIndex`). */
export interface SecretKeys {
  readonly keys: readonly KeyObject[];
}

/**
 * Validates and prepares one or several secrets. Several secrets support rotation: any one that
 * matches passes, and the result reports which index matched.
 *
 * @throws {HookgateError} `invalid_config` when no secret is given or one is empty.
 * @example
 * ```ts
 * const keys = prepareSecrets(['new-secret', 'old-secret']);
 * ```
 */
export function prepareSecrets(secrets: Secret | readonly Secret[] | undefined): SecretKeys {
  const list: readonly Secret[] = secrets === undefined ? [] : isSecretList(secrets) ? secrets : [secrets];
  if (list.length === 0) {
    throw new HookgateError('invalid_config', 'No webhook secret configured: pass `secret` or a non-empty `secrets` array.');
  }
  const keys = list.map((secret, index) => {
    if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
      throw new HookgateError('invalid_config', `Secret #${index} must be a string or a Uint8Array.`);
    }
    if (secret.length === 0) {
      throw new HookgateError('invalid_config', `Secret #${index} is empty; an empty HMAC key would accept forged signatures.`);
    }
    return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret));
  });
  return { keys };
}

function isSecretList(value: Secret | readonly Secret[]): value is readonly Secret[] {
  return Array.isArray(value);
}
