import { cryptoBackend } from '#crypto';
import { bytesOfBase64, utf8Bytes } from './bytes.js';
import type { HmacKey } from './crypto-backend.js';
import { HookgateError } from './errors.js';

/** A shared secret as text or bytes. How text becomes key bytes is the strategy's {@link SecretFormat}. */
export type Secret = string | Uint8Array;

/**
 * How a text secret becomes HMAC key bytes (byte secrets are always the key itself):
 * - `'raw'` (default): its UTF-8 bytes, as given. Stripe's `whsec_…` and GitHub's secrets are
 *   used this way: the `whsec_` prefix is part of the key.
 * - `'base64'`: base64 of the key bytes (standard alphabet, padding optional).
 * - `'whsec_base64'`: `whsec_` followed by base64 of the key bytes, as Standard Webhooks senders
 *   (Svix, …) hand it out; like the official `standardwebhooks` libraries, the prefix may be left off.
 */
export type SecretFormat = 'raw' | 'base64' | 'whsec_base64';

/**
 * Secrets prepared once for HMAC use, in configuration order (index = `secretIndex`): node:crypto
 * `KeyObject`s where node:crypto exists, the key bytes on Web Crypto runtimes.
 */
export interface SecretKeys {
  readonly keys: readonly HmacKey[];
}

const SECRET_FORMATS: readonly SecretFormat[] = ['raw', 'base64', 'whsec_base64'];
const WHSEC_PREFIX = 'whsec_';
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s/;

/**
 * Validates and prepares one or several secrets. Several secrets support rotation: any one that
 * matches passes, and the result reports which index matched. `format` says how text secrets
 * become key bytes (default `'raw'`); a strategy names its format in `strategy.secretFormat`.
 *
 * @throws {HookgateError} `invalid_config` when no secret is given, one is empty, or one does not
 * fit `format` (the message names the secret's index and what is wrong, never the secret).
 * @example
 * ```ts
 * const keys = prepareSecrets(['new-secret', 'old-secret']);
 * const svix = prepareSecrets('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_base64'); // 24 key bytes
 * ```
 */
export function prepareSecrets(secrets: Secret | readonly Secret[] | undefined, format: SecretFormat = 'raw'): SecretKeys {
  if (!SECRET_FORMATS.includes(format)) {
    throw new HookgateError('invalid_config', `Unknown secret format "${String(format)}": use ${SECRET_FORMATS.join(', ')}.`);
  }
  const list: readonly Secret[] = secrets === undefined ? [] : isSecretList(secrets) ? secrets : [secrets];
  if (list.length === 0) {
    throw new HookgateError(
      'invalid_config',
      'No webhook secret configured: pass `secret` or a non-empty `secrets` array. If it comes from the environment ' +
        '(`secret: process.env.MY_PROVIDER_SECRET`), that variable is not set in this process: set it, or check its name.',
    );
  }
  const keys = list.map((secret, index) => {
    if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
      throw new HookgateError('invalid_config', `Secret #${index} must be a string or a Uint8Array.`);
    }
    if (secret.length === 0) {
      throw new HookgateError('invalid_config', `Secret #${index} is empty; an empty HMAC key would accept forged signatures.`);
    }
    return cryptoBackend.hmacKey(typeof secret === 'string' ? keyBytes(secret, format, index) : secret);
  });
  return { keys };
}

function keyBytes(secret: string, format: SecretFormat, index: number): Uint8Array {
  if (format === 'raw') return utf8Bytes(secret);
  const text = format === 'whsec_base64' && secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret;
  const expected = format === 'whsec_base64' ? 'whsec_ followed by base64 (Standard Webhooks)' : 'base64';
  const problem = base64Problem(text);
  if (problem !== undefined) throw new HookgateError('invalid_config', `Secret #${index} is not ${expected}: ${problem}.`);
  const bytes = bytesOfBase64(text);
  if (bytes.byteLength === 0) {
    throw new HookgateError('invalid_config', `Secret #${index} is not ${expected}: it decodes to no key bytes.`);
  }
  return bytes;
}

/** Why `text` is no base64 (standard alphabet, padding optional), or undefined when it is. */
function base64Problem(text: string): string | undefined {
  if (text.length === 0) return 'nothing follows the whsec_ prefix';
  if (WHITESPACE.test(text)) return 'it contains whitespace (a stray space or newline?)';
  if (!BASE64_TEXT.test(text)) return 'it contains characters outside the base64 alphabet (A-Z a-z 0-9 + / and trailing =)';
  const padded = text.endsWith('=');
  if (padded ? text.length % 4 !== 0 : text.length % 4 === 1) return 'its length is not a possible base64 length';
  return undefined;
}

function isSecretList(value: Secret | readonly Secret[]): value is readonly Secret[] {
  return Array.isArray(value);
}
