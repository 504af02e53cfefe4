import { canonicalDigest, type DigestEncoding } from './digest-encoding.js';
import { HookgateError } from './errors.js';

/**
 * Signatures as `key=value` entries of one header, next to other entries such as the timestamp:
 * Stripe's `t=1732550400,v1=…,v1=…,v0=…`. Only entries whose key is `signatureKey` are
 * signatures; any one may match. Other keys (`v0`) are ignored.
 */
export interface KeyValueSignatureFormat {
  readonly type: 'key-value';
  /** Key of the signature entries, e.g. `v1`. */
  readonly signatureKey: string;
  /**
   * Key of the entry carrying the timestamp, e.g. `t`. Only with `hmacWithTimestamp()`, which
   * then reads the timestamp here instead of from a `timestampHeader`.
   */
  readonly timestampKey?: string | undefined;
  /** Between entries. Default `,`. Key and value are always separated by the first `=`. */
  readonly separator?: string | undefined;
}

/**
 * Signatures as a space-separated list of `version,digest` entries: Standard Webhooks'
 * `v1,<base64> v1,<base64>`. Only entries labelled `version` are signatures; an entry with
 * another label (`v1a,…`, an asymmetric signature) or with none (a bare digest) is ignored.
 */
export interface VersionedSignatureFormat {
  readonly type: 'versioned';
  /** The accepted version label, e.g. `v1`. */
  readonly version: string;
}

/**
 * How signatures sit in the signature header:
 * - a template `prefix{digest}suffix` such as `sha256={digest}` (values separated by whitespace
 *   or commas, any one may match);
 * - {@link KeyValueSignatureFormat} (`t=…,v1=…`);
 * - {@link VersionedSignatureFormat} (`v1,… v1,…`).
 */
export type SignatureFormat = string | KeyValueSignatureFormat | VersionedSignatureFormat;

/**
 * At most this many entries of a signature header are read. A header with more is
 * `malformed_signature`: no sender needs that many, and a hostile header must not cost more
 * than a bounded amount of work.
 */
export const MAX_SIGNATURE_ENTRIES = 32;

/** What one signature header holds: well-formed candidate digests (canonical text) and the timestamp entry. */
export type SignatureHeaderContent =
  | { readonly ok: true; readonly candidates: readonly string[]; readonly timestamp: string | undefined }
  | { readonly ok: false; readonly message: string };

/** A {@link SignatureFormat} compiled once for one digest encoding and length. */
export interface SignatureHeaderCodec {
  /** The format as people read it, e.g. `t={timestamp},v1={digest}` (for messages). */
  readonly description: string;
  /** The key of the timestamp entry, when the header carries the timestamp. */
  readonly timestampKey: string | undefined;
  /** Reads a header value; never throws. Malformed entries are skipped, not reported. */
  read(header: string): SignatureHeaderContent;
  /** Writes the header value a sender would send for these digests (and timestamp). */
  write(digests: readonly string[], timestamp: string | undefined): string;
}

const TEMPLATE_SEPARATORS = /[\s,]+/;
const WHITESPACE = /\s/;
// A separator may not occur inside a key or a digest (hex, base64, base64url).
const DIGEST_OR_KEY_CHARACTER = /[A-Za-z0-9+/_=-]/;

/**
 * Compiles a {@link SignatureFormat} for digests of `byteLength` bytes written in `encoding`.
 * Reading is a bounded scan (at most {@link MAX_SIGNATURE_ENTRIES} entries), with no regular
 * expression built per request.
 *
 * @throws {HookgateError} `invalid_config` for a format that could not be read back unambiguously.
 * @example
 * ```ts
 * const stripe = compileSignatureFormat({ type: 'key-value', signatureKey: 'v1', timestampKey: 't' }, 'hex', 32);
 * const content = stripe.read(`t=1732550400,v1=${'ab'.repeat(32)},v0=00`);
 * // { ok: true, candidates: ['abab…'], timestamp: '1732550400' }
 * ```
 */
export function compileSignatureFormat(format: SignatureFormat, encoding: DigestEncoding, byteLength: number): SignatureHeaderCodec {
  if (typeof format === 'string') return templateCodec(format, encoding, byteLength);
  if (format !== null && typeof format === 'object') {
    if (format.type === 'key-value') return keyValueCodec(format, encoding, byteLength);
    if (format.type === 'versioned') return versionedCodec(format, encoding, byteLength);
  }
  throw new HookgateError(
    'invalid_config',
    "Unknown signature format: use a template such as 'v1={digest}', { type: 'key-value', … } or { type: 'versioned', … }.",
  );
}

function templateCodec(template: string, encoding: DigestEncoding, byteLength: number): SignatureHeaderCodec {
  const at = template.indexOf('{digest}');
  if (at < 0 || template.indexOf('{digest}', at + 1) >= 0 || TEMPLATE_SEPARATORS.test(template)) {
    throw new HookgateError(
      'invalid_config',
      `Signature template "${template}" must contain {digest} exactly once and no spaces or commas ` +
        "(for lists such as t=…,v1=… use { type: 'key-value' }; for v1,… use { type: 'versioned' }).",
    );
  }
  const prefix = template.slice(0, at);
  const suffix = template.slice(at + '{digest}'.length);
  return {
    description: template,
    timestampKey: undefined,
    read(header) {
      // Any whitespace or comma separates (tabs too, as HTTP allows); the split is skipped for the common single value.
      const values = TEMPLATE_SEPARATORS.test(header) ? header.split(TEMPLATE_SEPARATORS, MAX_SIGNATURE_ENTRIES + 1) : [header];
      if (values.length > MAX_SIGNATURE_ENTRIES) return tooMany();
      const candidates: string[] = [];
      for (const value of values) {
        if (value.length < prefix.length + suffix.length || !value.startsWith(prefix) || !value.endsWith(suffix)) continue;
        const digest = canonicalDigest(value.slice(prefix.length, value.length - suffix.length), encoding, byteLength);
        if (digest !== null) candidates.push(digest);
      }
      return { ok: true, candidates, timestamp: undefined };
    },
    write: (digests) => digests.map((digest) => `${prefix}${digest}${suffix}`).join(' '),
  };
}

function keyValueCodec(format: KeyValueSignatureFormat, encoding: DigestEncoding, byteLength: number): SignatureHeaderCodec {
  const separator = format.separator ?? ',';
  const { signatureKey, timestampKey } = format;
  if (typeof separator !== 'string' || separator.length === 0 || DIGEST_OR_KEY_CHARACTER.test(separator)) {
    throw new HookgateError('invalid_config', `Key-value separator "${String(separator)}" must be non-empty and contain no letter, digit or any of + / _ = -.`);
  }
  checkLabel('signatureKey', signatureKey, ['=', separator]);
  if (timestampKey !== undefined) {
    checkLabel('timestampKey', timestampKey, ['=', separator]);
    if (timestampKey === signatureKey) throw new HookgateError('invalid_config', 'timestampKey and signatureKey must differ.');
  }
  const description = `${timestampKey === undefined ? '' : `${timestampKey}={timestamp}${separator}`}${signatureKey}={digest}`;
  return {
    description,
    timestampKey,
    read(header) {
      const candidates: string[] = [];
      let timestamp: string | undefined;
      let entries = 0;
      let start = 0;
      for (;;) {
        if (++entries > MAX_SIGNATURE_ENTRIES) return tooMany();
        const found = header.indexOf(separator, start);
        const end = found < 0 ? header.length : found;
        // Only `key=` at the entry's start is looked at (no search for `=` past the entry).
        if (isEntryOf(header, start, end, signatureKey)) {
          const digest = canonicalDigest(header.slice(start + signatureKey.length + 1, end), encoding, byteLength);
          if (digest !== null) candidates.push(digest);
        } else if (timestampKey !== undefined && (isEntryOf(header, start, end, timestampKey) || isBareKey(header, start, end, timestampKey))) {
          // Two timestamps make the signed message ambiguous: refuse rather than pick one. A bare
          // `t` (no `=`) counts as one with an empty value, as Stripe's parser reads it (its
          // timestamp then is NaN and it refuses the header).
          if (timestamp !== undefined) return { ok: false, message: `the signature header has more than one ${timestampKey}= entry` };
          timestamp = end - start === timestampKey.length ? '' : header.slice(start + timestampKey.length + 1, end);
        }
        if (found < 0) break;
        start = found + separator.length;
      }
      return { ok: true, candidates, timestamp };
    },
    write(digests, timestamp) {
      const entries = digests.map((digest) => `${signatureKey}=${digest}`);
      if (timestampKey !== undefined && timestamp !== undefined) entries.unshift(`${timestampKey}=${timestamp}`);
      return entries.join(separator);
    },
  };
}

function versionedCodec(format: VersionedSignatureFormat, encoding: DigestEncoding, byteLength: number): SignatureHeaderCodec {
  const { version } = format;
  checkLabel('version', version, [',']);
  const labelLength = version.length;
  return {
    description: `${version},{digest}`,
    timestampKey: undefined,
    read(header) {
      const entries = header.split(' ', MAX_SIGNATURE_ENTRIES + 1);
      if (entries.length > MAX_SIGNATURE_ENTRIES) return tooMany();
      const candidates: string[] = [];
      for (const entry of entries) {
        // Exactly `version,` first: a bare digest or another label (`v1a,`) is no candidate.
        if (entry.charCodeAt(labelLength) !== 0x2c || !entry.startsWith(version)) continue;
        const digest = canonicalDigest(entry.slice(labelLength + 1), encoding, byteLength);
        if (digest !== null) candidates.push(digest);
      }
      return { ok: true, candidates, timestamp: undefined };
    },
    write: (digests) => digests.map((digest) => `${version},${digest}`).join(' '),
  };
}

/** Whether the entry `header[start, end)` is `key=…`. */
function isEntryOf(header: string, start: number, end: number, key: string): boolean {
  const equals = start + key.length;
  return equals < end && header.charCodeAt(equals) === 0x3d && header.startsWith(key, start);
}

/** True when the entry `header[start, end)` is exactly `key`, with no `=` and no value. */
function isBareKey(header: string, start: number, end: number, key: string): boolean {
  return end - start === key.length && header.startsWith(key, start);
}

function checkLabel(name: string, label: unknown, forbidden: readonly string[]): void {
  if (typeof label !== 'string' || label.length === 0 || WHITESPACE.test(label) || forbidden.some((text) => label.includes(text))) {
    throw new HookgateError(
      'invalid_config',
      `Signature format ${name} "${String(label)}" must be a non-empty string without whitespace or ${forbidden.map((text) => `"${text}"`).join(', ')}.`,
    );
  }
}

function tooMany(): SignatureHeaderContent {
  return { ok: false, message: `the signature header has more than ${MAX_SIGNATURE_ENTRIES} entries` };
}
