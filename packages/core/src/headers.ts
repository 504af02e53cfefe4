import type { HeadersInput } from './request.js';

/**
 * Reads one header case-insensitively from any {@link HeadersInput}. Repeated headers (arrays)
 * are joined with `, ` as HTTP folds them. Returns undefined when absent. Hot paths pass `lower`
 * (the name lower-cased once, at construction) to save a string allocation per lookup.
 *
 * @example
 * ```ts
 * getHeader({ 'X-Pylon-Signature': 'ab' }, 'x-pylon-signature'); // 'ab'
 * ```
 */
export function getHeader(headers: HeadersInput, name: string, lower: string = name.toLowerCase()): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  // Node and most frameworks hand over lower-case names: try the O(1) paths before scanning.
  let value = record[lower];
  if (value === undefined && lower !== name) value = record[name];
  if (value === undefined) {
    for (const key in record) {
      if (key.length === lower.length && key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // Anything else is no header: an inherited member (`constructor`, `__proto__`) or a value the
  // types rule out but plain objects can still carry.
  return Array.isArray(value) ? value.join(', ') : undefined;
}

/**
 * A set of header names to redact, lower-cased once: what a handler prepares at construction so
 * that recording a delivery's headers does no per-request set-up.
 *
 * @example
 * ```ts
 * const redaction = headerRedaction(['X-Pylon-Signature', ...CREDENTIAL_HEADERS]);
 * headersToRecord(req.headers, redaction);
 * ```
 */
export class HeaderRedaction {
  readonly #names: ReadonlySet<string>;
  readonly #byPattern: boolean;
  /** The answer per name already asked about (listed or matching {@link CREDENTIAL_NAME_PATTERN}): headers repeat on every delivery. */
  readonly #seen = new Map<string, boolean>();

  /**
   * @param names Names to redact (any case).
   * @param options `credentialNames`: also redact every name that looks like a credential or a
   * signature ({@link CREDENTIAL_NAME_PATTERN}) — what handlers do.
   */
  constructor(names: Iterable<string>, options: { credentialNames?: boolean } = {}) {
    const lower = new Set<string>();
    for (const name of names) lower.add(name.toLowerCase());
    this.#names = lower;
    this.#byPattern = options.credentialNames === true;
  }

  /** True when the (lower-case) name is to be recorded as {@link REDACTED}. */
  has(lowerName: string): boolean {
    if (!this.#byPattern) return this.#names.has(lowerName);
    // One map lookup per header on the hot path: the answer for a name, listed or matched, is kept.
    let hidden = this.#seen.get(lowerName);
    if (hidden === undefined) {
      hidden = this.#names.has(lowerName) || CREDENTIAL_NAME_PATTERN.test(lowerName);
      // Bounded: a sender choosing fresh header names must not grow it without end.
      if (this.#seen.size >= 1024) this.#seen.clear();
      this.#seen.set(lowerName, hidden);
    }
    return hidden;
  }
}

/**
 * Header names redacted in recorded deliveries whatever provider received them, besides
 * {@link CREDENTIAL_HEADERS}: any name containing `signature`, `secret`, `token`, `passw`,
 * `hmac`, `api-key`/`apikey`/`api_key`, `authoriz`, `cookie` or `credential`, or starting with
 * `x-auth` (another provider's signature sent to the wrong route, `X-Twilio-Signature`,
 * `X-Secret`, `Password`…). An inbox worker parses a delivery again with its recorded headers,
 * so a provider must not read its event or id from a header named like this.
 *
 * @example
 * ```ts
 * CREDENTIAL_NAME_PATTERN.test('stripe-signature'); // true
 * ```
 */
export const CREDENTIAL_NAME_PATTERN = /signature|secret|token|passw|hmac|api[-_]?key|authoriz|^x-auth|cookie|credential/;

const NO_REDACTION = new HeaderRedaction([]);

/**
 * Copies headers into a plain object with lower-case names, replacing the values of `redact`
 * (case-insensitive names, or a prepared {@link HeaderRedaction}) with `[redacted]`. Used for
 * what a store records. Names that are also `Object.prototype` members (`constructor`,
 * `__proto__`) are recorded like any other.
 *
 * @example
 * ```ts
 * headersToRecord({ 'X-Sig': 'secret-ish', Accept: '*' }, ['x-sig']); // { 'x-sig': '[redacted]', accept: '*' }
 * ```
 */
export function headersToRecord(headers: HeadersInput, redact: Iterable<string> | HeaderRedaction = NO_REDACTION): Record<string, string> {
  const hidden = redact instanceof HeaderRedaction ? redact : new HeaderRedaction(redact);
  const out: Record<string, string> = {};
  if (isFetchHeaders(headers)) {
    // Fetch Headers already lower-cases and folds repeated names.
    headers.forEach((value, key) => {
      putHeader(out, key, hidden.has(key) ? REDACTED : value);
    });
    return out;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const key in record) {
    const value = record[key];
    if (value === undefined) continue;
    // Node hands over lower-case names: toLowerCase() returns the same string without copying.
    const lower = key.toLowerCase();
    const text = hidden.has(lower) ? REDACTED : typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
    putHeader(out, lower, text);
  }
  return out;
}

/** Sets or appends (`, `) a header in a record, own properties only (never an inherited member). */
function putHeader(out: Record<string, string>, lower: string, text: string): void {
  if (!Object.hasOwn(out, lower)) {
    // A plain assignment to `__proto__` would set the prototype instead of recording the header.
    if (lower === '__proto__') Object.defineProperty(out, lower, { value: text, enumerable: true, writable: true, configurable: true });
    else out[lower] = text;
  } else {
    out[lower] = `${out[lower]}, ${text}`;
  }
}

/** An RFC 9110 field name: one or more token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * True when `name` is a valid HTTP header name. Strategies check their header names with it at
 * construction, because a Fetch `Headers` lookup of an invalid name throws mid-request.
 *
 * @example
 * ```ts
 * isHeaderName('X-Signature'); // true
 * isHeaderName('X Signature'); // false
 * ```
 */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * The placeholder written instead of a redacted header value.
 *
 * @example
 * ```ts
 * if (delivery.headers['x-pylon-signature'] === REDACTED) console.log('signature hidden');
 * ```
 */
export const REDACTED = '[redacted]';

/**
 * Headers that carry credentials: always redacted in recorded deliveries, in addition to a
 * provider's signature headers and a handler's `redactHeaders`. HTTP auth and cookies, the
 * common API-key and token headers, and the headers in which some senders put their webhook
 * secret itself (GitLab's `X-Gitlab-Token`, Asana's `X-Hook-Secret`).
 *
 * @example
 * ```ts
 * headersToRecord(req.headers, [provider.verification.signatureHeader, ...CREDENTIAL_HEADERS]);
 * ```
 */
export const CREDENTIAL_HEADERS: readonly string[] = [
  // HTTP authentication and sessions
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  // API keys
  'api-key',
  'apikey',
  'x-api-key',
  'x-apikey',
  'x-goog-api-key',
  'x-functions-key',
  'ocp-apim-subscription-key',
  // tokens
  'x-auth-token',
  'x-access-token',
  'x-refresh-token',
  'x-session-token',
  'x-id-token',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
  'x-shopify-access-token',
  // webhook secrets sent in clear
  'x-gitlab-token',
  'x-hook-secret',
  'x-webhook-secret',
  'x-webhook-token',
];

function isFetchHeaders(headers: HeadersInput): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function';
}
