import { describe, expect, it } from 'vitest';
import { HookgateError } from './errors.js';
import { prepareSecrets, type Secret } from './secrets.js';
import type { KeyObject } from 'node:crypto';
import type { HmacKey } from './crypto-backend.js';

/** The key bytes (node:crypto keys on Node). */
const exported = (key: HmacKey): Buffer => (key as KeyObject).export();

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
    expect(keys.map((key) => exported(key).toString())).toEqual(['a', 'b', 'c']);
  });

  it('a string secret is its UTF-8 bytes', () => {
    expect(exported(prepareSecrets('é').keys[0]!)).toEqual(Buffer.from([0xc3, 0xa9]));
  });

  it('copies byte secrets, so later mutation of the caller array changes nothing', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { keys } = prepareSecrets(bytes);
    bytes[0] = 9;
    expect(exported(keys[0]!)).toEqual(Buffer.from([1, 2, 3]));
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

describe('prepareSecrets(): secret formats', () => {
  const KEY = Buffer.from('twenty-four bytes of key');
  const B64 = KEY.toString('base64');

  it("'raw' (the default) keeps the text, whsec_ prefix included (Stripe's rule)", () => {
    expect(exported(prepareSecrets(`whsec_${B64}`).keys[0]!).toString()).toBe(`whsec_${B64}`);
    expect(exported(prepareSecrets(`whsec_${B64}`, 'raw').keys[0]!).toString()).toBe(`whsec_${B64}`);
  });

  it("'base64' decodes the text; padding is optional", () => {
    expect(exported(prepareSecrets(B64, 'base64').keys[0]!)).toEqual(KEY);
    expect(exported(prepareSecrets('AQI=', 'base64').keys[0]!)).toEqual(Buffer.from([1, 2]));
    expect(exported(prepareSecrets('AQI', 'base64').keys[0]!)).toEqual(Buffer.from([1, 2]));
  });

  it("'whsec_base64' decodes what follows whsec_, and like the official library also takes bare base64", () => {
    expect(exported(prepareSecrets(`whsec_${B64}`, 'whsec_base64').keys[0]!)).toEqual(KEY);
    expect(exported(prepareSecrets(B64, 'whsec_base64').keys[0]!)).toEqual(KEY);
  });

  it('byte secrets are the key itself in every format', () => {
    for (const format of ['raw', 'base64', 'whsec_base64'] as const) {
      expect(exported(prepareSecrets(new Uint8Array([0xff, 0x00]), format).keys[0]!)).toEqual(Buffer.from([0xff, 0x00]));
    }
  });

  it.each<[string, string, 'base64' | 'whsec_base64', string]>([
    ['whsec_ alone', 'whsec_', 'whsec_base64', 'nothing follows'],
    ['a trailing newline', `${B64}\n`, 'base64', 'whitespace'],
    ['a space inside', `whsec_${B64.slice(0, 8)} ${B64.slice(8)}`, 'whsec_base64', 'whitespace'],
    ['base64url characters', 'ab-_cd', 'base64', 'alphabet'],
    ['whsec_ under base64 (the prefix is not base64)', `whsec_${B64}`, 'base64', 'alphabet'],
    ['an impossible length', 'abcde', 'base64', 'length'],
    ['padding on a wrong length', 'abcdef=', 'base64', 'length'],
    ['only padding', '====', 'base64', 'alphabet'],
    ['decodes to nothing', '==', 'base64', 'length'],
  ])('%s → invalid_config naming the problem', (_name, secret, format, problem) => {
    try {
      prepareSecrets([B64, secret], format === 'base64' ? 'base64' : 'whsec_base64');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HookgateError);
      expect((error as HookgateError).code).toBe('invalid_config');
      const { message } = error as Error;
      expect(message).toContain('#1');
      expect(message).toContain(problem);
      expect(message).not.toContain(secret.trim() === 'whsec_' ? 'whsec_x' : secret.trim());
    }
  });

  it('the first secret is checked too, and its index is named', () => {
    expect(() => prepareSecrets('not base64!', 'base64')).toThrow(/#0.*base64/);
  });

  it('an unknown format is invalid_config', () => {
    expect(code(() => prepareSecrets('s', 'hex' as never))).toBe('invalid_config');
  });
});
