const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * True when `value` holds a C0 control character or DEL. None belongs in a filter or a path:
 * PostgreSQL refuses NUL in text, and browsers drop tab/CR/LF from URLs (`/\t/evil` → `//evil`).
 *
 * @example
 * ```ts
 * hasControlCharacter('a\u0000b'); // true
 * hasControlCharacter('issue_new'); // false
 * ```
 */
export function hasControlCharacter(value: string): boolean {
  return CONTROL_CHARACTER.test(value);
}

/**
 * Invisible characters that reorder or hide text: the bidirectional embeddings, overrides and
 * isolates (U+202A–202E, U+2066–2069), the direction marks (U+200E, U+200F, U+061C), and the
 * zero-width space, word joiner and byte-order mark. Joiners that shape scripts and emoji
 * (U+200C, U+200D) are not among them.
 */
const INVISIBLE_FORMAT = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/**
 * `text` split into plain runs and the invisible formatting characters between them, each given
 * as its `\uXXXX` escape, so a viewer can show them instead of letting them reorder what follows
 * (`a\u202Eevil.exe` would otherwise read `aexe.live`).
 *
 * @example
 * ```ts
 * visibleFormatParts('a\u202Eb'); // ['a', { escape: '\\u202e' }, 'b']
 * visibleFormatParts('plain'); // ['plain']
 * ```
 */
export function visibleFormatParts(text: string): Array<string | { escape: string }> {
  const parts: Array<string | { escape: string }> = [];
  let last = 0;
  for (const match of text.matchAll(INVISIBLE_FORMAT)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ escape: `\\u${match[0].charCodeAt(0).toString(16).padStart(4, '0')}` });
    last = match.index + 1;
  }
  if (last < text.length || parts.length === 0) parts.push(text.slice(last));
  return parts;
}
