/** How a digest is written in the signature header. */
export type DigestEncoding = 'hex' | 'base64' | 'base64url';

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes a digest written in `encoding`, accepting only the canonical form of exactly
 * `byteLength` bytes: hex in either case; base64 padded with `=`; base64url unpadded. Returns
 * null for anything else (whitespace, wrong alphabet, missing padding, wrong length).
 *
 * @example
 * ```ts
 * decodeDigest('ab'.repeat(32), 'hex', 32)?.byteLength; // 32
 * decodeDigest('q83v', 'base64url', 32); // null (wrong length)
 * ```
 */
export function decodeDigest(text: string, encoding: DigestEncoding, byteLength: number): Buffer | null {
  switch (encoding) {
    case 'hex':
      if (text.length !== byteLength * 2 || !HEX.test(text)) return null;
      return Buffer.from(text, 'hex');
    case 'base64': {
      if (text.length !== Math.ceil(byteLength / 3) * 4 || !BASE64.test(text)) return null;
      const bytes = Buffer.from(text, 'base64');
      // Re-encoding rejects non-zero pad bits and misplaced `=`.
      return bytes.byteLength === byteLength && bytes.toString('base64') === text ? bytes : null;
    }
    case 'base64url': {
      if (text.length !== Math.ceil((byteLength * 4) / 3) || !BASE64URL.test(text)) return null;
      const bytes = Buffer.from(text, 'base64url');
      return bytes.byteLength === byteLength && bytes.toString('base64url') === text ? bytes : null;
    }
  }
}

/**
 * The canonical text of a digest written in `encoding`, ready to be compared with an expected
 * digest in the same encoding: hex lower-cased (either case is accepted), base64 and base64url
 * as given once {@link decodeDigest} accepts them. Null for anything {@link decodeDigest} refuses.
 *
 * @example
 * ```ts
 * canonicalDigest('AB'.repeat(32), 'hex', 32); // 'ab'.repeat(32)
 * canonicalDigest('q83v', 'base64url', 32); // null (wrong length)
 * ```
 */
export function canonicalDigest(text: string, encoding: DigestEncoding, byteLength: number): string | null {
  // Hex needs no decode to be validated: length and alphabet say it all.
  if (encoding === 'hex') return text.length === byteLength * 2 && HEX.test(text) ? text.toLowerCase() : null;
  return decodeDigest(text, encoding, byteLength) ? text : null;
}

/**
 * Writes digest bytes in `encoding` (hex lower-case, base64 padded, base64url unpadded).
 *
 * @example
 * ```ts
 * encodeDigest(Buffer.from([255]), 'base64'); // '/w=='
 * ```
 */
export function encodeDigest(bytes: Uint8Array, encoding: DigestEncoding): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
}
