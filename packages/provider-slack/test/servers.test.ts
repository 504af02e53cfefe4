// Slack deliveries over a real Express app, a real Fastify app (127.0.0.1:0) and Next's App
// Router handler: the url_verification challenge is answered by every adapter, and form posts
// (slash commands, interactivity) get a bare 200.
import { isValidSlackRequest } from '@slack/bolt';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createNextRouteHandler } from '@hookgate/adapter-next';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { realServers, type RealServer } from '@hookgate/testkit/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, signSlack, slack } from '../src/index.js';

const SECRET = 'slack-signing-secret-e2e';

const SERVERS = realServers({ createExpressMiddleware, hookgatePlugin, createNextRouteHandler });

describe.each(SERVERS)('Slack over %s', (_name, start) => {
  let server: RealServer;
  const mentions: string[] = [];
  const commands: string[] = [];
  const clicks: string[] = [];
  beforeAll(async () => {
    const handler = createWebhookHandler({ provider: slack(), secret: SECRET });
    handler.on('app_mention', (body) => void mentions.push(body.event.text));
    handler.on('slash_command', (command) => void commands.push(`${command.command} ${command.text}`));
    handler.on('block_actions', (click) => void clicks.push(...click.actions.map((action) => action.action_id)));
    server = await start(createGateway({ handlers: { slack: handler }, store: new MemoryStore() }));
  });
  afterAll(() => server.close());

  it('url_verification: 200 with the challenge as the whole body (text/plain)', async () => {
    const delivery = signSlack({ payload: fixtures.valid.url_verification, secret: SECRET });
    const answer = await server.post('slack', delivery);
    expect(answer).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', text: fixtures.valid.url_verification.challenge });
  });

  it('an app_mention bolt accepts: 200 handled, listener ran; Slack’s retry is a duplicate', async () => {
    const delivery = signSlack({ payload: fixtures.valid.app_mention, secret: SECRET });
    const boltSays = isValidSlackRequest({
      signingSecret: SECRET,
      body: delivery.body,
      headers: {
        'x-slack-signature': delivery.headers['x-slack-signature']!,
        'x-slack-request-timestamp': Number(delivery.headers['x-slack-request-timestamp']),
      },
    });
    expect(boltSays).toBe(true);
    const first = await server.post('slack', delivery);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ ok: true, kind: 'handled' });
    expect(mentions).toContain('<@U0BOTUSER1> is the deploy finished?');
    const retry = await server.post('slack', { headers: { ...delivery.headers, 'x-slack-retry-num': '1' }, body: delivery.body });
    expect(JSON.parse(retry.text)).toMatchObject({ kind: 'duplicate' });
  });

  it('a slash command and a block_actions click (form posts): the bare 200 Slack expects, with an empty body', async () => {
    const command = signSlack({ payload: fixtures.forms.slash_command, secret: SECRET, form: 'fields' });
    expect(await server.post('slack', command)).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', text: '' });
    const click = signSlack({ payload: fixtures.forms.block_actions, secret: SECRET, form: 'payload' });
    expect(await server.post('slack', click)).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', text: '' });
    expect(commands).toEqual(['/deploy api production --note "fix 502 & retry"']);
    expect(clicks).toEqual(['approve_deploy']);
  });

  it('Slack’s unsigned ssl_check: the bare 200 (as bolt answers it), nothing dispatched; a smuggled command is not run', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const before = commands.length;
    for (const body of ['ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO', 'ssl_check=1&token=t&command=%2Fdeploy&text=now']) {
      expect(await server.post('slack', { headers: form, body })).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', text: '' });
    }
    expect(commands).toHaveLength(before);
    // Anything else unsigned is refused as before.
    expect((await server.post('slack', { headers: form, body: 'ssl_check=0&token=t' })).status).toBe(401);
    expect((await server.post('slack', { headers: { 'content-type': 'application/json' }, body: '{"ssl_check":"1"}' })).status).toBe(401);
  });

  it('tampered, wrong secret, stale: 401 and no challenge', async () => {
    const good = signSlack({ payload: fixtures.valid.url_verification, secret: SECRET });
    const cases = [
      { headers: good.headers, body: good.body.replace('"url_verification"', '"url_verification" ') },
      signSlack({ payload: fixtures.valid.url_verification, secret: 'wrong' }),
      signSlack({ payload: fixtures.valid.url_verification, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 }),
    ];
    for (const delivery of cases) {
      const answer = await server.post('slack', delivery);
      expect(answer.status).toBe(401);
      expect(answer.text).not.toContain(fixtures.valid.url_verification.challenge);
    }
  });
});
