import { describe, expect, it } from 'vitest';
import { isFormRequest, readFormBody } from './form-body.js';

const encoder = new TextEncoder();

describe('isFormRequest', () => {
  it.each([
    ['application/x-www-form-urlencoded', true],
    ['Application/X-WWW-Form-URLEncoded; charset=utf-8', true],
    [' application/x-www-form-urlencoded ;charset=UTF-8', true],
    ['application/x-www-form-urlencodedx', false],
    ['application/json', false],
    ['multipart/form-data; boundary=x', false],
    ['text/plain; application/x-www-form-urlencoded', false],
  ])('%s → %s', (contentType, expected) => {
    expect(isFormRequest({ headers: { 'content-type': contentType } })).toBe(expected);
  });

  it('no Content-Type is not a form', () => {
    expect(isFormRequest({ headers: {} })).toBe(false);
  });
});

describe('readFormBody', () => {
  it('decodes + and %XX as a form does, keeping repeated fields in order', () => {
    const form = readFormBody(encoder.encode('a=x+y%2Bz&b=%C3%BC&a=2&empty=&flag'));
    expect(form.ok && [...form.fields]).toEqual([
      ['a', 'x y+z'],
      ['b', 'ü'],
      ['a', '2'],
      ['empty', ''],
      ['flag', ''],
    ]);
  });

  it('refuses bytes that are not UTF-8 instead of decoding them with replacement characters', () => {
    expect(readFormBody(new Uint8Array([0x61, 0x3d, 0xff]))).toEqual({ ok: false, message: 'the form body is not valid UTF-8' });
  });

  it('an empty body is a form without fields', () => {
    const form = readFormBody(new Uint8Array());
    expect(form.ok && [...form.fields]).toEqual([]);
  });
});
