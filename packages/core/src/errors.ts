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
