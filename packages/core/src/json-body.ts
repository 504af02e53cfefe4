/**
 * Default deepest nesting of arrays and objects a JSON body may have: 256 levels. Webhook
 * payloads nest a handful of levels; a sender-chosen `[[[[…]]]]` thousands deep would overflow
 * the stack of every recursive consumer (`JSON.stringify` in a store, a listener, a pretty
 * printer), so a deeper body is refused as `invalid_payload` / `json_too_deep` before it is parsed.
 *
 * @example
 * ```ts
 * createWebhookHandler({ provider, secret, maxJsonDepth: 2 * DEFAULT_MAX_JSON_DEPTH }); // 512 levels
 * ```
 */
export const DEFAULT_MAX_JSON_DEPTH = 256;

/**
 * What {@link parseJsonBody} yields: the parsed value, or why there is none.
 * `json_too_deep` means the nesting exceeded the limit (JSON.parse was never called).
 */
export type JsonBodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'invalid_json' | 'json_too_deep'; readonly message: string };

const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** `[` | 0x20 is `{` and `]` | 0x20 is `}`: one comparison finds both kinds of bracket. */
const CASE_BIT = 0x20;

/**
 * True when the JSON text in `bytes` nests arrays/objects deeper than `maxDepth` (`[]` is depth 1,
 * a scalar 0). One pass over the bytes, brackets inside strings ignored (escape-aware); nothing
 * is allocated. Bodies with no more opening brackets than `maxDepth` — nearly all of them — are
 * settled by a cheaper counting pass. Malformed JSON is not judged here: `JSON.parse` refuses it.
 *
 * @example
 * ```ts
 * jsonDepthExceeds(new TextEncoder().encode('[[1]]'), 2); // false
 * jsonDepthExceeds(new TextEncoder().encode('[[[1]]]'), 2); // true
 * jsonDepthExceeds(new TextEncoder().encode('["[[[[["]'), 2); // false: brackets in a string
 * ```
 */
export function jsonDepthExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  const length = bytes.length;
  // Valid JSON nested deeper than maxDepth needs maxDepth + 1 opening and as many closing brackets.
  if (length < 2 * (maxDepth + 1)) return false;
  // Counting every opening bracket (strings included) over-estimates the depth: when even that
  // stays within the limit, the exact scan is not needed.
  if (countOpeningBrackets(bytes, maxDepth) <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) {
      // Skip the string: UTF-8 continuation bytes are >= 0x80, so only ASCII `"` and `\` matter.
      for (i++; i < length; i++) {
        const inner = bytes[i]!;
        if (inner === BACKSLASH) i++;
        else if (inner === QUOTE) break;
      }
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/**
 * How many bytes are `[` or `{`, counting stopped once past `stopAbove`. Reads four bytes at a
 * time (SWAR: a byte equal to `{` after OR-ing 0x20 becomes a zero byte, found exactly with the
 * classic has-zero-byte mask), about three times faster than a byte loop: this pass runs on every
 * body, so it is kept cheap next to `JSON.parse`.
 */
function countOpeningBrackets(bytes: Uint8Array, stopAbove: number): number {
  const length = bytes.length;
  let count = 0;
  let i = 0;
  const head = Math.min(length, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) if ((bytes[i]! | CASE_BIT) === OPEN_BRACE) count++;
  const words = (length - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const folded = (view[k]! | 0x20202020) ^ 0x7b7b7b7b; // a zero byte where the input had [ or {
      const zeros = ~(((folded & 0x7f7f7f7f) + 0x7f7f7f7f) | folded) & 0x80808080;
      if (zeros !== 0) {
        count += Math.imul(zeros >>> 7, 0x01010101) >>> 24; // how many of the four bytes
        if (count > stopAbove) return count;
      }
    }
    i += words * 4;
  }
  for (; i < length; i++) if ((bytes[i]! | CASE_BIT) === OPEN_BRACE) count++;
  return count;
}

const limits = new WeakMap<Uint8Array, number>();

/**
 * Sets the depth limit that {@link parseJsonBody} (and so every provider's `parse` and the
 * `{$request.body#/…}` template pointer) applies to this exact body, instead of
 * {@link DEFAULT_MAX_JSON_DEPTH}. The handler calls it with its `maxJsonDepth` for each request,
 * so the limit is checked once, where the body is parsed, without a second scan. Not exported
 * from the package: a body is only ever annotated by the handler that received it.
 *
 * @example
 * ```ts
 * setJsonDepthLimit(request.rawBody, options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH);
 * await provider.parse(request.rawBody, request); // applies that limit
 * ```
 */
export function setJsonDepthLimit(bytes: Uint8Array, maxDepth: number): void {
  if (maxDepth === DEFAULT_MAX_JSON_DEPTH) limits.delete(bytes);
  else limits.set(bytes, maxDepth);
}

/**
 * The depth limit that applies to `bytes`: the handler's (see {@link setJsonDepthLimit}), else
 * {@link DEFAULT_MAX_JSON_DEPTH}.
 *
 * @example
 * ```ts
 * if (jsonDepthExceeds(bytes, jsonDepthLimitOf(bytes))) return undefined;
 * ```
 */
export function jsonDepthLimitOf(bytes: Uint8Array): number {
  return limits.get(bytes) ?? DEFAULT_MAX_JSON_DEPTH;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The body last decoded by {@link parseJsonBody} and its text (one slot: the request in hand). */
let lastDecoded: Uint8Array | undefined;
let lastText = '';
/** The value `JSON.parse` gave for that body. */
let lastValue: unknown;
/** A value a provider's parse kept exactly as `JSON.parse` gave it, and that body's text (one slot). */
let pristineValue: unknown;
let pristineText = '';

/**
 * The UTF-8 text of `bytes` when {@link parseJsonBody} decoded this very body last (with the same
 * strict decoder, so the text is exactly what decoding again would give), else undefined. Lets a
 * store keep the text the parse already made instead of decoding the body a second time.
 * Internal to core (not exported from the package).
 *
 * @example
 * ```ts
 * parseJsonBody(request.rawBody);
 * decodedTextOf(request.rawBody); // the same string JSON.parse read
 * ```
 */
export function decodedTextOf(bytes: Uint8Array): string | undefined {
  return bytes === lastDecoded ? lastText : undefined;
}

/**
 * Parses body bytes as UTF-8 JSON with a nesting-depth limit checked before `JSON.parse` runs.
 * Never throws: invalid UTF-8 or JSON is `invalid_json`, too deep is `json_too_deep`.
 *
 * @example
 * ```ts
 * const parsed = parseJsonBody(new TextEncoder().encode('{"a":[1]}'));
 * if (parsed.ok) console.log(parsed.value); // { a: [1] }
 * parseJsonBody(new TextEncoder().encode('[[[]]]'), 2); // { ok: false, reason: 'json_too_deep', … }
 * ```
 */
export function parseJsonBody(bytes: Uint8Array, maxDepth: number = jsonDepthLimitOf(bytes)): JsonBodyResult {
  if (jsonDepthExceeds(bytes, maxDepth)) {
    return { ok: false, reason: 'json_too_deep', message: `body nests arrays/objects deeper than ${maxDepth} levels` };
  }
  try {
    const text = decoder.decode(bytes);
    lastDecoded = bytes;
    lastText = text;
    const value: unknown = JSON.parse(text);
    // Only a body within the default depth may stand in for its payload's JSON: under a raised
    // limit it may nest deeper than JSON.stringify (and so any reader re-serialising it) survives,
    // and the store then keeps `null`, as it always did.
    lastValue = maxDepth <= DEFAULT_MAX_JSON_DEPTH ? value : undefined;
    return { ok: true, value };
  } catch {
    return { ok: false, reason: 'invalid_json', message: bytes.byteLength === 0 ? 'body is empty' : 'body is not valid JSON' };
  }
}

/**
 * A parsed payload as the JSON text a store keeps, or null when there is none or it cannot be
 * serialised (nesting that overflows the stack, a `BigInt` or a cycle from a schema transform).
 * Stores use it so that a payload can never make `record()` throw, which the handler would
 * report as a store outage (503) and the provider would retry forever; the raw body is kept anyway.
 *
 * @example
 * ```ts
 * serializePayload({ a: 1 }); // '{"a":1}'
 * serializePayload({ n: 1n }); // null
 * serializePayload(undefined); // null
 * ```
 */
export function serializePayload(payload: unknown): string | null {
  if (payload === undefined || payload === null) return null;
  try {
    // JSON.stringify yields undefined for a bare function or symbol.
    return JSON.stringify(payload) ?? null;
  } catch {
    return null;
  }
}

/**
 * Notes that `value` — the object {@link parseJsonBody} returned last — is the payload exactly as
 * parsed, changed in no way (a provider's fast path said so): its JSON text is then the body's
 * own text, and a store need not serialise it again (see {@link pristineTextOf}). Does nothing
 * for any other value. Internal to core (not exported from the package).
 *
 * @example
 * ```ts
 * const parsed = parseJsonBody(bytes);
 * if (parsed.ok) markPristine(parsed.value);
 * ```
 */
export function markPristine(value: unknown): void {
  if (value !== undefined && value === lastValue) {
    pristineValue = value;
    pristineText = lastText;
  }
}

/**
 * The JSON text of `value` when it was last marked by {@link markPristine} (the body's decoded
 * text, which parses to a value equal to it), else undefined. Identity-checked: a value parsed
 * since, or changed by a normalising parse, is never taken for another.
 *
 * @example
 * ```ts
 * const payloadJson = pristineTextOf(parsed.payload) ?? serializePayload(parsed.payload);
 * ```
 */
export function pristineTextOf(value: unknown): string | undefined {
  return value !== undefined && value === pristineValue ? pristineText : undefined;
}
