// The default condition of `#crypto` (Cloudflare Workers, the Next.js Edge runtime, browsers):
// Web Crypto, which only answers asynchronously. Same bytes hashed as crypto-node.ts: each text
// chunk is encoded to UTF-8 on its own, so a lone surrogate at a chunk's edge gives the same
// replacement character as node:crypto's `update(text)`.
import type { AsyncCryptoBackend, HmacAlgorithm, HmacKey } from './crypto-backend.js';
import { encodeDigest } from './digest-encoding.js';
import { concatBytes, hexOf, utf8Bytes } from './bytes.js';
import type { MessageChunk } from './message-template.js';

type ImportedKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const HASH_NAMES: Record<HmacAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };
/** Imported keys per key bytes and algorithm: `importKey` runs once per secret, not per request. */
const imported = new WeakMap<Uint8Array, Map<HmacAlgorithm, Promise<ImportedKey>>>();

/**
 * Web Crypto, asynchronous: what verification uses where node:crypto is absent.
 *
 * @example
 * ```ts
 * await cryptoBackend.sha256Hex(['a']); // 'ca978112…'
 * ```
 */
export const cryptoBackend: AsyncCryptoBackend = {
  name: 'web-crypto',
  synchronous: false,
  // A copy: later changes to the caller's array must not change the key.
  hmacKey: (bytes) => bytes.slice(),
  async hmac(algorithm, key, chunks, encoding) {
    const signature = await crypto.subtle.sign('HMAC', await cryptoKey(key, algorithm), messageBytes(chunks));
    return encodeDigest(new Uint8Array(signature), encoding);
  },
  async sha256Hex(chunks) {
    return hexOf(new Uint8Array(await crypto.subtle.digest('SHA-256', messageBytes(chunks))));
  },
};

function cryptoKey(key: HmacKey, algorithm: HmacAlgorithm): Promise<ImportedKey> {
  if (!(key instanceof Uint8Array)) throw new TypeError('Web Crypto HMAC keys are key bytes (prepareSecrets() makes them)');
  let byAlgorithm = imported.get(key);
  if (!byAlgorithm) {
    byAlgorithm = new Map();
    imported.set(key, byAlgorithm);
  }
  let pending = byAlgorithm.get(algorithm);
  if (!pending) {
    pending = crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: HASH_NAMES[algorithm] }, false, ['sign']);
    byAlgorithm.set(algorithm, pending);
  }
  return pending;
}

function messageBytes(chunks: readonly MessageChunk[]): Uint8Array<ArrayBuffer> {
  const parts = chunks.map((chunk) => (typeof chunk === 'string' ? utf8Bytes(chunk) : chunk));
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return concatBytes(parts, size) as Uint8Array<ArrayBuffer>;
}
