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
