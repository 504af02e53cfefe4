/**
 * Bounds of the detail page's JSON viewer. A body is pretty-printed only within all of them;
 * beyond, the page shows the raw text cut at `maxShownChars` and offers the whole body as a
 * download. Pretty-printing grows with nesting (each level indents every line below it): an 8 KB
 * body nested 4,000 deep pretty-prints to 32 MB, so depth and size are both capped.
 */
export const JSON_VIEW_LIMITS = {
  /** Deepest nesting (objects and arrays) pretty-printed. */
  maxDepth: 32,
  /** Longest input (characters) that is parsed at all. */
  maxInputChars: 128 * 1024,
  /** Longest pretty-printed text shown. */
  maxPrettyChars: 256 * 1024,
  /** Most characters of raw text shown when falling back. */
  maxShownChars: 64 * 1024,
} as const;

/** Limits of {@link viewJsonText} and {@link viewJsonValue}; defaults {@link JSON_VIEW_LIMITS}. */
export type JsonViewLimits = { readonly [K in keyof typeof JSON_VIEW_LIMITS]: number };

/** Why a JSON view fell back to raw text (`binary`: a body that was not UTF-8, shown as base64). */
export type RawReason = 'not_json' | 'too_deep' | 'too_large' | 'binary';

/**
 * What the viewer shows: pretty JSON, or raw text (cut at `maxShownChars` when `truncated`).
 *
 * @example
 * ```ts
 * const view: JsonView = viewJsonText('{"a":1}'); // { kind: 'pretty', text: '{\n  "a": 1\n}' }
 * ```
 */
export type JsonView = { kind: 'pretty'; text: string } | { kind: 'raw'; text: string; truncated: boolean; reason: RawReason };

/**
 * Pretty-prints JSON text within the limits, else falls back to the raw text (truncated). The
 * nesting depth is measured by a scan of the text before parsing, so a hostile body costs one
 * linear pass.
 *
 * @example
 * ```ts
 * viewJsonText('{"a":1}'); // { kind: 'pretty', text: '{\n  "a": 1\n}' }
 * viewJsonText('['.repeat(4000) + ']'.repeat(4000)); // { kind: 'raw', reason: 'too_deep', truncated: false, … }
 * ```
 */
export function viewJsonText(text: string, limits: JsonViewLimits = JSON_VIEW_LIMITS): JsonView {
  if (text.length > limits.maxInputChars) return raw(text, 'too_large', limits);
  if (jsonTextDepth(text) > limits.maxDepth) return raw(text, 'too_deep', limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return raw(text, 'not_json', limits);
  }
  const pretty = JSON.stringify(value, null, 2);
  return pretty.length > limits.maxPrettyChars ? raw(text, 'too_large', limits) : { kind: 'pretty', text: pretty };
}

/**
 * Pretty-prints a parsed value (the delivery's payload) within the same limits; beyond them,
 * compact JSON, truncated (empty when even that cannot be produced).
 *
 * @example
 * ```ts
 * viewJsonValue({ a: [1] }); // { kind: 'pretty', text: '{\n  "a": [\n    1\n  ]\n}' }
 * ```
 */
export function viewJsonValue(value: unknown, limits: JsonViewLimits = JSON_VIEW_LIMITS): JsonView {
  const shape = measureValue(value, limits);
  if (shape !== 'ok') return raw(compactJson(value), shape, limits);
  const pretty = JSON.stringify(value, null, 2) ?? 'null';
  return pretty.length > limits.maxPrettyChars ? raw(compactJson(value), 'too_large', limits) : { kind: 'pretty', text: pretty };
}

/**
 * The deepest nesting of `[`/`{` in JSON text, ignoring brackets inside strings. Linear, no
 * recursion: safe on any input.
 *
 * @example
 * ```ts
 * jsonTextDepth('{"a":[1,"]"]}'); // 2
 * ```
 */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (code === 0x5d || code === 0x7d) depth--;
  }
  return deepest;
}

// Iterative walk: stops at the first container beyond maxDepth, or once the values visited could
// not fit into maxInputChars of text (each takes at least one character).
function measureValue(value: unknown, limits: JsonViewLimits): 'ok' | 'too_deep' | 'too_large' {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let visited = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (++visited > limits.maxInputChars) return 'too_large';
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limits.maxDepth) return 'too_deep';
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return 'ok';
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // Nested beyond the engine's stack: nothing sensible to show but the download.
    return '';
  }
}

/**
 * Raw text for the viewer, cut at `maxShownChars`.
 *
 * @example
 * ```ts
 * viewRawText('//5B', 'binary'); // { kind: 'raw', text: '//5B', truncated: false, reason: 'binary' }
 * ```
 */
export function viewRawText(text: string, reason: RawReason, limits: JsonViewLimits = JSON_VIEW_LIMITS): JsonView {
  return raw(text, reason, limits);
}

function raw(text: string, reason: RawReason, limits: JsonViewLimits): JsonView {
  const truncated = text.length > limits.maxShownChars;
  return { kind: 'raw', text: truncated ? text.slice(0, limits.maxShownChars) : text, truncated, reason };
}
