// How a raw body is kept in a store: UTF-8 text or base64, cut at a byte limit.
import { base64Of, bytesOfBase64, utf8Bytes } from './bytes.js';
import type { Delivery } from './delivery-store.js';
import { decodedTextOf } from './json-body.js';

// ignoreBOM: a leading byte-order mark is part of the bytes the sender signed, and is kept.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Turns raw body bytes into the stored form: UTF-8 text when valid, else base64; cut at
 * `maxBytes` (default 1 MiB) with `bodyTruncated` set.
 *
 * @example
 * ```ts
 * encodeStoredBody(new TextEncoder().encode('{"a":1}')); // { body: '{"a":1}', bodyEncoding: 'utf8', bodyTruncated: false }
 * ```
 */
export function encodeStoredBody(rawBody: Uint8Array, maxBytes = 1024 * 1024): Pick<Delivery, 'body' | 'bodyEncoding' | 'bodyTruncated'> {
  const bodyTruncated = rawBody.byteLength > maxBytes;
  const bytes = bodyTruncated ? rawBody.subarray(0, maxBytes) : rawBody;
  // NUL is valid UTF-8 but PostgreSQL `text` cannot hold it, so such bodies are kept as base64
  // (in every store, so a delivery reads back the same everywhere).
  if (bytes.indexOf(0) === -1) {
    // The provider's parse has usually just decoded this very body: its text is reused, unless
    // the body starts with a byte-order mark (that decoding dropped it, for JSON.parse).
    const known = bodyTruncated || startsWithBom(bytes) ? undefined : decodedTextOf(bytes);
    if (known !== undefined) return { body: known, bodyEncoding: 'utf8', bodyTruncated };
    try {
      return { body: utf8Decoder.decode(bytes), bodyEncoding: 'utf8', bodyTruncated };
    } catch {
      // A cut may split a multi-byte character: back off up to 3 bytes before giving up on text.
      if (bodyTruncated) {
        for (let back = 1; back <= 3 && bytes.byteLength > back; back++) {
          try {
            return { body: utf8Decoder.decode(bytes.subarray(0, bytes.byteLength - back)), bodyEncoding: 'utf8', bodyTruncated };
          } catch {
            // keep backing off
          }
        }
      }
    }
  }
  return { body: base64Of(bytes), bodyEncoding: 'base64', bodyTruncated };
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * The bytes of a stored body (the inverse of {@link encodeStoredBody}, up to any truncation).
 *
 * @example
 * ```ts
 * decodeStoredBody({ body: '{"a":1}', bodyEncoding: 'utf8' }); // Uint8Array of the 7 bytes
 * ```
 */
export function decodeStoredBody(stored: Pick<Delivery, 'body' | 'bodyEncoding'>): Uint8Array {
  return stored.bodyEncoding === 'base64' ? bytesOfBase64(stored.body) : utf8Bytes(stored.body);
}
