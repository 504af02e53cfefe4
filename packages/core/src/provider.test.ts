import { describe, expect, it } from 'vitest';
import { asyncObject, brokenSchema, notify, object, shop } from '../test/helpers.js';
import { HookgateError } from './errors.js';
import { getHeader } from './headers.js';
import { defineProvider, describeIssues, lazyParser, parseWithProvider } from './provider.js';
import { hmac } from './verify-hmac.js';

const verification = hmac({ header: 'X-Sig' });

describe('defineProvider(): discriminated', () => {
  it('exposes id, shape, strategy and its events (variant = event)', () => {
    expect(shop.id).toBe('shop');
    expect(shop.shape).toBe('discriminated');
    expect(shop.events).toEqual({ 'order.paid': ['order.paid'], 'order.refunded': ['order.refunded'] });
    expect(shop.verification.signatureHeader).toBe('X-Shop-Signature');
  });

  it('parses a known event synchronously (no Promise for sync schemas)', () => {
    const result = shop.parse(Buffer.from('{"type":"order.paid","id":"o1","amount":5}'));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({ kind: 'event', event: 'order.paid', variant: 'order.paid', payload: { type: 'order.paid', id: 'o1', amount: 5 } });
  });

  it('unknown_event_type for a type with no schema, carrying the declared type', async () => {
    expect(await parseWithProvider(shop, '{"type":"order.lost"}')).toMatchObject({
      kind: 'unknown_event',
      reason: 'unknown_event_type',
      eventType: 'order.lost',
    });
  });

  it('unknown_event_type without eventType when the body declares none', async () => {
    const result = await parseWithProvider(shop, '{"id":"x"}');
    expect(result).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
    expect(result).not.toHaveProperty('eventType');
  });

  it('schema_mismatch (invalid_payload) with the issues and the event name', async () => {
    const result = await parseWithProvider(shop, '{"type":"order.paid","id":7}');
    expect(result).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch', event: 'order.paid' });
    if (result.kind === 'invalid_payload') {
      expect(result.issues).toHaveLength(2);
      expect(result.message).toBe('order.paid: id: Expected string; amount: Required');
    }
  });

  it.each([
    ['not JSON', 'not json', 'body is not valid JSON'],
    ['empty body', '', 'body is not valid JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'body is not valid JSON'],
    ['a JSON array', '[1]', 'body is not a JSON object'],
    ['JSON null', 'null', 'body is not a JSON object'],
  ])('%s → invalid_payload invalid_json by default', async (_name, body, message) => {
    expect(await parseWithProvider(shop, body)).toEqual({ kind: 'invalid_payload', reason: 'invalid_json', message });
  });

  it("invalidJson: 'unknown_event' classifies bad JSON as an unknown event", async () => {
    const lenient = defineProvider({
      id: 'lenient',
      verification,
      events: { a: object({ type: { literal: 'a' } }) },
      eventType: (body) => body.type as string | undefined,
      invalidJson: 'unknown_event',
    });
    expect(await parseWithProvider(lenient, 'nope')).toMatchObject({ kind: 'unknown_event', reason: 'invalid_json' });
  });

  it('eventType maps aliases to schema names', async () => {
    const aliased = defineProvider({
      id: 'aliased',
      verification,
      events: { IssueNewEvent: object({ event_type: { literal: 'issue_new' } }) },
      eventType: (body) => (body.event_type === 'issue_new' ? 'IssueNewEvent' : (body.event_type as string | undefined)),
    });
    expect(await parseWithProvider(aliased, '{"event_type":"issue_new"}')).toMatchObject({ kind: 'event', event: 'IssueNewEvent' });
  });

  it('an own property named like an Object.prototype member is no event', async () => {
    expect(await parseWithProvider(shop, '{"type":"constructor"}')).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
    expect(await parseWithProvider(shop, '{"type":"__proto__"}')).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
  });

  it('an async schema makes parse return a Promise', async () => {
    const slow = defineProvider({
      id: 'slow',
      verification,
      events: { a: asyncObject({ type: { literal: 'a' }, n: 'number' }) },
      eventType: (body) => body.type as string | undefined,
    });
    const pending = slow.parse(Buffer.from('{"type":"a","n":1}'));
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ kind: 'event', payload: { n: 1 } });
    expect(await slow.parse(Buffer.from('{"type":"a"}'))).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch' });
  });
});

describe('defineProvider(): oneOf', () => {
  it('exposes events with their variants', () => {
    expect(notify.shape).toBe('oneOf');
    expect(notify.events).toEqual({ userEvent: ['UserCreated', 'UserDeleted'], systemEvent: ['SystemAlert', 'SystemSlow'] });
  });

  it('exactly one matching variant → event + variant', async () => {
    expect(await parseWithProvider(notify, '{"userCreated":"u1"}')).toEqual({
      kind: 'event',
      event: 'userEvent',
      variant: 'UserCreated',
      payload: { userCreated: 'u1' },
    });
  });

  it('a variant whose schema validates asynchronously', async () => {
    expect(await parseWithProvider(notify, '{"slow":"s"}')).toMatchObject({ kind: 'event', event: 'systemEvent', variant: 'SystemSlow' });
  });

  it('several matching variants → ambiguous_variants with the candidates', async () => {
    const result = await parseWithProvider(notify, '{"userCreated":"u1","userDeleted":"u2"}');
    expect(result).toMatchObject({ kind: 'unknown_event', reason: 'ambiguous_variants', candidates: ['UserCreated', 'UserDeleted'] });
  });

  it('ambiguity across events, one of them async', async () => {
    const result = await parseWithProvider(notify, '{"userCreated":"u1","slow":"s"}');
    expect(result).toMatchObject({ reason: 'ambiguous_variants', candidates: ['UserCreated', 'SystemSlow'] });
  });

  it('required keys present but the schema fails → no_variant_matched with the issues in the message', async () => {
    const result = await parseWithProvider(notify, '{"alert":"disk"}');
    expect(result).toMatchObject({ kind: 'unknown_event', reason: 'no_variant_matched' });
    expect(result.kind === 'unknown_event' && result.message).toContain('level: Required');
  });

  it('no required key present → no_variant_matched without validating anything', async () => {
    let calls = 0;
    const counting = defineProvider({
      id: 'counting',
      verification,
      oneOf: {
        e: {
          A: {
            schema: { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => (calls++, { value }) } },
            required: ['a'],
          },
        },
      },
    });
    expect(await parseWithProvider(counting, '{"b":1}')).toMatchObject({ reason: 'no_variant_matched' });
    expect(calls).toBe(0);
    expect(await parseWithProvider(counting, '{"a":1}')).toMatchObject({ kind: 'event', variant: 'A' });
    expect(calls).toBe(1);
  });

  it('a required key inherited from Object.prototype does not count', async () => {
    const proto = defineProvider({ id: 'p', verification, oneOf: { e: { A: { schema: object({}), required: ['toString'] } } } });
    expect(await parseWithProvider(proto, '{}')).toMatchObject({ reason: 'no_variant_matched' });
  });

  it('invalid JSON is an unknown event by default (empty body says so), configurable', async () => {
    expect(await parseWithProvider(notify, '')).toEqual({ kind: 'unknown_event', reason: 'invalid_json', message: 'body is empty' });
    expect(await parseWithProvider(notify, '{')).toMatchObject({ kind: 'unknown_event', reason: 'invalid_json' });
    const strict = defineProvider({
      id: 'strict',
      verification,
      oneOf: { e: { A: { schema: object({ a: 'string' }), required: ['a'] } } },
      invalidJson: 'invalid_payload',
    });
    expect(await parseWithProvider(strict, '{')).toMatchObject({ kind: 'invalid_payload', reason: 'invalid_json' });
  });

  it('a JSON value that is not an object → no_variant_matched', async () => {
    expect(await parseWithProvider(notify, '"text"')).toMatchObject({ kind: 'unknown_event', reason: 'no_variant_matched' });
  });
});

// Regression (issue 13): eventType saw only the body, so a provider naming its event in a header
// (GitHub's X-GitHub-Event) could not route, and guessing from the body misrouted issue_comment as issues.
describe('defineProvider(): event from a header, variants picked by eventType', () => {
  const hub = defineProvider({
    id: 'hub',
    verification,
    events: {
      issues: {
        'issues.opened': object({ action: { literal: 'opened' }, issue: 'string' }),
        'issues.closed': object({ action: { literal: 'closed' }, issue: 'string' }),
      },
      issue_comment: { 'issue_comment.created': object({ action: { literal: 'created' }, comment: 'string' }) },
      ping: object({ zen: 'string' }),
    },
    eventType: (body, request) => {
      const event = getHeader(request.headers, 'x-hub-event');
      if (event === undefined) return undefined;
      return { event, variant: typeof body.action === 'string' ? `${event}.${body.action}` : undefined };
    },
    eventId: (payload, request) => getHeader(request.headers, 'x-hub-delivery') ?? ('issue' in payload ? payload.issue : undefined),
  });
  const hubEvent = (event: string) => ({ headers: { 'X-Hub-Event': event } });

  it('lists every event with its variants', () => {
    expect(hub.events).toEqual({ issues: ['issues.opened', 'issues.closed'], issue_comment: ['issue_comment.created'], ping: ['ping'] });
  });

  it('routes by the header, not by what the body looks like', async () => {
    // The body has an `issue` key like an issues event; the header says it is a comment.
    const body = '{"action":"created","comment":"hi","issue":"#1"}';
    expect(await parseWithProvider(hub, body, hubEvent('issue_comment'))).toMatchObject({
      kind: 'event',
      event: 'issue_comment',
      variant: 'issue_comment.created',
    });
    expect(await parseWithProvider(hub, '{"action":"opened","issue":"#1"}', hubEvent('issues'))).toMatchObject({
      event: 'issues',
      variant: 'issues.opened',
      payload: { issue: '#1' },
    });
  });

  it('provider.parse(rawBody, request) hands the request to eventType', async () => {
    const rawBody = Buffer.from('{"zen":"Keep it logically awesome."}');
    expect(await hub.parse(rawBody, { method: 'POST', headers: { 'x-hub-event': 'ping' }, rawBody })).toMatchObject({ event: 'ping', variant: 'ping' });
    // Without a request, eventType sees a POST without headers.
    expect(await hub.parse(rawBody)).toEqual({ kind: 'unknown_event', reason: 'unknown_event_type', message: 'the delivery declares no event type' });
  });

  it('an unknown variant of a known event is an unknown event naming the variant', async () => {
    expect(await parseWithProvider(hub, '{"action":"transferred","issue":"#1"}', hubEvent('issues'))).toEqual({
      kind: 'unknown_event',
      reason: 'unknown_event_type',
      message: 'unknown event type "issues.transferred"',
      eventType: 'issues.transferred',
    });
    expect(await parseWithProvider(hub, '{}', hubEvent('star'))).toMatchObject({ reason: 'unknown_event_type', eventType: 'star' });
  });

  it('a known event with variants whose body names none → invalid_payload schema_mismatch', async () => {
    expect(await parseWithProvider(hub, '{"issue":"#1"}', hubEvent('issues'))).toEqual({
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
      event: 'issues',
      message: 'issues: the body does not say which variant it is (issues.opened, issues.closed)',
    });
  });

  it('a variant whose schema fails → schema_mismatch naming the variant and its event', async () => {
    const result = await parseWithProvider(hub, '{"action":"opened","issue":7}', hubEvent('issues'));
    expect(result).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch', event: 'issues', message: 'issues.opened: issue: Expected string' });
  });

  it('a string selection still names an event whose only variant is itself', async () => {
    expect(await parseWithProvider(hub, '{"zen":"z"}', hubEvent('ping'))).toMatchObject({ event: 'ping', variant: 'ping' });
  });

  it('a bare name of an event with variants is that event without a variant (schema_mismatch), not an unknown event', async () => {
    const bare = defineProvider({ id: 'bare', verification, events: { issues: { 'issues.opened': object({}) } }, eventType: () => 'issues' });
    expect(await parseWithProvider(bare, '{}')).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch', event: 'issues' });
  });

  it('eventId receives the typed payload and the request', () => {
    const payload = { action: 'opened' as const, issue: '#9' };
    const rawBody = Buffer.from('{}');
    expect(hub.eventId?.(payload, { method: 'POST', headers: { 'x-hub-delivery': 'd-1' }, rawBody })).toBe('d-1');
    expect(hub.eventId?.(payload, { method: 'POST', headers: {}, rawBody })).toBe('#9');
  });

  it('a variant named like another event is refused (discriminated too)', () => {
    expect(() => defineProvider({ id: 'x', verification, events: { a: { b: object({}) }, b: object({}) }, eventType: () => 'a' })).toThrow(
      /variant "b" of event "a" has the name of another event/,
    );
  });
});

describe('defineProvider(): names', () => {
  it('a variant may share its own event name', () => {
    const provider = defineProvider({ id: 'same', verification, oneOf: { Ping: { Ping: { schema: object({ ping: 'string' }), required: ['ping'] } } } });
    expect(provider.events).toEqual({ Ping: ['Ping'] });
  });
});

describe('defineProvider(): configuration errors', () => {
  const cases: Array<[string, () => unknown]> = [
    ['empty id', () => defineProvider({ id: '', verification, events: { a: object({}) }, eventType: () => 'a' })],
    ['id with a slash', () => defineProvider({ id: 'a/b', verification, events: { a: object({}) }, eventType: () => 'a' })],
    ['id with a space', () => defineProvider({ id: 'a b', verification, events: { a: object({}) }, eventType: () => 'a' })],
    ['no verification', () => defineProvider({ id: 'a', verification: undefined as never, events: { a: object({}) }, eventType: () => 'a' })],
    ['no events', () => defineProvider({ id: 'a', verification, events: {}, eventType: () => 'a' })],
    ['no variants', () => defineProvider({ id: 'a', verification, oneOf: { e: {} } })],
    // Regression: on('B') also received variant B of event A, whose payload type differs.
    [
      'a variant named like another event',
      () =>
        defineProvider({
          id: 'a',
          verification,
          oneOf: { A: { B: { schema: object({ b: 'string' }), required: ['b'] } }, B: { C: { schema: object({ c: 'string' }), required: ['c'] } } },
        }),
    ],
  ];
  it.each(cases)('%s → invalid_config', (_name, build) => {
    expect(build).toThrow(HookgateError);
    expect(build).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('describeIssues()', () => {
  it('joins path and message, paths as keys or segments, at most five issues', () => {
    const issues = [
      { message: 'Required', path: ['a'] },
      { message: 'Expected string', path: [{ key: 'b' }, 0] },
      { message: 'Top level' },
      { message: '4', path: [] },
      { message: '5', path: ['e'] },
      { message: '6', path: ['f'] },
    ];
    expect(describeIssues(issues)).toBe('a: Required; b.0: Expected string; Top level; 4; e: 5');
  });
});

describe('parseWithProvider()', () => {
  it('accepts text or bytes', async () => {
    const body = '{"type":"order.refunded","id":"o1","reason":"dup"}';
    expect(await parseWithProvider(shop, body)).toMatchObject({ kind: 'event', event: 'order.refunded' });
    expect(await parseWithProvider(shop, new TextEncoder().encode(body))).toMatchObject({ kind: 'event', event: 'order.refunded' });
  });

  it('a schema whose validate throws makes parse reject (a programmer error, not a payload problem)', async () => {
    const broken = defineProvider({ id: 'broken', verification, events: { a: brokenSchema('throw') }, eventType: () => 'a' });
    await expect(parseWithProvider(broken, '{}')).rejects.toThrow('validator exploded');
  });
});

describe('lazyParser()', () => {
  it('makes the provider on first use only, once, and parses with it', async () => {
    let made = 0;
    const parse = lazyParser(() => {
      made += 1;
      return shop;
    });
    expect(made).toBe(0);
    expect(await parse('{"type":"order.paid","id":"o1","amount":5}')).toMatchObject({ kind: 'event', event: 'order.paid' });
    expect(await parse('{"type":"order.lost"}')).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
    expect(made).toBe(1);
  });
});

describe('defineProvider(): fastParse (a fast path compiled ahead of time)', () => {
  const paid = object({ type: { literal: 'order.paid' }, id: 'string' });
  const fastPaid = (value: unknown) => {
    const body = value as Record<string, unknown>;
    return body.type === 'order.paid' && typeof body.id === 'string'
      ? { value: { ...body, fast: true } as unknown as { type: 'order.paid'; id: string } }
      : undefined;
  };
  const withFast = defineProvider({
    id: 'fast-shop',
    verification,
    events: { 'order.paid': paid, 'order.refunded': object({ type: { literal: 'order.refunded' }, id: 'string' }) },
    eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
    fastParse: { 'order.paid': fastPaid },
  });

  it('answers with the fast path when it accepts, synchronously', () => {
    const result = withFast.parse(Buffer.from('{"type":"order.paid","id":"o1"}'));
    expect(result).toEqual({ kind: 'event', event: 'order.paid', variant: 'order.paid', payload: { type: 'order.paid', id: 'o1', fast: true } });
  });

  it('lets the schema decide and report when the fast path declines', async () => {
    expect(await parseWithProvider(withFast, '{"type":"order.paid","id":7}')).toMatchObject({
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
      message: expect.stringContaining('id'),
      issues: [expect.objectContaining({ message: expect.any(String) })],
    });
  });

  it('never asks the fast path about a body with an own __proto__ key (the schema decides)', async () => {
    const result = await parseWithProvider(withFast, '{"type":"order.paid","id":"o1","__proto__":{"x":1}}');
    expect(result).toMatchObject({ kind: 'event', payload: { type: 'order.paid', id: 'o1' } });
    expect(result).not.toMatchObject({ payload: { fast: true } });
  });

  it('variants without a fast path use their schema', async () => {
    expect(await parseWithProvider(withFast, '{"type":"order.refunded","id":"o2"}')).toEqual({
      kind: 'event',
      event: 'order.refunded',
      variant: 'order.refunded',
      payload: { type: 'order.refunded', id: 'o2' },
    });
  });

  it('oneOf: each variant’s fast path answers for it; ambiguity and refusals are decided as before', async () => {
    const fastOf = (key: string) => (value: unknown) =>
      typeof (value as Record<string, unknown>)[key] === 'string' ? { value: { [key]: 'fast' } } : undefined;
    const provider = defineProvider({
      id: 'fast-notify',
      verification,
      oneOf: {
        userEvent: {
          UserCreated: { schema: object({ userCreated: 'string' }), required: ['userCreated'], fastParse: fastOf('userCreated') },
          UserDeleted: { schema: object({ userDeleted: 'string' }), required: ['userDeleted'] },
        },
      },
    });
    expect(await parseWithProvider(provider, '{"userCreated":"u1"}')).toEqual({
      kind: 'event',
      event: 'userEvent',
      variant: 'UserCreated',
      payload: { userCreated: 'fast' },
    });
    expect(await parseWithProvider(provider, '{"userCreated":"u1","userDeleted":"u1"}')).toMatchObject({
      reason: 'ambiguous_variants',
      candidates: ['UserCreated', 'UserDeleted'],
    });
    expect(await parseWithProvider(provider, '{"userCreated":1}')).toMatchObject({ kind: 'unknown_event', reason: 'no_variant_matched' });
  });

  it('refuses a fast path for a variant the provider does not define, or one that is no function', () => {
    const base = { id: 'x', verification, events: { a: paid }, eventType: () => 'a' };
    expect(() => defineProvider({ ...base, fastParse: { b: fastPaid } as never })).toThrow(HookgateError);
    expect(() => defineProvider({ ...base, fastParse: { a: 'nope' } as never })).toThrow(/fastParse\.a must be a function/);
    expect(() => defineProvider({ id: 'y', verification, oneOf: { e: { V: { schema: paid, required: ['id'], fastParse: 1 as never } } } })).toThrow(
      /fastParse of variant "V"/,
    );
  });
});
