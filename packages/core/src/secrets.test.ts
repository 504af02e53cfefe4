import { describe, expect, it } from 'vitest';
import { HookgateError } from './errors.js';
import { prepareSecrets, type Secret } from './secrets.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HookgateError ? error.code : `not a HookgateError: ${String(error)}`;
  }
  return undefined;
}

describe('prepareSecrets()', () => {
  it('accepts one string, one Uint8Array, or a list of both, keeping the order', () => {
    expect(prepareSecrets('s').keys).toHaveLength(1);
    expect(prepareSecrets(new Uint8Array([1, 2, 3])).keys).toHaveLength(1);
    const keys = prepareSecrets(['a', new Uint8Array([0x62]), 'c']).keys;
    expect(keys.map((key) => key.export().toString())).toEqual(['a', 'b', 'c']);
  });

  it('a string secret is its UTF-8 bytes', () => {
    expect(prepareSecrets('é').keys[0]!.export()).toEqual(Buffer.from([0xc3, 0xa9]));
  });

  it('copies byte secrets, so later mutation of the caller array changes nothing', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { keys } = prepareSecrets(bytes);
    bytes[0] = 9;
    expect(keys[0]!.export()).toEqual(Buffer.from([1, 2, 3]));
  });

  it.each<[string, Secret | readonly Secret[] | undefined]>([
    ['no secret', undefined],
    ['an empty list', []],
    ['an empty string', ''],
    ['empty bytes', new Uint8Array()],
    ['an empty secret among good ones', ['good', '']],
    ['a number', 42 as unknown as Secret],
    ['null in a list', ['good', null as unknown as Secret]],
  ])('%s → invalid_config', (_name, secrets) => {
    expect(code(() => prepareSecrets(secrets))).toBe('invalid_config');
  });

  it('the error message names the index of the bad secret and never echoes a secret', () => {
    try {
      prepareSecrets(['top-secret-value', '']);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('#1');
      expect((error as Error).message).not.toContain('top-secret-value');
    }
  });
});
