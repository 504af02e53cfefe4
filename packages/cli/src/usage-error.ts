/**
 * Thrown for problems the user fixes with a flag or in the config (no stack trace printed, exit 2).
 *
 * @example
 * ```ts
 * throw new UsageError('--count must be a positive integer.');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
