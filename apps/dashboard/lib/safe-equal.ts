import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. Both sides are hashed first so the compared buffers always
 * have the same length and the timing reveals nothing about the expected value's length.
 *
 * @example
 * ```ts
 * safeEqual('abc', 'abc'); // true
 * ```
 */
export function safeEqual(actual: string, expected: string): boolean {
  const a = createHash('sha256').update(actual).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && actual.length === expected.length;
}
