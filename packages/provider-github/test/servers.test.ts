// GitHub deliveries over a real Express app, a real Fastify app (127.0.0.1:0) and Next's App
// Router handler, signed by the official @octokit/webhooks-methods.
import { createHmac, randomUUID } from 'node:crypto';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { realServers, type RealServer } from '@hookgate/testkit/servers';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, github, signGitHub } from '../src/index.js';

const SECRET = 'whsec-github-e2e';

const SERVERS = realServers({ createExpressMiddleware, hookgatePlugin, createNextRouteHandler });

describe.each(SERVERS)('GitHub over %s', (_name, start) => {
  let server: RealServer;
  const seen: string[] = [];
  beforeAll(async () => {
    const handler = createWebhookHandler({ provider: github(), secret: SECRET });
    handler.on('issues.opened', (event) => void seen.push(`opened ${event.issue.title}`));
    handler.on('ping', (event) => void seen.push(`ping ${event.hook_id}`));
    server = await start(createGateway({ handlers: { github: handler }, store: new MemoryStore() }));
  });
  afterAll(() => server.close());

  const officiallySigned = async (event: string, payload: unknown, deliveryId = randomUUID()) => {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': await sign(SECRET, body),
    };
    return { headers, body };
  };

  it('issues.opened signed by @octokit/webhooks-methods: 200 handled, listener ran; the redelivery is a duplicate', async () => {
    const { event, payload } = fixtures.valid['issues.opened'];
    const delivery = await officiallySigned(event, payload);
    const first = await server.post('github', delivery);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ ok: true, kind: 'handled' });
    expect(seen).toContain('opened Dashboard chart legend is unreadable in dark mode');
    const again = await server.post('github', delivery);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ kind: 'duplicate' });
  });

  it('ping (our signer): 200', async () => {
    const { event, payload } = fixtures.valid.ping;
    const answer = await server.post('github', signGitHub({ event, payload, secret: SECRET }));
    expect(answer.status).toBe(200);
    expect(seen).toContain('ping 512300441');
  });

  it('tampered body, wrong secret, SHA-1 only: 401', async () => {
    const { event, payload } = fixtures.valid['issues.opened'];
    const good = await officiallySigned(event, payload);
    const tampered = { headers: good.headers, body: good.body.replace('dark', 'light') };
    const wrong = { headers: { ...good.headers, 'x-hub-signature-256': await sign('not the secret', good.body) }, body: good.body };
    const { 'x-hub-signature-256': _dropped, ...rest } = good.headers;
    const sha1Only = { headers: { ...rest, 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(good.body).digest('hex')}` }, body: good.body };
    for (const [delivery, reason] of [
      [tampered, 'signature_mismatch'],
      [wrong, 'signature_mismatch'],
      [sha1Only, 'missing_signature'],
    ] as const) {
      const answer = await server.post('github', delivery);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ ok: false, kind: 'rejected_signature', reason });
    }
  });

  it('a hook of content type "form": the form body signed by @octokit/webhooks-methods is handled (200) like its JSON twin', async () => {
    const { event, payload } = fixtures.valid['issues.opened'];
    const json = JSON.stringify(payload).replace('Dashboard chart legend is unreadable in dark mode', 'Sent as a form: a + b & c');
    const body = new URLSearchParams({ payload: json }).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': await sign(SECRET, body),
    };
    const answer = await server.post('github', { headers, body });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ ok: true, kind: 'handled' });
    expect(seen).toContain('opened Sent as a form: a + b & c');
  });

  it('an undocumented event: 202; an issues event without action: 400', async () => {
    const unknown = fixtures.unknown['unknown-event']!;
    expect((await server.post('github', await officiallySigned(unknown.event!, unknown.payload))).status).toBe(202);
    const invalid = fixtures.invalid['no-action']!;
    expect((await server.post('github', await officiallySigned(invalid.event!, invalid.payload))).status).toBe(400);
  });
});
