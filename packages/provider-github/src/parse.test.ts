// Parsing: every payload in @octokit/webhooks-examples, sent with its event name header, is the
// event the header names and the variant its action names; routing never looks at the body.
import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createWebhookHandler, MemoryStore } from '@hookgate/core';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { GITHUB_EVENTS } from './events.generated.js';
import { fixtures } from './fixtures.js';
import { github, parseWebhookEvent } from './provider.js';
import { signGitHub } from './sign.js';

interface ExampleGroup {
  name: string;
  actions: string[];
  examples: Array<Record<string, unknown>>;
}
const require = createRequire(import.meta.url);
const groups = require('@octokit/webhooks-examples') as ExampleGroup[];
const examples = groups.flatMap((group) => group.examples.map((payload, index) => ({ event: group.name, index, payload })));

const SECRET = 'whsec-github-examples';
const encoder = new TextEncoder();

describe('every @octokit/webhooks-examples payload', () => {
  it('the package has the examples we expect to walk (hundreds, across dozens of events)', () => {
    expect(examples.length).toBeGreaterThan(300);
    expect(new Set(examples.map((e) => e.event)).size).toBeGreaterThan(50);
  });

  const handler = createWebhookHandler({ provider: github(), secret: SECRET });
  it.each(examples.map((e) => [`${e.event} #${e.index} ${String(e.payload.action ?? '')}`, e] as const))(
    '%s → event from the header, variant from the action',
    async (_name, { event, payload }) => {
      const body = JSON.stringify(payload);
      const headers = { 'x-github-event': event, 'x-github-delivery': `example-${event}`, 'x-hub-signature-256': await sign(SECRET, body) };
      const result = await handler.verifyAndParse({ method: 'POST', headers, rawBody: encoder.encode(body) });
      const hasActions = (GITHUB_EVENTS as Record<string, readonly string[]>)[event]!.length > 0;
      expect(result).toMatchObject({
        kind: 'event',
        event,
        variant: hasActions ? `${event}.${String(payload.action)}` : event,
        payload,
        secretIndex: 0,
      });
    },
  );
});

// The GitHub Enterprise Server sets in the same package: GHES-only events (cache_sync,
// enterprise, user …) are verified and recorded but unknown (202); old GHES deployment payloads
// without an `action` are refused as schema_mismatch (400); everything else parses like github.com.
describe('every @octokit/webhooks-examples GitHub Enterprise Server payload', () => {
  const ghes = readdirSync(dirname(require.resolve('@octokit/webhooks-examples')) + '/..')
    .filter((dir) => dir.startsWith('ghes-'))
    .flatMap((dir) =>
      (require(`@octokit/webhooks-examples/${dir}/index.json`) as ExampleGroup[]).flatMap((group) =>
        group.examples.map((payload, index) => ({ name: `${dir} ${group.name} #${index}`, event: group.name, payload })),
      ),
    );
  const known = GITHUB_EVENTS as Record<string, readonly string[]>;
  it('finds the GHES sets (3.1 to 3.5)', () => {
    expect(new Set(ghes.map((e) => e.name.split(' ')[0])).size).toBeGreaterThanOrEqual(5);
    expect(ghes.length).toBeGreaterThan(300);
  });
  it.each(ghes.map((e) => [e.name, e] as const))('%s', async (_name, { event, payload }) => {
    const result = await parseWebhookEvent(JSON.stringify(payload), event);
    const actions = Object.hasOwn(known, event) ? known[event]! : undefined;
    if (actions === undefined) expect(result).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type', eventType: event });
    else if (actions.length > 0 && typeof payload.action !== 'string') expect(result).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch' });
    else if (actions.length > 0 && !actions.includes(payload.action as string))
      expect(result).toMatchObject({ kind: 'unknown_event', eventType: `${event}.${String(payload.action)}` });
    else expect(result).toMatchObject({ kind: 'event', event, variant: actions.length > 0 ? `${event}.${String(payload.action)}` : event });
  });
});

describe('routing by X-GitHub-Event', () => {
  // Regression (issue 13): guessing from the body called an issue_comment delivery `issues`,
  // because a comment's body carries the `issue` it belongs to.
  it('an issue_comment body (which carries an issue) is issue_comment, not issues', async () => {
    const { payload } = fixtures.valid['issue_comment.created'];
    expect(payload).toHaveProperty('issue');
    expect(await parseWebhookEvent(JSON.stringify(payload), 'issue_comment')).toMatchObject({
      kind: 'event',
      event: 'issue_comment',
      variant: 'issue_comment.created',
    });
  });

  it('the same body under another event header is that event (the header decides)', async () => {
    const { payload } = fixtures.valid['issue_comment.created'];
    // An issues delivery whose action is `created` does not exist: unknown, never misfiled as a comment.
    expect(await parseWebhookEvent(JSON.stringify(payload), 'issues')).toMatchObject({
      kind: 'unknown_event',
      reason: 'unknown_event_type',
      eventType: 'issues.created',
    });
  });

  it.each(Object.entries(fixtures.valid))('fixture %s parses as its event', async (name, sample) => {
    expect(await parseWebhookEvent(JSON.stringify(sample.payload), sample.event)).toMatchObject({ kind: 'event', event: sample.event, variant: name });
  });

  it.each([...Object.entries(fixtures.invalid), ...Object.entries(fixtures.unknown)])('fixture %s → its expected outcome', async (_name, sample) => {
    const headers: Record<string, string> = sample.event === null ? {} : { 'x-github-event': sample.event };
    const text = sample.raw ?? JSON.stringify(sample.payload);
    const result = await github().parse(encoder.encode(text), { method: 'POST', headers, rawBody: encoder.encode(text) });
    expect(result).toMatchObject(sample.expected);
  });

  it('an X-GitHub-Event naming an Object.prototype member is unknown', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      expect(await parseWebhookEvent('{}', name)).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
    }
  });
});

describe('handle(): ping, dedupe by X-GitHub-Delivery', () => {
  it('ping is handled (200) and reaches on("ping")', async () => {
    const handler = createWebhookHandler({ provider: github(), secret: SECRET });
    const zens: string[] = [];
    handler.on('ping', (ping) => void zens.push(ping.zen ?? ''));
    const { event, payload } = fixtures.valid.ping;
    const { headers, body } = signGitHub({ event, payload, secret: SECRET });
    expect(await handler.handle({ method: 'POST', headers, rawBody: encoder.encode(body) })).toMatchObject({
      status: 200,
      kind: 'handled',
      event: 'ping',
      variant: 'ping',
    });
    expect(zens).toEqual(['Design for failure.']);
  });

  it('a redelivery (same X-GitHub-Delivery, even re-signed) is a duplicate; a new delivery id is not', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: github(), secret: SECRET, store });
    let calls = 0;
    handler.on('issues.opened', () => void calls++);
    const { event, payload } = fixtures.valid['issues.opened'];
    const send = (deliveryId: string, extra = '') => {
      const { headers, body } = signGitHub({ event, body: JSON.stringify(payload) + extra, secret: SECRET, deliveryId });
      return handler.handle({ method: 'POST', headers, rawBody: encoder.encode(body) });
    };
    const first = await send('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    expect(await send('72d3162e-cc78-11e3-81ab-4c9367dc0958', ' ')).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(await send('8a1b5f00-cc78-11e3-81ab-4c9367dc0958')).toMatchObject({ kind: 'handled' });
    expect(calls).toBe(2);
    const recorded = await store.get(first.deliveryId!);
    expect(recorded).toMatchObject({ event: 'issues', variant: 'issues.opened', dedupeKey: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
    expect(recorded?.headers['x-hub-signature-256']).toBe('[redacted]');
  });

  it('the legacy SHA-1 X-Hub-Signature GitHub sends alongside is redacted in the record too (an HMAC of the body under the same secret)', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: github(), secret: SECRET, store });
    const { event, payload } = fixtures.valid['issues.opened'];
    const body = JSON.stringify(payload);
    const { headers } = signGitHub({ event, body, secret: SECRET });
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    const outcome = await handler.handle({ method: 'POST', headers: { ...headers, 'x-hub-signature': sha1 }, rawBody: encoder.encode(body) });
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    const recorded = await store.get(outcome.deliveryId!);
    expect(recorded?.headers).toMatchObject({ 'x-hub-signature': '[redacted]', 'x-hub-signature-256': '[redacted]' });
    expect(JSON.stringify(recorded)).not.toContain(sha1.slice(5));
  });
});

// A hook whose content type is "form" sends `application/x-www-form-urlencoded` with the JSON in
// the `payload` field; the signature covers the form body as sent.
describe('form-encoded deliveries (content type "form")', () => {
  const FORM = 'application/x-www-form-urlencoded';
  const formOf = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

  it.each(examples.filter((_e, i) => i % 7 === 0).map((e) => [`${e.event} #${e.index}`, e] as const))(
    '%s signed by @octokit/webhooks-methods over the form body: the same event as its JSON delivery',
    async (_name, { event, payload }) => {
      const handler = createWebhookHandler({ provider: github(), secret: SECRET });
      const body = formOf(payload);
      const headers = { 'content-type': FORM, 'x-github-event': event, 'x-hub-signature-256': await sign(SECRET, body) };
      const result = await handler.verifyAndParse({ method: 'POST', headers, rawBody: encoder.encode(body) });
      const json = await parseWebhookEvent(JSON.stringify(payload), event);
      expect(result).toMatchObject({ ...json, payload });
      expect(result.kind).toBe('event');
    },
  );

  it('decodes + and %XX as a form does, in any letter case of the media type and with parameters', async () => {
    const payload = { zen: 'Keep it logically awesome + 100 % ünïcode', hook_id: 7 };
    const spaced = `payload=${encodeURIComponent(JSON.stringify(payload)).replaceAll('%20', '+')}`;
    for (const contentType of [FORM, 'Application/X-WWW-Form-URLEncoded; charset=utf-8', ` ${FORM} ;charset=UTF-8`]) {
      expect(await parseWebhookEvent(spaced, 'ping', contentType)).toMatchObject({ kind: 'event', event: 'ping', payload });
    }
  });

  it('a form body without exactly one payload field, or not UTF-8, is invalid_payload (400), never parsed as JSON', async () => {
    for (const [body, message] of [
      ['zen=hi', 'the form body has no payload field'],
      ['', 'the form body has no payload field'],
      ['payload=%7B%7D&payload=%7B%7D', 'the form body has 2 payload fields'],
      ['{"zen":"a JSON body sent as a form"}', 'the form body has no payload field'],
      [new Uint8Array([0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x3d, 0xff]), 'the form body is not valid UTF-8'],
    ] as const) {
      expect(await parseWebhookEvent(body, 'ping', FORM)).toEqual({ kind: 'invalid_payload', reason: 'invalid_json', message });
    }
    expect(await parseWebhookEvent('payload=not+json', 'ping', FORM)).toMatchObject({ kind: 'invalid_payload', reason: 'invalid_json' });
    expect(await parseWebhookEvent('payload=%5B1%5D', 'ping', FORM)).toMatchObject({ kind: 'invalid_payload', reason: 'invalid_json' });
  });

  it('a JSON hook is read as JSON whatever its body looks like: only the form media type switches', async () => {
    expect(await parseWebhookEvent(formOf({ zen: 'x', hook_id: 1 }), 'ping')).toMatchObject({ kind: 'invalid_payload', reason: 'invalid_json' });
    expect(await parseWebhookEvent(formOf({ zen: 'x', hook_id: 1 }), 'ping', 'text/plain')).toMatchObject({ kind: 'invalid_payload' });
    expect(await parseWebhookEvent(formOf({ zen: 'x', hook_id: 1 }), 'ping', 'application/x-www-form-urlencodedx')).toMatchObject({ kind: 'invalid_payload' });
  });

  it('handle(): signGitHub({ contentType: "form" }) is handled, deduped by X-GitHub-Delivery, stored with the form body and the parsed payload', async () => {
    const store = new MemoryStore();
    const handler = createWebhookHandler({ provider: github(), secret: SECRET, store });
    const titles: string[] = [];
    handler.on('issues.opened', (event) => void titles.push(event.issue.title));
    const { event, payload } = fixtures.valid['issues.opened'];
    const delivery = signGitHub({ event, payload, secret: SECRET, contentType: 'form', deliveryId: 'f0f0f0f0-cc78-11e3-81ab-4c9367dc0958' });
    expect(delivery.headers['content-type']).toBe(FORM);
    expect(delivery.body).toBe(formOf(payload));
    const first = await handler.handle({ method: 'POST', headers: delivery.headers, rawBody: encoder.encode(delivery.body) });
    expect(first).toMatchObject({ status: 200, kind: 'handled', event: 'issues', variant: 'issues.opened' });
    expect(await handler.handle({ method: 'POST', headers: delivery.headers, rawBody: encoder.encode(delivery.body) })).toMatchObject({ kind: 'duplicate' });
    expect(titles).toEqual(['Dashboard chart legend is unreadable in dark mode']);
    const recorded = await store.get(first.deliveryId!);
    expect(recorded?.body).toBe(delivery.body);
    expect(recorded?.payload).toEqual(payload);
  });
});
