import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express4 from 'express4';
import express5 from 'express';
import { connect } from 'node:net';
import { createGateway, createWebhookHandler, HookgateError, MemoryStore, type Gateway } from '@hookgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressMiddleware } from '../src/index.js';
import { SECRET, acme, nextId, signedAcme } from '@hookgate/testkit';
import { describeConformance } from '@hookgate/testkit/conformance';

/** Express 4 and 5 apps share the surface these tests use; typed against Express 5. */
type ExpressFactory = typeof express5;
const majors: Array<[string, ExpressFactory]> = [
  ['express 4', express4 as unknown as ExpressFactory],
  ['express 5', express5],
];

async function listen(app: ReturnType<ExpressFactory>): Promise<{ server: Server; base: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const started: Server = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const paid = () => ({ type: 'order.paid', id: nextId(), amount: '7' });

describe.each(majors)('%s', (major, express) => {
  describeConformance(`${major}: app.use('/webhooks', createExpressMiddleware(gateway))`, async (gateway) => {
    const app = express();
    app.use('/webhooks', createExpressMiddleware(gateway));
    const running = await listen(app);
    return { server: running.server, url: (id) => `${running.base}/webhooks/${id}`, close: running.close };
  });

  describe('mounting', () => {
    let running: Awaited<ReturnType<typeof listen>> | undefined;
    afterEach(async () => {
      await running?.close();
      running = undefined;
    });
    const handler = () => createWebhookHandler({ provider: acme, secret: SECRET });
    const gatewayOf = (): Gateway => createGateway({ handlers: { acme: handler() } }) as unknown as Gateway;
    async function post(path: string, delivery = signedAcme(paid())) {
      const response = await fetch(`${running!.base}${path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    }

    it('takes the provider id from req.params.provider on app.post("/webhooks/:provider")', async () => {
      const app = express();
      app.post('/webhooks/:provider', createExpressMiddleware(gatewayOf()));
      running = await listen(app);
      expect((await post('/webhooks/acme')).status).toBe(200);
      expect((await post('/webhooks/other')).status).toBe(404);
    });

    it('serves one handler on a fixed route, with a query string and a trailing slash', async () => {
      const app = express();
      app.post('/hooks/acme', createExpressMiddleware(handler()));
      running = await listen(app);
      expect((await post('/hooks/acme?source=test')).json).toMatchObject({ ok: true, kind: 'handled' });
      expect((await post('/hooks/acme/')).status).toBe(200);
    });

    it('records the path without a fragment a raw client sent (/hooks/acme#frag)', async () => {
      const store = new MemoryStore();
      const app = express();
      app.post('/hooks/acme', createExpressMiddleware(createWebhookHandler({ provider: acme, secret: SECRET, store })));
      running = await listen(app);
      const { port } = new URL(running.base);
      const delivery = signedAcme(paid());
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => {
          const head = [
            `POST /hooks/acme#frag HTTP/1.1`,
            `Host: 127.0.0.1:${port}`,
            `Content-Length: ${Buffer.byteLength(delivery.body)}`,
            'Connection: close',
          ];
          for (const [name, value] of Object.entries(delivery.headers)) head.push(`${name}: ${value}`);
          socket.end(`${head.join('\r\n')}\r\n\r\n${delivery.body}`);
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      const deliveryId = /"deliveryId":"([^"]+)"/.exec(answer)?.[1];
      expect(answer.startsWith('HTTP/1.1 200'), answer).toBe(true);
      expect((await store.get(deliveryId!))?.path).toBe('/hooks/acme');
    });

    it('answers the diagnostic 500 when express.json() ran first, logged once, never 401', async () => {
      const logged: string[] = [];
      const app = express();
      app.use(express.json());
      app.use('/webhooks', createExpressMiddleware(gatewayOf(), { log: (message) => logged.push(message) }));
      running = await listen(app);
      const first = await post('/webhooks/acme');
      const second = await post('/webhooks/acme');
      expect(first.status).toBe(500);
      expect(second.status).toBe(500);
      expect(first.json).toMatchObject({ ok: false, kind: 'raw_body_unavailable' });
      expect(String(first.json.message)).toContain('before express.json()');
      expect(String(first.json.message)).toContain('verify');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toBe(first.json.message);
    });

    it('reads the stream when express.json() ran first but skipped a body it does not parse', async () => {
      const app = express();
      app.use(express.json());
      app.use('/webhooks', createExpressMiddleware(gatewayOf()));
      running = await listen(app);
      expect((await post('/webhooks/acme', signedAcme(paid(), { contentType: 'text/plain' }))).status).toBe(200);
      expect((await post('/webhooks/acme', signedAcme(paid(), { contentType: null }))).status).toBe(200);
    });

    it('uses req.rawBody kept by express.json({ verify })', async () => {
      const app = express();
      app.use(
        express.json({
          verify: (req, _res, buf) => {
            (req as { rawBody?: Buffer }).rawBody = buf;
          },
        }),
      );
      app.use('/webhooks', createExpressMiddleware(gatewayOf()));
      running = await listen(app);
      expect((await post('/webhooks/acme')).json).toMatchObject({ ok: true, kind: 'handled' });
    });

    it('uses the Buffer body of express.raw()', async () => {
      const app = express();
      app.use('/webhooks', express.raw({ type: '*/*' }), createExpressMiddleware(gatewayOf()));
      running = await listen(app);
      expect((await post('/webhooks/acme')).json).toMatchObject({ ok: true, kind: 'handled' });
      expect((await post('/webhooks/acme', signedAcme(paid(), { tamper: true }))).status).toBe(401);
    });

    it('applies a maxBodyBytes option below the handler limit: 413 before reading', async () => {
      const app = express();
      app.use('/webhooks', createExpressMiddleware(gatewayOf(), { maxBodyBytes: 64 }));
      running = await listen(app);
      const big = await post('/webhooks/acme', signedAcme({ ...paid(), note: 'x'.repeat(100) }));
      expect(big).toEqual({ status: 413, json: { ok: false, kind: 'too_large', reason: 'too_large' } });
      expect((await post('/webhooks/acme')).status).toBe(200);
      expect(() => createExpressMiddleware(gatewayOf(), { maxBodyBytes: 0 })).toThrow(HookgateError);
    });

    it('leaves express.json() working for the rest of the app when mounted first', async () => {
      const app = express();
      app.use('/webhooks', createExpressMiddleware(gatewayOf()));
      app.use(express.json());
      app.post('/api/echo', (req, res) => void res.json({ echoed: (req.body as { value: number }).value }));
      running = await listen(app);
      const echo = await fetch(`${running.base}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value":3}' });
      expect(await echo.json()).toEqual({ echoed: 3 });
      expect((await post('/webhooks/acme')).status).toBe(200);
    });
  });
});

describe('Express 4 typings', () => {
  it('accept the middleware on app.use and app.post (compile-time), and it serves requests', async () => {
    const app = express4();
    const gateway = createGateway({ handlers: { acme: createWebhookHandler({ provider: acme, secret: SECRET }) } });
    app.use('/webhooks', createExpressMiddleware(gateway));
    app.post('/single/acme', createExpressMiddleware(gateway.handler('acme')!));
    const running = await listen(app as unknown as ReturnType<ExpressFactory>);
    try {
      const delivery = signedAcme(paid());
      const response = await fetch(`${running.base}/single/acme`, { method: 'POST', headers: delivery.headers, body: delivery.body });
      expect(response.status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
