import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverUrl } from './support/env';
import { rawRequest } from './support/http';
import { newMarker, pylonDelivery, send } from './support/send';
import { exitCode, spawnDashboard, startDashboard, stopDashboard } from './support/server';
import { expect, test } from './support/test';

// Audit F1: DNS rebinding against the `open` server (no token, loopback rule). A page of
// http://attacker.example:<port> whose name was rebound to 127.0.0.1 reaches the server from
// loopback, with Host (and Origin) attacker.example. Before the fix it read every delivery and
// replayed them. rebinding-browser.spec.ts replays the attack in Chromium.

const ATTACKER = 'attacker.example';

test.describe('DNS rebinding', () => {
  test('a foreign Host gets 403 on pages, the JSON API and replays; loopback names and webhooks still work', async () => {
    const base = serverUrl('openUrl');
    const port = new URL(base).port;
    const delivery = await send(base, 'pylon', pylonDelivery(newMarker()));
    expect(delivery.kind).toBe('handled');
    const rebound = { host: `${ATTACKER}:${port}`, 'sec-fetch-site': 'same-origin' };
    const reboundPost = { ...rebound, origin: `http://${ATTACKER}:${port}`, 'content-type': 'application/json' };

    const page = await rawRequest(`${base}/deliveries`, { headers: rebound });
    expect(page.status).toBe(403);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(`Refused Host &#34;${ATTACKER}:${port}&#34;`);
    expect(page.body).toContain('HOOKGATE_DASHBOARD_HOSTS');
    expect(page.body).not.toContain(delivery.deliveryId);

    for (const path of [
      '/api/deliveries?limit=100',
      `/api/deliveries/${delivery.deliveryId}`,
      `/api/deliveries/${delivery.deliveryId}/body`,
      '/api/deliveries/replay?provider=pylon',
      '/api/deliveries/events',
    ]) {
      const response = await rawRequest(`${base}${path}`, { headers: rebound });
      expect(response.status, path).toBe(403);
      expect(JSON.parse(response.body), path).toMatchObject({
        error: 'host_not_allowed',
        message: expect.stringContaining(`Refused Host "${ATTACKER}:${port}"`),
      });
    }
    const replay = await rawRequest(`${base}/api/deliveries/${delivery.deliveryId}/replay`, { method: 'POST', headers: reboundPost });
    expect(replay.status).toBe(403);
    expect(JSON.parse(replay.body)).toMatchObject({ error: 'host_not_allowed' });
    const batch = await rawRequest(`${base}/api/deliveries/replay`, {
      method: 'POST',
      headers: reboundPost,
      body: JSON.stringify({ query: 'provider=pylon', expected: 1 }),
    });
    expect(batch.status).toBe(403);

    // A client-supplied X-Forwarded-Host does not widen access; a foreign one narrows it.
    expect((await rawRequest(`${base}/api/deliveries`, { headers: { ...rebound, 'x-forwarded-host': `localhost:${port}` } })).status).toBe(403);
    const forwarded = await rawRequest(`${base}/api/deliveries`, { headers: { host: `127.0.0.1:${port}`, 'x-forwarded-host': `${ATTACKER}:${port}` } });
    expect([forwarded.status, JSON.parse(forwarded.body).message]).toEqual([403, expect.stringContaining('Refused X-Forwarded-Host')]);
    const origin = await rawRequest(`${base}/api/deliveries/${delivery.deliveryId}/replay`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${port}`, origin: `http://${ATTACKER}:${port}` },
    });
    expect(origin.status).toBe(403);

    // The loopback names still reach everything.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `app.localhost:${port}`]) {
      expect((await rawRequest(`${base}/deliveries`, { headers: { host } })).status, host).toBe(200);
      expect((await rawRequest(`${base}/api/deliveries/${delivery.deliveryId}`, { headers: { host } })).status, host).toBe(200);
    }
    const ownReplay = await rawRequest(`${base}/api/deliveries/${delivery.deliveryId}/replay`, {
      method: 'POST',
      headers: { host: `localhost:${port}`, origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin' },
    });
    expect([ownReplay.status, JSON.parse(ownReplay.body)]).toEqual([200, expect.objectContaining({ ok: true })]);

    // Providers and tunnels send their own Host: webhooks accept any.
    const signed = pylonDelivery(newMarker());
    const webhook = await rawRequest(`${base}/api/webhooks/pylon`, {
      method: 'POST',
      headers: { ...signed.headers, host: `${ATTACKER}:${port}` },
      body: signed.body,
    });
    expect([webhook.status, JSON.parse(webhook.body)]).toEqual([200, expect.objectContaining({ kind: 'handled' })]);
  });

  test('HOOKGATE_DASHBOARD_HOSTS lets a loopback client use a listed name; an invalid list stops the server', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-e2e-hosts-'));
    const server = await startDashboard('dashboard-hosts', {
      HOOKGATE_DATA_DIR: dataDir,
      HOOKGATE_STORE: `sqlite:${path.join(dataDir, 'hookgate.db')}`,
      HOOKGATE_DASHBOARD_HOSTS: 'dash.test, my-box',
    });
    try {
      const port = new URL(server.url).port;
      for (const host of [`dash.test:${port}`, `MY-BOX:${port}`, `localhost:${port}`]) {
        expect((await rawRequest(`${server.url}/api/deliveries`, { headers: { host } })).status, host).toBe(200);
      }
      expect((await rawRequest(`${server.url}/api/deliveries`, { headers: { host: `${ATTACKER}:${port}` } })).status).toBe(403);
    } finally {
      await stopDashboard(server);
    }

    const invalid = await spawnDashboard('bad-dashboard-hosts', {
      HOOKGATE_DATA_DIR: dataDir,
      HOOKGATE_STORE: `sqlite:${path.join(dataDir, 'hookgate.db')}`,
      HOOKGATE_DASHBOARD_HOSTS: 'http://dash.test:3000',
    });
    try {
      expect(await exitCode(invalid, 60_000)).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(invalid.output()).toContain('HOOKGATE_DASHBOARD_HOSTS has an invalid entry "http://dash.test:3000"');
  });
});
