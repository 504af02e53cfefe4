// Byte and text codecs that work on every runtime: Node's `Buffer` where it exists (native and
// fastest), plain JavaScript over `Uint8Array` elsewhere (Cloudflare Workers without
// nodejs_compat, the Next.js Edge runtime, browsers). The choice is made once, at load.

interface BufferLike extends Uint8Array {
  toString(encoding?: string, start?: number, end?: number): string;
  write(text: string, offset: number): number;
}
interface BufferStatics {
  from(value: string, encoding: string): BufferLike;
  from(value: ArrayBufferLike, byteOffset: number, length: number): BufferLike;
  byteLength(text: string, encoding: 'utf8'): number;
}

const NodeBuffer = (globalThis as { Buffer?: BufferStatics }).Buffer;
const encoder = new TextEncoder();
// ignoreBOM: text read back from bytes keeps a leading byte-order mark (stored bodies must round-trip exactly).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const SEXTETS = new Map<string, number>([...BASE64_ALPHABET].map((char, index) => [char, index]));
for (const [index, char] of [...'-_'].entries()) SEXTETS.set(char, 62 + index);

/**
 * The UTF-8 bytes of `text` (lone surrogates become U+FFFD, as everywhere in Hookgate).
 *
 * @example
 * ```ts
 * utf8Bytes('é'); // Uint8Array [0xc3, 0xa9]
 * ```
 */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * `bytes` read as UTF-8 (invalid sequences become U+FFFD).
 *
 * @example
 * ```ts
 * utf8Text(new Uint8Array([0x68, 0x69])); // 'hi'
 * ```
 */
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Lower-case hex of `bytes`.
 *
 * @example
 * ```ts
 * hexOf(new Uint8Array([0, 255])); // '00ff'
 * ```
 */
export function hexOf(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < bytes.length; index++) text += HEX_PAIRS[bytes[index]!]!;
  return text;
}

/**
 * Base64 of `bytes`: standard alphabet padded with `=`, or base64url unpadded (`url: true`).
 *
 * @example
 * ```ts
 * base64Of(new Uint8Array([255])); // '/w=='
 * base64Of(new Uint8Array([255]), true); // '_w'
 * ```
 */
export function base64Of(bytes: Uint8Array, url = false): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(url ? 'base64url' : 'base64');
  const alphabet = url ? BASE64URL_ALPHABET : BASE64_ALPHABET;
  let text = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    text += alphabet[triple >>> 18]! + alphabet[(triple >>> 12) & 63]! + alphabet[(triple >>> 6) & 63]! + alphabet[triple & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const single = bytes[index]!;
    text += alphabet[single >>> 2]! + alphabet[(single & 3) << 4]! + (url ? '' : '==');
  } else if (rest === 2) {
    const pair = (bytes[index]! << 8) | bytes[index + 1]!;
    text += alphabet[pair >>> 10]! + alphabet[(pair >>> 4) & 63]! + alphabet[(pair & 15) << 2]! + (url ? '' : '=');
  }
  return text;
}

/**
 * The bytes of base64 or base64url text (either alphabet, padding optional). Characters outside
 * both alphabets are skipped, as `Buffer.from(text, 'base64')` does: validate first where that
 * matters.
 *
 * @example
 * ```ts
 * bytesOfBase64('/w=='); // Uint8Array [255]
 * ```
 */
export function bytesOfBase64(text: string): Uint8Array {
  if (NodeBuffer) {
    const buffer = NodeBuffer.from(text, 'base64');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let length = 0;
  let accumulator = 0;
  let bits = 0;
  for (const char of text) {
    const value = SEXTETS.get(char);
    if (value === undefined) continue;
    accumulator = ((accumulator << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (accumulator >>> bits) & 0xff;
    }
  }
  return out.subarray(0, length);
}

/**
 * One array holding `chunks` one after another.
 *
 * @example
 * ```ts
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])], 3); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.byteLength === size) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * How many bytes `text` takes in UTF-8 (a lone surrogate counts 3, as U+FFFD: what
 * {@link utf8Bytes} and {@link TextBuffer.write} put in its place).
 *
 * @example
 * ```ts
 * utf8Length('é😀'); // 6
 * ```
 */
export function utf8Length(text: string): number {
  if (NodeBuffer) return NodeBuffer.byteLength(text, 'utf8');
  let length = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      length += 2; // a pair: 2 code units, 4 bytes
      index++;
    } else length += 2;
  }
  return length;
}

/** Bytes with UTF-8 text written and read at offsets: see {@link textBuffer}. */
export interface TextBuffer {
  readonly bytes: Uint8Array;
  /** Writes `text` as UTF-8 at `offset` (it must fit: {@link utf8Length}); returns the bytes written. */
  write(text: string, offset: number): number;
  /** The UTF-8 text of bytes `start` to `end` (invalid sequences become U+FFFD). */
  read(start: number, end: number): string;
}

/**
 * A zero-filled buffer of `size` bytes with UTF-8 text codecs at offsets: Node's `Buffer`
 * methods where they exist, `TextEncoder.encodeInto`/`TextDecoder` elsewhere.
 *
 * @example
 * ```ts
 * const buffer = textBuffer(16);
 * const written = buffer.write('héllo', 4); // 6
 * buffer.read(4, 4 + written); // 'héllo'
 * ```
 */
export function textBuffer(size: number): TextBuffer {
  const bytes = new Uint8Array(size);
  if (NodeBuffer) {
    const view = NodeBuffer.from(bytes.buffer, 0, size);
    return { bytes, write: (text, offset) => view.write(text, offset), read: (start, end) => view.toString('utf8', start, end) };
  }
  return {
    bytes,
    write: (text, offset) => encoder.encodeInto(text, bytes.subarray(offset)).written,
    read: (start, end) => decoder.decode(bytes.subarray(start, end)),
  };
}
