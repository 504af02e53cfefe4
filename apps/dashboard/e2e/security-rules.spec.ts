import { test, expect } from '@playwright/test';
import { safeNextPath } from '../lib/auth';
import { contentSecurityPolicy } from '../lib/content-security-policy';
import { jsonTextDepth, viewJsonText, viewJsonValue } from '../lib/json-view';
import { checkCrossSiteRead, checkSameOrigin, requestOrigin } from '../lib/same-origin';

// The security rules of issue 11 as pure functions, without a browser; security.spec.ts checks
// the same rules end to end against the running servers.

test('safe redirects: only same-origin paths, checked before and after decoding', () => {
  const hostile = [
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r/evil.example',
    '/%09/evil.example',
    '/%0a/evil.example',
    '/%0D/evil.example',
    '//evil.example',
    '/\\evil.example',
    '/%5Cevil.example',
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '/.//evil.example',
    '/a/..//evil.example',
    'https://evil.example',
    'evil.example',
    '/%E0%A4%A',
    `/${'a'.repeat(3000)}`,
  ];
  for (const next of hostile) expect(safeNextPath(next), JSON.stringify(next)).toBe('/');
  expect(safeNextPath('/deliveries?provider=pylon&q=a b#top')).toBe('/deliveries?provider=pylon&q=a%20b#top');
  expect(safeNextPath('/deliveries/../sign-in')).toBe('/sign-in');
});

test('same-origin guard: Sec-Fetch-Site and Origin against the Host the browser used', () => {
  const post = (headers: Record<string, string>) => new Request('http://localhost:3000/api/session', { method: 'POST', headers });
  expect(requestOrigin(post({ host: '127.0.0.1:3000' }))).toBe('http://127.0.0.1:3000');
  expect(requestOrigin(post({ host: 'internal:3000', 'x-forwarded-host': 'dash.example', 'x-forwarded-proto': 'https' }))).toBe('https://dash.example');
  expect(checkSameOrigin(post({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }))).toBeNull();
  expect(checkSameOrigin(post({ host: '127.0.0.1:3000' }))).toBeNull();
  expect(checkSameOrigin(post({ host: '127.0.0.1:3000', 'sec-fetch-site': 'none' }))).toBeNull();
  expect(checkSameOrigin(post({ host: '127.0.0.1:3000', 'sec-fetch-site': 'same-site' }))).toMatchObject({ kind: 'cross_site' });
  expect(checkSameOrigin(post({ host: '127.0.0.1:3000', origin: 'http://localhost:3000' }))).toMatchObject({ kind: 'foreign_origin' });
  expect(checkSameOrigin(post({ host: '127.0.0.1:3000', origin: 'null' }))).toMatchObject({ kind: 'foreign_origin' });
  expect(checkSameOrigin(post({ host: 'dash.example', origin: 'http://dash.example', 'x-forwarded-proto': 'https' }))).toMatchObject({
    kind: 'foreign_origin',
  });
});

test('cross-site reads: a link from another site is followed, a background request is refused', () => {
  const get = (headers: Record<string, string>) => new Request('http://localhost:3000/api/deliveries?q=x', { headers });
  expect(checkCrossSiteRead(get({}))).toBeNull();
  expect(checkCrossSiteRead(get({ 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }))).toBeNull();
  expect(checkCrossSiteRead(get({ 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }))).toBeNull();
  expect(checkCrossSiteRead(get({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }))).toBeNull();
  for (const [mode, dest] of [
    ['no-cors', 'image'],
    ['navigate', 'iframe'],
    ['cors', 'empty'],
    ['no-cors', 'script'],
  ]) {
    for (const site of ['cross-site', 'same-site']) {
      expect(checkCrossSiteRead(get({ 'sec-fetch-site': site, 'sec-fetch-mode': mode!, 'sec-fetch-dest': dest! }))).toEqual({
        kind: 'cross_site',
        secFetchSite: site,
      });
    }
  }
});

test('JSON viewer: bounded in depth and size, linear on hostile input', () => {
  expect(jsonTextDepth('{"a":[1,"]["],"b":"\\"}')).toBe(2);
  expect(viewJsonText('{"a":1}')).toEqual({ kind: 'pretty', text: '{\n  "a": 1\n}' });
  const deep = `${'['.repeat(4000)}${']'.repeat(4000)}`;
  expect(viewJsonText(deep)).toEqual({ kind: 'raw', text: deep, truncated: false, reason: 'too_deep' });
  expect(viewJsonText('not json')).toMatchObject({ kind: 'raw', reason: 'not_json' });
  const wide = `[${Array.from({ length: 40_000 }, () => '"xxxx"').join(',')}]`;
  const view = viewJsonText(wide);
  expect(view).toMatchObject({ kind: 'raw', reason: 'too_large', truncated: true });
  expect(view.text.length).toBe(64 * 1024);
  // A payload nested beyond the engine's stack still yields an answer, not a crash.
  let value: unknown = 1;
  for (let depth = 0; depth < 20_000; depth++) value = [value];
  expect(viewJsonValue(value)).toMatchObject({ kind: 'raw', reason: 'too_deep' });
  expect(viewJsonValue({ a: [1] })).toEqual({ kind: 'pretty', text: '{\n  "a": [\n    1\n  ]\n}' });
});

test('content security policy: nonce scripts, no framing, eval only in development', () => {
  const production = contentSecurityPolicy({ nonce: 'abc', development: false });
  expect(production).toContain("script-src 'self' 'nonce-abc';");
  expect(production).toContain("frame-ancestors 'none'");
  expect(production).not.toContain('unsafe-eval');
  expect(contentSecurityPolicy({ nonce: 'abc', development: true })).toContain("'unsafe-eval'");
});
