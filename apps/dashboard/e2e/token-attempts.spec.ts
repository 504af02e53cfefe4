import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from './support/test';
import { MAX_TOKEN_FAILURES, recordTokenFailure, TOKEN_FAILURE_WINDOW_MS, tokenAttemptsBlocked } from '../lib/token-attempts';
import { E2E_TOKEN } from './support/env';
import { rawRequest } from './support/http';
import { startDashboard, stopDashboard } from './support/server';

// Audit F5: wrong dashboard tokens were answered as fast as they came (312/s), with no limit.

test('the rule: 20 wrong tokens per address and minute, then a wait until the window ends; other addresses unaffected', () => {
  const t0 = 1_767_225_600_000;
  const peer = `198.51.100.${Math.floor(Math.random() * 250)}`; // the map is process-wide: an address of its own
  for (let failure = 0; failure < MAX_TOKEN_FAILURES - 1; failure++) recordTokenFailure(peer, t0 + failure);
  expect(tokenAttemptsBlocked(peer, t0 + 100)).toBeNull();
  recordTokenFailure(peer, t0 + 100);
  expect(tokenAttemptsBlocked(peer, t0 + 100)).toBe(60);
  expect(tokenAttemptsBlocked(peer, t0 + 59_500)).toBe(1);
  expect(tokenAttemptsBlocked(`${peer}0`, t0 + 100)).toBeNull();
  expect(tokenAttemptsBlocked(peer, t0 + TOKEN_FAILURE_WINDOW_MS)).toBeNull();
  // After the window a failure starts a new one: one more failure does not block again.
  recordTokenFailure(peer, t0 + TOKEN_FAILURE_WINDOW_MS + 1);
  expect(tokenAttemptsBlocked(peer, t0 + TOKEN_FAILURE_WINDOW_MS + 2)).toBeNull();
});

test('a token guesser is held to 20 tries a minute, by sign-in or Bearer; the right token waits too; sessions are unaffected', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-e2e-attempts-'));
  // A server of its own: the limit holds for its whole process, and this test spends it.
  const server = await startDashboard('token-attempts', {
    HOOKGATE_DATA_DIR: dataDir,
    HOOKGATE_STORE: `sqlite:${path.join(dataDir, 'hookgate.db')}`,
    HOOKGATE_DASHBOARD_TOKEN: E2E_TOKEN,
  });
  try {
    const json = { 'content-type': 'application/json' };
    const signIn = await rawRequest(`${server.url}/api/session`, { method: 'POST', headers: json, body: JSON.stringify({ token: E2E_TOKEN }) });
    expect(signIn.status).toBe(204);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;

    for (let attempt = 0; attempt < MAX_TOKEN_FAILURES / 2; attempt++) {
      const wrong = await rawRequest(`${server.url}/api/session`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ token: `wrong-token-${attempt}-0123456789` }),
      });
      expect(wrong.status).toBe(401);
      const bearer = await rawRequest(`${server.url}/api/deliveries`, { headers: { authorization: `Bearer wrong-token-${attempt}-0123456789` } });
      expect(bearer.status).toBe(401);
    }
    // The 21st try, even with the right token, by either way in.
    const blocked = await rawRequest(`${server.url}/api/deliveries`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(blocked.body)).toMatchObject({ error: 'too_many_attempts' });
    const blockedSignIn = await rawRequest(`${server.url}/api/session`, { method: 'POST', headers: json, body: JSON.stringify({ token: E2E_TOKEN }) });
    expect(blockedSignIn.status).toBe(429);
    const form = await rawRequest(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${E2E_TOKEN}&next=/deliveries`,
    });
    expect([form.status, form.headers.location]).toEqual([303, '/sign-in?error=too-many&next=%2Fdeliveries']);
    const page = await rawRequest(`${server.url}/sign-in?error=too-many&next=%2Fdeliveries`);
    expect(page.body).toContain('Too many wrong tokens from this address');
    // A signed-in session is not a guess: it keeps working.
    expect((await rawRequest(`${server.url}/api/deliveries`, { headers: { cookie } })).status).toBe(200);
  } finally {
    await stopDashboard(server);
  }
});
