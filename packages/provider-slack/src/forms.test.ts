// Interactivity posts and slash commands: form-encoded bodies, signed like every Slack request.
// @slack/bolt is the reference: its verifier accepts what signSlack({ form }) signs, and its own
// body parser (HTTPModuleFunctions.parseHTTPRequestBody) reads each body as the payload we hand
// to listeners.
import { HTTPModuleFunctions } from '@slack/bolt';
import { createWebhookHandler, MemoryStore, type WebhookRequest } from '@hookgate/core';
import { toHttpResponse } from '@hookgate/core/adapter';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { boltAccepts } from '../test/bolt.js';
import { fixtures } from './fixtures.js';
import { parseWebhookEvent, slack } from './provider.js';
import { signSlack } from './sign.js';

const SECRET = 'slack-signing-secret-forms';
const NOW = 1_764_661_200_000;
const encoder = new TextEncoder();
const FORM = 'application/x-www-form-urlencoded';

const formOf = (name: keyof typeof fixtures.forms) => (name === 'slash_command' ? 'fields' : 'payload');

function request(headers: Record<string, string>, body: string | Uint8Array): WebhookRequest {
  return { method: 'POST', path: '/webhooks/slack', headers, rawBody: typeof body === 'string' ? encoder.encode(body) : body };
}

/** What Bolt's own body parser makes of a request. */
function boltParse(headers: Record<string, string>, body: string): unknown {
  const parsed = HTTPModuleFunctions.parseHTTPRequestBody({ headers, rawBody: Buffer.from(body) } as never);
  return JSON.parse(JSON.stringify(parsed)); // querystring's objects have a null prototype
}

describe.each(Object.keys(fixtures.forms) as Array<keyof typeof fixtures.forms>)('form post %s', (name) => {
  const handler = createWebhookHandler({ provider: slack(), secret: SECRET, now: () => NOW });
  const delivery = () => signSlack({ payload: fixtures.forms[name], secret: SECRET, now: NOW, form: formOf(name) });

  it('is signed as Slack signs it: bolt verifies it, and its body parser reads the payload we parse', async () => {
    const { headers, body } = delivery();
    expect(headers['content-type']).toBe(FORM);
    expect(body).toMatch(name === 'slash_command' ? /^token=/ : /^payload=%7B/);
    expect(boltAccepts(headers, body, SECRET, NOW)).toBe(true);
    const result = await handler.verifyAndParse(request(headers, body));
    expect(result).toMatchObject({ kind: 'event', event: name, variant: name });
    expect(result.kind === 'event' && result.payload).toEqual(boltParse(headers, body));
    expect(result.kind === 'event' && result.payload).toEqual(fixtures.forms[name]);
  });

  it('handle(): the bare 200 Slack expects (empty body), the listener runs once, the record keeps the form body', async () => {
    const store = new MemoryStore();
    const acknowledged = createWebhookHandler({ provider: slack(), secret: SECRET, now: () => NOW, store });
    const seen: string[] = [];
    acknowledged.on(name, () => void seen.push(name));
    const { headers, body } = delivery();
    const outcome = await acknowledged.handle(request(headers, body));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled', event: name });
    expect(toHttpResponse(outcome)).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' });
    expect((await acknowledged.handle(request(headers, body))).kind).toBe('duplicate');
    expect(seen).toEqual([name]);
    const recorded = await store.get(outcome.deliveryId!);
    expect(recorded).toMatchObject({ status: 'handled', event: name, body });
    expect(recorded?.payload).toEqual(fixtures.forms[name]);
  });
});

describe('form posts that are not what Slack sends', () => {
  const sign = (body: string | Uint8Array) => signSlack({ body, secret: SECRET, now: NOW, form: 'payload' });
  const handler = createWebhookHandler({ provider: slack(), secret: SECRET, now: () => NOW });

  it.each([
    ['two payload fields', 'payload=%7B%7D&payload=%7B%7D', 'the form body has 2 payload fields'],
    ['a slash command field twice', 'command=%2Fa&command=%2Fb&text=', 'the form field "command" appears twice'],
    ['a field named __proto__ twice', 'command=%2Fa&__proto__=1&__proto__=2&text=', 'the form field "__proto__" appears twice'],
    ['bytes that are not UTF-8', new Uint8Array([0x74, 0x65, 0x78, 0x74, 0x3d, 0xc3]), 'the form body is not valid UTF-8'],
  ])('%s: 400 invalid_json, listeners never run', async (_name, body, message) => {
    const { headers } = sign(body);
    const outcome = await handler.handle(request(headers, body));
    expect(outcome).toMatchObject({ status: 400, kind: 'invalid_payload', reason: 'invalid_json' });
    expect(await parseWebhookEvent(body, FORM)).toEqual({ kind: 'invalid_payload', reason: 'invalid_json', message });
  });

  it('a payload field that is not a JSON object: invalid_json; a command without its fields: schema_mismatch', async () => {
    expect(await parseWebhookEvent('payload=not+json', FORM)).toMatchObject({ kind: 'invalid_payload', reason: 'invalid_json' });
    expect(await parseWebhookEvent('payload=%5B%5D', FORM)).toMatchObject({ kind: 'invalid_payload', reason: 'invalid_json' });
    expect(await parseWebhookEvent('command=%2Fdeploy&text=api', FORM)).toMatchObject({
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
      event: 'slash_command',
    });
  });

  it('a form with neither a payload nor a command, or an interactivity type not typed here: unknown_event (202)', async () => {
    expect(await parseWebhookEvent('ssl_check=1&token=x', FORM)).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
    expect(await parseWebhookEvent(`payload=${encodeURIComponent('{"type":"block_suggestion"}')}`, FORM)).toMatchObject({
      kind: 'unknown_event',
      eventType: 'block_suggestion',
    });
  });

  it('only the form media type makes a slash command: the same fields as JSON are an unknown event', async () => {
    const fields = JSON.stringify(fixtures.forms.slash_command);
    expect(await parseWebhookEvent(fields)).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
  });

  it('Events API deliveries keep their JSON answers next to form posts (the challenge, the JSON outcome)', async () => {
    const app = createWebhookHandler({ provider: slack(), secret: SECRET, now: () => NOW });
    const mention = signSlack({ payload: fixtures.valid.app_mention, secret: SECRET, now: NOW });
    const outcome = await app.handle(request(mention.headers, mention.body));
    expect(toHttpResponse(outcome).headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(toHttpResponse(outcome).body)).toMatchObject({ ok: true, kind: 'handled' });
  });

  it('types: listeners get typed interactivity payloads and slash-command fields', () => {
    const app = createWebhookHandler({ provider: slack(), secret: SECRET });
    app.on('block_actions', (click) => expectTypeOf(click.actions[0]!.action_id).toBeString());
    app.on('view_submission', (submission) => expectTypeOf(submission.view.id).toBeString());
    app.on('slash_command', (command) => {
      expectTypeOf(command.text).toBeString();
      expectTypeOf(command.response_url).toBeString();
    });
    app.on('shortcut', (shortcut) => expectTypeOf(shortcut.callback_id).toBeString());
  });
});
