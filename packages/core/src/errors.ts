/**
 * Stable codes carried by {@link HookgateError}. Programmer errors only: what a sender can
 * cause (a bad signature, an unknown event) is a result, never an exception.
 */
export type HookgateErrorCode = 'invalid_config' | 'unknown_event_name' | 'store_closed' | 'missing_driver' | 'raw_body_unavailable' | 'unsupported_runtime';

/**
 * The one error class Hookgate throws, always at construction or registration time.
 *
 * @example
 * ```ts
 * import { hmac, HookgateError } from '@hookgate/core';
 * try {
 *   hmac({ header: '' });
 * } catch (error) {
 *   if (error instanceof HookgateError && error.code === 'invalid_config') console.error(error.message);
 * }
 * ```
 */
export class HookgateError extends Error {
  override readonly name = 'HookgateError';
  /** Machine-readable code; the message is for humans and may change. */
  readonly code: HookgateErrorCode;

  constructor(code: HookgateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A thrown value as text, whatever was thrown: an `Error`'s message (its `String()` when the
 * message is not a string), any other value's `String()`. Never throws, even for values that
 * cannot be converted (an object without a prototype, a `toString` that throws, a revoked
 * proxy): listener code may throw anything, and describing it must not crash a worker. Internal.
 *
 * @example
 * ```ts
 * describeThrown(new Error('boom')); // 'boom'
 * describeThrown(Object.create(null)); // 'a thrown value that cannot be shown as text ([object Object])'
 * ```
 */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return typeof error.message === 'string' ? error.message : String(error.message);
    return String(error);
  } catch {
    let tag = 'unknown';
    try {
      tag = Object.prototype.toString.call(error);
    } catch {
      // a revoked proxy, or a Symbol.toStringTag getter that throws
    }
    return `a thrown value that cannot be shown as text (${tag})`;
  }
}

/**
 * The name to report a thrown value by: an `Error`'s `name` when it is a string, else its type.
 * Never throws. Internal.
 *
 * @example
 * ```ts
 * thrownName(new TypeError('x')); // 'TypeError'
 * thrownName('oops'); // 'string'
 * ```
 */
export function thrownName(error: unknown): string {
  try {
    if (error instanceof Error && typeof error.name === 'string') return error.name;
  } catch {
    // fall through to the type
  }
  return error === null ? 'null' : typeof error;
}
