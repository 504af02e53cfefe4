import { base64Of, hexOf } from './bytes.js';

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
  // No decode is needed to validate: length, alphabet, padding and the unused low bits of the
  // last character say it all (a Buffer decode + re-encode per request is what this saves).
  if (encoding === 'hex') return text.length === byteLength * 2 && HEX.test(text) ? text.toLowerCase() : null;
  const remainder = byteLength % 3;
  const padding = encoding === 'base64' && remainder !== 0 ? 3 - remainder : 0;
  const length = encoding === 'base64' ? Math.ceil(byteLength / 3) * 4 : Math.ceil((byteLength * 4) / 3);
  if (text.length !== length || !(encoding === 'base64' ? BASE64 : BASE64URL).test(text)) return null;
  // Exactly the padding the length implies (the regex allows up to two `=`).
  const dataEnd = length - padding;
  if (dataEnd > 0 && text.charCodeAt(dataEnd - 1) === 0x3d) return null;
  for (let index = dataEnd; index < length; index++) if (text.charCodeAt(index) !== 0x3d) return null;
  // One trailing byte leaves 4 unused bits in the last character, two bytes leave 2: they must be 0.
  if (remainder !== 0) {
    const unusedBits = remainder === 1 ? 0x0f : 0x03;
    if ((sextet(text.charCodeAt(dataEnd - 1)) & unusedBits) !== 0) return null;
  }
  return text;
}

/** The 6-bit value of a base64 or base64url character already checked by the alphabet regex. */
function sextet(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 26; // a-z
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 52; // 0-9
  return code === 0x2b || code === 0x2d ? 62 : 63; // + or -, / or _
}

/**
 * Writes digest bytes in `encoding` (hex lower-case, base64 padded, base64url unpadded).
 *
 * @example
 * ```ts
 * encodeDigest(new Uint8Array([255]), 'base64'); // '/w=='
 * ```
 */
export function encodeDigest(bytes: Uint8Array, encoding: DigestEncoding): string {
  return encoding === 'hex' ? hexOf(bytes) : base64Of(bytes, encoding === 'base64url');
}
