// What verification, signing and dedupe need from a crypto library. Two implementations, picked
// once when the package is resolved (the `#crypto` import in package.json): `crypto-node.ts`
// (node:crypto, synchronous — Node, Bun, Deno) and `crypto-web.ts` (Web Crypto, asynchronous —
// Cloudflare Workers, the Next.js Edge runtime, browsers). Both produce the same digests.
import type { KeyObject } from 'node:crypto';
import type { DigestEncoding } from './digest-encoding.js';
import type { MessageChunk } from './message-template.js';

/** HMAC hash functions Hookgate verifies. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/**
 * A prepared HMAC key: a node:crypto `KeyObject` where node:crypto exists, the key bytes on Web
 * Crypto runtimes (imported into a `CryptoKey` on first use, once per algorithm).
 */
export type HmacKey = KeyObject | Uint8Array;

interface BackendBase {
  /** Which implementation this is (diagnostics and tests). */
  readonly name: 'node:crypto' | 'web-crypto';
  /** Wraps key bytes once, when secrets are prepared. */
  hmacKey(bytes: Uint8Array): HmacKey;
}

/** node:crypto: every digest is computed synchronously. */
export interface SyncCryptoBackend extends BackendBase {
  readonly synchronous: true;
  /** HMAC of the chunks (strings as UTF-8, each on its own) written in `encoding`. */
  hmac(algorithm: HmacAlgorithm, key: HmacKey, chunks: readonly MessageChunk[], encoding: DigestEncoding): string;
  /** Lower-case hex SHA-256 of the chunks. */
  sha256Hex(chunks: readonly MessageChunk[]): string;
}

/** Web Crypto: digests resolve later. */
export interface AsyncCryptoBackend extends BackendBase {
  readonly synchronous: false;
  hmac(algorithm: HmacAlgorithm, key: HmacKey, chunks: readonly MessageChunk[], encoding: DigestEncoding): Promise<string>;
  sha256Hex(chunks: readonly MessageChunk[]): Promise<string>;
}

/** The crypto implementation of this runtime. */
export type CryptoBackend = SyncCryptoBackend | AsyncCryptoBackend;

/**
 * The crypto implementation this runtime resolved `#crypto` to (typed here for both; the
 * JavaScript is in crypto-node.ts and crypto-web.ts).
 *
 * @example
 * ```ts
 * import { cryptoBackend } from '#crypto';
 * if (cryptoBackend.synchronous) cryptoBackend.sha256Hex(['a']);
 * ```
 */
export declare const cryptoBackend: CryptoBackend;
