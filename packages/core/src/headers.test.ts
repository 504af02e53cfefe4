import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HEADERS, getHeader, HeaderRedaction, headersToRecord, isHeaderName, REDACTED } from './headers.js';

describe('isHeaderName()', () => {
  it('accepts RFC 9110 tokens, refuses the rest', () => {
    for (const name of ['X-Signature', 'x_sig', "a!#$%&'*+-.^_`|~9"]) expect(isHeaderName(name), name).toBe(true);
    for (const name of ['', 'X Sig', 'X-Sig:', 'é', 'a\nb', '(x)', 'a/b']) expect(isHeaderName(name), name).toBe(false);
  });
});

describe('getHeader()', () => {
  it('plain object in mixed case, looked up in any case', () => {
    const headers = { 'X-Signature': 'abc', 'content-TYPE': 'application/json' };
    expect(getHeader(headers, 'x-signature')).toBe('abc');
    expect(getHeader(headers, 'X-SIGNATURE')).toBe('abc');
    expect(getHeader(headers, 'Content-Type')).toBe('application/json');
    expect(getHeader(headers, 'x-missing')).toBeUndefined();
  });

  it('Node IncomingHttpHeaders: lower-case names, arrays joined with ", "', () => {
    const headers: IncomingHttpHeaders = { 'x-signature': ['v1=a', 'v1=b'], 'x-ts': '1', 'set-cookie': ['a=1'] };
    expect(getHeader(headers, 'X-Signature')).toBe('v1=a, v1=b');
    expect(getHeader(headers, 'X-Ts')).toBe('1');
  });

  it('Fetch Headers', () => {
    const headers = new Headers({ 'X-Signature': 'abc' });
    headers.append('x-multi', 'a');
    headers.append('X-Multi', 'b');
    expect(getHeader(headers, 'x-signature')).toBe('abc');
    expect(getHeader(headers, 'X-MULTI')).toBe('a, b');
    expect(getHeader(headers, 'x-missing')).toBeUndefined();
  });

  it('an undefined value counts as absent, an empty string is present', () => {
    expect(getHeader({ 'x-a': undefined }, 'x-a')).toBeUndefined();
    expect(getHeader({ 'x-a': '' }, 'x-a')).toBe('');
  });

  // Regression: these crashed with "value.join is not a function".
  it('names of Object.prototype members are absent, not inherited values', () => {
    expect(getHeader({}, 'constructor')).toBeUndefined();
    expect(getHeader({}, '__proto__')).toBeUndefined();
    expect(getHeader({ constructor: 'c' }, 'Constructor')).toBe('c');
  });

  it('a non-string value smuggled past the types is no header (and never a crash)', () => {
    expect(getHeader({ 'content-length': 12 } as never, 'content-length')).toBeUndefined();
    expect(headersToRecord({ 'content-length': 12 } as never)).toEqual({ 'content-length': '12' });
  });

  it('an object without a prototype works (Node uses those for headers)', () => {
    const headers = Object.assign(Object.create(null) as Record<string, string>, { 'X-A': '1' });
    expect(getHeader(headers, 'x-a')).toBe('1');
  });
});

describe('headersToRecord()', () => {
  it('lower-cases names and redacts case-insensitively', () => {
    const record = headersToRecord({ 'X-Sig': 'secret-ish', Accept: '*/*', 'x-other': 'o' }, ['X-SIG']);
    expect(record).toEqual({ 'x-sig': REDACTED, accept: '*/*', 'x-other': 'o' });
  });

  it('joins arrays and merges names that differ only in case', () => {
    expect(headersToRecord({ 'x-a': ['1', '2'], 'X-B': '3', 'x-b': '4' })).toEqual({ 'x-a': '1, 2', 'x-b': '3, 4' });
  });

  // Regression: a `constructor` header was recorded as "function Object() { [native code] }, c"
  // (the inherited member read as an earlier value) and a `__proto__` header was dropped.
  it('records headers named like Object.prototype members as plain headers', () => {
    const record = headersToRecord(JSON.parse('{"Constructor":"c","__proto__":"p","toString":"t"}') as Record<string, string>);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record).sort()).toEqual(['__proto__', 'constructor', 'tostring']);
    expect(record.constructor).toBe('c');
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('p');
    expect(JSON.parse(JSON.stringify(record))).toEqual(JSON.parse('{"constructor":"c","__proto__":"p","tostring":"t"}'));
    expect(headersToRecord({ constructor: 'a', Constructor: 'b' })).toEqual({ constructor: 'a, b' });
  });

  it('a prepared HeaderRedaction redacts like the list it was made from, in any case', () => {
    const redaction = new HeaderRedaction(['X-Sig', 'AUTHORIZATION']);
    const headers = { 'x-sig': 's', Authorization: 'Bearer t', 'x-other': ['1', '2'] };
    expect(headersToRecord(headers, redaction)).toEqual({ 'x-sig': REDACTED, authorization: REDACTED, 'x-other': '1, 2' });
    expect(headersToRecord(headers, redaction)).toEqual(headersToRecord(headers, ['X-Sig', 'AUTHORIZATION']));
    const fetchHeaders = new Headers([
      ['x-sig', 's'],
      ['Authorization', 'Bearer t'],
      ['x-other', '1'],
      ['x-other', '2'],
    ]);
    expect(headersToRecord(fetchHeaders, redaction)).toEqual({ 'x-sig': REDACTED, authorization: REDACTED, 'x-other': '1, 2' });
    expect(redaction.has('x-sig')).toBe(true);
    expect(redaction.has('x-other')).toBe(false);
  });

  it('skips undefined values', () => {
    expect(headersToRecord({ 'x-a': undefined, 'x-b': 'b' })).toEqual({ 'x-b': 'b' });
  });

  it('reads Fetch Headers', () => {
    const headers = new Headers({ 'X-Sig': 's', Authorization: 'Bearer t' });
    expect(headersToRecord(headers, ['x-sig', ...CREDENTIAL_HEADERS])).toEqual({ 'x-sig': REDACTED, authorization: REDACTED });
  });

  it('CREDENTIAL_HEADERS covers HTTP auth, cookies, API keys, tokens and secrets sent in clear', () => {
    for (const name of [
      'authorization',
      'proxy-authorization',
      'cookie',
      'set-cookie',
      'x-api-key',
      'api-key',
      'x-auth-token',
      'x-access-token',
      'x-csrf-token',
      'x-amz-security-token',
      'x-gitlab-token',
    ]) {
      expect(CREDENTIAL_HEADERS).toContain(name);
    }
    // Lower-case, unique and valid header names: redaction compares lower-cased names.
    expect(new Set(CREDENTIAL_HEADERS).size).toBe(CREDENTIAL_HEADERS.length);
    for (const name of CREDENTIAL_HEADERS) {
      expect(name).toBe(name.toLowerCase());
      expect(isHeaderName(name)).toBe(true);
    }
  });

  it('redacts every CREDENTIAL_HEADERS name whatever its case, and nothing else', () => {
    const sent: Record<string, string> = { 'Content-Type': 'application/json', 'X-Request-Id': 'req_1' };
    for (const name of CREDENTIAL_HEADERS) sent[name.toUpperCase()] = `secret-${name}`;
    const record = headersToRecord(sent, CREDENTIAL_HEADERS);
    for (const name of CREDENTIAL_HEADERS) expect(record[name]).toBe(REDACTED);
    expect(record['content-type']).toBe('application/json');
    expect(record['x-request-id']).toBe('req_1');
    expect(JSON.stringify(record)).not.toContain('secret-');
  });
});
