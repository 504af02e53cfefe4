import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { decideAccess, isLoopbackAddress, issueSession, safeEqual, safeNextPath } from '../lib/auth';
import { readConfig } from '../lib/config';
import { maskCredentials } from '../lib/mask-credentials';
import { PROVIDER_IDS, registry } from '../lib/registry';
import { resolveSecrets } from '../lib/secrets-file';

// The dashboard's pure rules, tested without a browser (the servers cannot be reached from a
// non-loopback address in this sandbox, so the loopback rule is checked here).

// What a browser at http://localhost:3000 sends (no X-Forwarded-Host, no Origin on a GET).
const viaLocalhost = { host: 'localhost:3000', forwardedHost: null, origin: null, allowedHosts: [] };

test('access rule: loopback only without a token, token (Bearer or cookie) from anywhere with one', () => {
  const none = { ...viaLocalhost, token: undefined, sessionCookie: undefined, authorization: null };
  expect(decideAccess({ ...none, peerAddress: '127.0.0.1' })).toEqual({ kind: 'allowed', via: 'loopback' });
  expect(decideAccess({ ...none, peerAddress: '::1' })).toEqual({ kind: 'allowed', via: 'loopback' });
  expect(decideAccess({ ...none, peerAddress: '::ffff:127.0.0.1' })).toEqual({ kind: 'allowed', via: 'loopback' });
  expect(decideAccess({ ...none, peerAddress: '192.168.1.20' }).kind).toBe('loopback_only');
  expect(decideAccess({ ...none, peerAddress: null }).kind).toBe('loopback_only');

  const token = 'a-dashboard-token-for-tests';
  const withToken = { ...viaLocalhost, token, sessionCookie: undefined, authorization: null };
  expect(decideAccess({ ...withToken, peerAddress: '127.0.0.1' }).kind).toBe('sign_in_required');
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', authorization: `Bearer ${token}` })).toEqual({ kind: 'allowed', via: 'bearer' });
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', authorization: `bearer   ${token}` }).kind).toBe('allowed');
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', authorization: `Bearer ${token}x` }).kind).toBe('sign_in_required');
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', authorization: `Basic ${token}` }).kind).toBe('sign_in_required');
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', sessionCookie: issueSession(token) })).toEqual({ kind: 'allowed', via: 'cookie' });
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', sessionCookie: token }).kind).toBe('sign_in_required');
  expect(decideAccess({ ...withToken, peerAddress: '10.0.0.1', sessionCookie: issueSession('another-token-entirely') }).kind).toBe('sign_in_required');
});

test('helpers: loopback addresses, constant-time equality, safe redirects', () => {
  expect(['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([true, true, true, true, true]);
  expect(['128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '', '1.127.0.0'].map(isLoopbackAddress)).toEqual([false, false, false, false, false, false]);
  expect([safeEqual('abc', 'abc'), safeEqual('abc', 'abd'), safeEqual('abc', 'abcd'), safeEqual('', '')]).toEqual([true, false, false, true]);
  expect(['/deliveries?q=1', '//evil.example', '/\\evil.example', 'https://evil.example', '', undefined].map(safeNextPath)).toEqual([
    '/deliveries?q=1',
    '/',
    '/',
    '/',
    '/',
    '/',
  ]);
});

test('configuration: defaults, rotation lists and clear errors', () => {
  const config = readConfig({ HOOKGATE_DATA_DIR: '/srv/hookgate', HOOKGATE_SECRET_PYLON: ' new , old ', HOOKGATE_SECRET_WEBHOOKS_B: '' });
  expect(config).toEqual({
    dataDir: '/srv/hookgate',
    storeUrl: 'sqlite:/srv/hookgate/hookgate.db',
    envSecrets: { pylon: ['new', 'old'], 'webhooks-b': undefined },
    dashboardToken: undefined,
    dashboardHosts: [],
    port: 3000,
    worker: true,
  });
  expect(readConfig({ HOOKGATE_STORE: 'postgres://app@db:5432/hooks', PORT: '8080' })).toMatchObject({ storeUrl: 'postgres://app@db:5432/hooks', port: 8080 });
  // The in-process inbox worker: on unless turned off.
  expect(readConfig({ HOOKGATE_WORKER: 'off' }).worker).toBe(false);
  expect(readConfig({ HOOKGATE_WORKER: ' OFF ' }).worker).toBe(false);
  expect(readConfig({ HOOKGATE_WORKER: 'on' }).worker).toBe(true);

  let message = '';
  try {
    readConfig({
      HOOKGATE_STORE: 'mysql://db',
      PORT: 'eighty',
      HOOKGATE_SECRET_PYLON: 'a,,b',
      HOOKGATE_DASHBOARD_TOKEN: 'short-secret',
      HOOKGATE_WORKER: 'sometimes',
    });
  } catch (error) {
    expect((error as { code?: string }).code).toBe('invalid_config');
    message = (error as Error).message;
  }
  expect(message).toContain('HOOKGATE_STORE must be a "sqlite:<path>" or "postgres://');
  expect(message).toContain('(got "mysql://db")');
  expect(message).toContain('PORT must be a port number');
  expect(message).toContain('HOOKGATE_WORKER must be "on" or "off" (got "sometimes")');
  expect(message).toContain('HOOKGATE_SECRET_PYLON has an empty entry');
  expect(message).toContain('HOOKGATE_DASHBOARD_TOKEN must be at least 16 characters');
  // Secrets and tokens are named, never echoed.
  expect(message).not.toContain('short-secret');
  expect(message).not.toContain('a,,b');
});

test('configuration errors never print a password, however the store URL is mistyped', () => {
  const invalid = [
    'postgress://app:hunter2@db:5432/hooks',
    'mysql://root:hun@ter2/x?y#z@db/hooks',
    'postgres:app:hunter2@db/hooks',
    'app:hunter2@db/hooks',
    'host=db user=app password=hunter2 dbname=hooks',
    "host=db password='hunter2 with spaces'",
    'sqlit:./x.db?password=hunter2&mode=ro',
  ];
  for (const store of invalid) {
    let message = '';
    try {
      readConfig({ HOOKGATE_STORE: store, HOOKGATE_DATA_DIR: `/srv/user:hunter2@host` });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('invalid_config');
      message = (error as Error).message;
    }
    expect(message, store).toContain('HOOKGATE_STORE must be');
    expect(message, store).not.toContain('hunter2');
    expect(message, store).not.toContain('hun@ter2');
  }
  expect(maskCredentials('postgress://app:hunter2@db:5432/hooks')).toBe('postgress://app:***@db:5432/hooks');
  expect(maskCredentials('mysql://root:p@ss/w?rd@db/x')).toBe('mysql://root:***@db/x');
  expect(maskCredentials('host=db password=hunter2 dbname=x')).toBe('host=db password=*** dbname=x');
  expect(maskCredentials('postgres://app@db/x?sslmode=require')).toBe('postgres://app@db/x?sslmode=require');
  expect(maskCredentials('sqlite:./data/hookgate.db')).toBe('sqlite:./data/hookgate.db');
});

test('secrets file: generated once per registered provider with mode 0600, completed but never overwritten, env wins', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-secrets-'));
  try {
    const file = path.join(dataDir, 'secrets.json');
    const [firstId, ...otherIds] = PROVIDER_IDS as [string, ...string[]];
    const first = await resolveSecrets(readConfig({ HOOKGATE_DATA_DIR: dataDir }));
    expect(first.file).toEqual({ path: file, created: true, providers: PROVIDER_IDS });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toEqual(Object.fromEntries(registry.providers.map((entry) => [entry.secret.key, first.secrets[entry.id]])));

    // The documented variable names of the first providers still work (HOOKGATE_SECRET_PYLON, …).
    const again = await resolveSecrets(readConfig({ HOOKGATE_DATA_DIR: dataDir, [registry.providers[0]!.secret.env]: 'from-env' }));
    expect(again.secrets).toEqual({ ...first.secrets, [firstId]: ['from-env'] });
    expect(again.file).toMatchObject({ created: false, providers: otherIds });

    writeFileSync(file, JSON.stringify({ [firstId]: ['kept'] }), { mode: 0o644 });
    const completed = await resolveSecrets(readConfig({ HOOKGATE_DATA_DIR: dataDir }));
    expect(completed.secrets[firstId]).toEqual(['kept']);
    expect(JSON.parse(readFileSync(file, 'utf8'))[firstId]).toEqual(['kept']);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8'))).sort()).toEqual([...PROVIDER_IDS].sort());
    expect(statSync(file).mode & 0o777).toBe(0o600);

    writeFileSync(file, '{ not json');
    await expect(resolveSecrets(readConfig({ HOOKGATE_DATA_DIR: dataDir }))).rejects.toThrow(/secrets\.json is not valid JSON/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
