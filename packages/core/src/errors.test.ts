import { describe, expect, it } from 'vitest';
import { HookgateError } from './errors.js';

describe('HookgateError', () => {
  it('is an Error with a stable name and code, and keeps its cause', () => {
    const cause = new Error('root');
    const error = new HookgateError('invalid_config', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(HookgateError);
    expect(error.name).toBe('HookgateError');
    expect(error.code).toBe('invalid_config');
    expect(error.message).toBe('bad option');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('HookgateError: bad option');
  });
});
