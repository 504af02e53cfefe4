import { createHmac } from 'node:crypto';
import { test, expect } from '@playwright/test';
import { decideAccess, issueSession, revokeSession, SESSION_MAX_AGE_SECONDS, verifySession } from '../lib/auth';
import { readConfig } from '../lib/config';
import { checkLoopbackHost, hostnameOf, isLoopbackHostname } from '../lib/loopback-host';

// Audit F1 (DNS rebinding) and F2 (a constant session cookie) as pure rules, without a server;
// rebinding.spec.ts and session.spec.ts check them end to end.

const loopbackClient = { token: undefined, sessionCookie: undefined, authorization: null, peerAddress: '127.0.0.1', allowedHosts: [] };
const headers = (host: string | null, extra: { forwardedHost?: string; origin?: string } = {}) => ({
  host,
  forwardedHost: extra.forwardedHost ?? null,
  origin: extra.origin ?? null,
});

test('DNS rebinding: without a token a loopback client is served only through a loopback name', () => {
  for (const host of [
    'localhost:3000',
    'LOCALHOST',
    'localhost.:3000',
    'app.localhost:3000',
    '127.0.0.1:3000',
    '127.8.9.10',
    '127.1:3000',
    '[::1]:3000',
    '[0:0:0:0:0:0:0:1]',
  ]) {
    expect(decideAccess({ ...loopbackClient, ...headers(host) }), host).toEqual({ kind: 'allowed', via: 'loopback' });
  }
  // The audit's reproduction: a page of attacker.example whose name now resolves to 127.0.0.1.
  expect(decideAccess({ ...loopbackClient, ...headers('attacker.example:3311') })).toEqual({
    kind: 'host_not_allowed',
    refused: { header: 'host', value: 'attacker.example:3311' },
  });
  const refused = [
    'attacker.example',
    'localhost.attacker.example',
    'localhost@attacker.example',
    'attacker.example/localhost',
    '127.0.0.1.attacker.example',
    '0.0.0.0:3000',
    '192.168.1.20:3000',
    '[::ffff:10.0.0.1]:3000',
    '',
    'localhost:3000 x',
  ];
  for (const host of refused) expect(decideAccess({ ...loopbackClient, ...headers(host) }).kind, host).toBe('host_not_allowed');
  expect(decideAccess({ ...loopbackClient, ...headers(null) }).kind).toBe('host_not_allowed');
});

test('DNS rebinding: X-Forwarded-Host and Origin can only narrow access, never widen it', () => {
  // A rebound page cannot talk its way in with a header naming localhost …
  expect(decideAccess({ ...loopbackClient, ...headers('attacker.example:3311', { forwardedHost: 'localhost:3311' }) }).kind).toBe('host_not_allowed');
  // … and a loopback Host with a foreign forwarded host or Origin is refused too.
  expect(decideAccess({ ...loopbackClient, ...headers('127.0.0.1:3311', { forwardedHost: 'attacker.example:3311' }) })).toEqual({
    kind: 'host_not_allowed',
    refused: { header: 'x-forwarded-host', value: 'attacker.example:3311' },
  });
  expect(decideAccess({ ...loopbackClient, ...headers('127.0.0.1:3311', { forwardedHost: 'localhost:3311, attacker.example' }) }).kind).toBe(
    'host_not_allowed',
  );
  expect(decideAccess({ ...loopbackClient, ...headers('127.0.0.1:3311', { origin: 'http://attacker.example:3311' }) })).toEqual({
    kind: 'host_not_allowed',
    refused: { header: 'origin', value: 'http://attacker.example:3311' },
  });
  expect(decideAccess({ ...loopbackClient, ...headers('127.0.0.1:3311', { origin: 'null' }) }).kind).toBe('host_not_allowed');
  expect(decideAccess({ ...loopbackClient, ...headers('localhost:3311', { forwardedHost: '127.0.0.1:3311', origin: 'http://localhost:3311' }) }).kind).toBe(
    'allowed',
  );
});

test('DNS rebinding: names in HOOKGATE_DASHBOARD_HOSTS are served; a token changes nothing; other peers stay refused', () => {
  const allowedHosts = readConfig({ HOOKGATE_DASHBOARD_HOSTS: ' My-Box , dash.lan,10.0.0.5 ' }).dashboardHosts;
  expect(allowedHosts).toEqual(['my-box', 'dash.lan', '10.0.0.5']);
  expect(decideAccess({ ...loopbackClient, allowedHosts, ...headers('my-box:3000', { origin: 'http://MY-BOX:3000' }) }).kind).toBe('allowed');
  expect(decideAccess({ ...loopbackClient, allowedHosts, ...headers('dash.lan.') }).kind).toBe('allowed');
  expect(decideAccess({ ...loopbackClient, allowedHosts, ...headers('sub.dash.lan') }).kind).toBe('host_not_allowed');
  // Non-loopback peers are refused whatever name they use.
  expect(decideAccess({ ...loopbackClient, allowedHosts, peerAddress: '10.0.0.9', ...headers('my-box:3000') }).kind).toBe('loopback_only');
  // With a token the Host does not matter: a rebound origin has no cookie, and Bearer clients are fine.
  const token = 'a-dashboard-token-for-tests';
  expect(decideAccess({ ...loopbackClient, token, authorization: `Bearer ${token}`, ...headers('attacker.example') })).toEqual({
    kind: 'allowed',
    via: 'bearer',
  });
  expect(decideAccess({ ...loopbackClient, token, ...headers('attacker.example') }).kind).toBe('sign_in_required');

  expect([hostnameOf('LocalHost:3000'), hostnameOf('127.1'), hostnameOf('a b'), hostnameOf('[::1]:80')]).toEqual(['localhost', '127.0.0.1', null, '[::1]']);
  expect(['localhost', 'x.localhost', '127.255.0.1', '[::1]', 'localhost.evil', '128.0.0.1', '[::2]'].map(isLoopbackHostname)).toEqual([
    true,
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
  expect(checkLoopbackHost(headers('localhost'), [])).toBeNull();

  for (const value of ['http://dash.lan', 'dash.lan:3000', '*.dash.lan', '*', 'a,,b', 'dash lan', '.lan']) {
    expect(() => readConfig({ HOOKGATE_DASHBOARD_HOSTS: value }), value).toThrow(/HOOKGATE_DASHBOARD_HOSTS has (an invalid|an empty) entry/);
  }
});

test('session cookie: a new random session at each sign-in, expiring after 7 days, revocable; v1 cookies refused', () => {
  const token = 'a-dashboard-token-for-tests';
  const now = Date.UTC(2026, 0, 1);
  const first = issueSession(token, now);
  const second = issueSession(token, now);
  expect(first).toMatch(/^v2\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  expect(first).not.toBe(second);
  expect(first).not.toContain(token);
  expect(verifySession(token, first, now)).toEqual({ id: first.split('.')[2], issuedAt: now / 1000, expiresAt: now / 1000 + SESSION_MAX_AGE_SECONDS });

  // Server-side lifetime, whatever the browser does with Max-Age.
  expect(verifySession(token, first, now + (SESSION_MAX_AGE_SECONDS - 1) * 1000)).not.toBeNull();
  expect(verifySession(token, first, now + SESSION_MAX_AGE_SECONDS * 1000)).toBeNull();
  expect(verifySession(token, first, now - 10 * 60 * 1000)).toBeNull();

  // Another token, a changed issue time or id, or garbage: refused.
  expect(verifySession('another-token-entirely', first, now)).toBeNull();
  const [version, issued, id, mac] = first.split('.') as [string, string, string, string];
  expect(verifySession(token, [version, String(Number(issued) + 3600), id, mac].join('.'), now)).toBeNull();
  expect(verifySession(token, [version, issued, `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`, mac].join('.'), now)).toBeNull();
  expect(verifySession(token, `${first}x`, now)).toBeNull();
  // The old constant cookie (audit F2) no longer signs anyone in.
  const v1 = createHmac('sha256', token).update('hookgate-dashboard-session:v1').digest('base64url');
  expect(verifySession(token, v1, now)).toBeNull();
  expect(decideAccess({ ...loopbackClient, ...headers('localhost'), token, sessionCookie: v1 }).kind).toBe('sign_in_required');

  // Sign-out revokes that session only.
  const claims = verifySession(token, first, now)!;
  revokeSession(claims, now);
  expect(verifySession(token, first, now)).toBeNull();
  expect(verifySession(token, second, now)).not.toBeNull();
});
