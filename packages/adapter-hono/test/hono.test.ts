// Hono-specific mounting and body handling, through Hono's own router with real Requests.
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { fixtures, pylon, signPylon } from '@hookgate/provider-pylon';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { hookgate } from '../src/index.js';

const SECRET = 'whsec-hono-test';
let sequence = 0;

function setup() {
  const store = new MemoryStore();
  const seen: string[] = [];
  const pylonHandler = createWebhookHandler({ provider: pylon(), secret: SECRET }).onAny((event) => void seen.push(event.event));
  const gateway = createGateway({ handlers: { pylon: pylonHandler }, store });
  return { store, seen, pylonHandler, gateway };
}

function delivery() {
  const payload = { ...fixtures.valid.IssueNewEvent, issue_id: `iss_hono_${++sequence}` };
  const { body, headers } = signPylon({ payload, secret: SECRET });
  return { body, headers };
}

const post = (app: Hono, path: string, { body, headers }: { body: string; headers: Record<string, string> }) =>
  app.request(path, { method: 'POST', headers, body });

describe('hookgate() middleware', () => {
  it('routes a gateway by the :provider parameter', async () => {
    const { gateway, seen } = setup();
    const app = new Hono().post('/hooks/:provider/in', hookgate(gateway));
    const response = await post(app, '/hooks/pylon/in', delivery());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, kind: 'handled' });
    expect(seen).toEqual(['IssueNewEvent']);
  });

  it('routes a gateway by the last path segment under app.use(), and answers GET with 405', async () => {
    const { gateway, store } = setup();
    const app = new Hono();
    app.use('/webhooks/*', hookgate(gateway));
    expect((await post(app, '/webhooks/pylon', delivery())).status).toBe(200);
    expect((await post(app, '/webhooks/nope', delivery())).status).toBe(404);
    const get = await app.request('/webhooks/pylon');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const [recorded] = (await store.list({})).items;
    expect(recorded).toMatchObject({ path: '/webhooks/pylon', provider: 'pylon' });
  });

  it('serves one handler on a fixed route', async () => {
    const { pylonHandler } = setup();
    const app = new Hono().post('/pylon', hookgate(pylonHandler));
    expect((await post(app, '/pylon', delivery())).status).toBe(200);
  });

  it('uses the bytes an earlier middleware read with c.req.arrayBuffer()', async () => {
    const { gateway } = setup();
    const app = new Hono();
    app.use('/webhooks/*', async (c, next) => {
      await c.req.arrayBuffer();
      await next();
    });
    app.post('/webhooks/:provider', hookgate(gateway));
    const response = await post(app, '/webhooks/pylon', delivery());
    expect(response.status).toBe(200);
  });

  it('answers 500 raw_body_unavailable (logged once) when the body was parsed as JSON first', async () => {
    const { gateway, seen } = setup();
    const logged: string[] = [];
    const app = new Hono();
    app.use('/webhooks/*', async (c, next) => {
      await c.req.json();
      await next();
    });
    app.post('/webhooks/:provider', hookgate(gateway, { log: (line) => logged.push(line) }));
    for (let round = 0; round < 2; round++) {
      const response = await post(app, '/webhooks/pylon', delivery());
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ kind: 'raw_body_unavailable', message: expect.stringContaining('before anything that parses the body') });
    }
    expect(logged).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it('applies a lower maxBodyBytes and hands listeners the peer address it is given', async () => {
    const { gateway, pylonHandler } = setup();
    const peers: Array<string | undefined> = [];
    pylonHandler.onAny((_event, context) => void peers.push(context.request.peerAddress));
    const app = new Hono();
    app.post('/small/:provider', hookgate(gateway, { maxBodyBytes: 16 }));
    app.post('/webhooks/:provider', hookgate(gateway, { peerAddress: () => '192.0.2.7' }));
    const small = await post(app, '/small/pylon', delivery());
    expect(small.status).toBe(413);
    expect(await small.json()).toMatchObject({ kind: 'too_large' });
    expect((await post(app, '/webhooks/pylon', delivery())).status).toBe(200);
    expect(peers).toEqual(['192.0.2.7']);
    expect(() => hookgate(gateway, { maxBodyBytes: -1 })).toThrow(/maxBodyBytes/);
  });
});
