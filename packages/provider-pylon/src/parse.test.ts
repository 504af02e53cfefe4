import { createWebhookHandler, MemoryStore, type WebhookRequest } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { fixtures, type PylonFixtureCase } from './fixtures.js';
import { parseWebhookEvent, pylon } from './provider.js';
import { pylonEvents, type PylonEventName } from './schemas.js';
import { signPylon } from './sign.js';

const SECRET = 'pylon-secret';
const NOW = 1_732_550_400_000;

function bodyOf(sample: PylonFixtureCase): string {
  return sample.raw ?? JSON.stringify(sample.payload);
}

function signed(body: string, timestamp: number | null = NOW / 1000): WebhookRequest {
  const delivery = signPylon({ body, secret: SECRET, timestamp });
  return { method: 'POST', headers: delivery.headers, rawBody: Buffer.from(delivery.body, 'utf8') };
}

async function parse(payload: Record<string, unknown>) {
  return parseWebhookEvent(JSON.stringify(payload));
}

describe('every fixture through verifyAndParse with the signer', () => {
  const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, now: () => NOW });
  const names = Object.keys(pylonEvents) as PylonEventName[];

  it('has one valid sample per event', () => {
    expect(Object.keys(fixtures.valid).sort()).toEqual([...names].sort());
  });

  it.each(names)('valid %s → that event, every original key kept', async (name) => {
    const payload = fixtures.valid[name];
    for (const timestamp of [NOW / 1000, null]) {
      const result = await handler.verifyAndParse(signed(JSON.stringify(payload), timestamp));
      expect(result).toMatchObject({ kind: 'event', event: name, variant: name, secretIndex: 0 });
      if (result.kind !== 'event') continue;
      const { issue_number: _, ...rest } = payload as Record<string, unknown>;
      expect(result.payload).toMatchObject(rest);
      expect(result.payload.issue_number).toBe(1287);
    }
  });

  it.each(Object.entries({ ...fixtures.invalid, ...fixtures.unknown }))('%s', async (_, sample) => {
    const result = await handler.verifyAndParse(signed(bodyOf(sample)));
    expect(result).toMatchObject({ ...sample.expected, secretIndex: 0 });
    if (sample.expected.reason === 'schema_mismatch') {
      expect(result).toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]) });
    }
  });
});

describe('aliases, coercions and normalised fields', () => {
  it('accepts issue_state_changed + issue_state and adds `state` alongside', async () => {
    const result = await parse({ event_type: 'issue_state_changed', issue_id: 'iss_1', issue_state: 'on_hold' });
    expect(result).toMatchObject({ kind: 'event', event: 'IssueStateChangedEvent' });
    expect(result.kind === 'event' && result.payload).toEqual({
      event_type: 'issue_state_changed',
      issue_id: 'iss_1',
      issue_state: 'on_hold',
      state: 'on_hold',
    });
  });

  it('keeps a custom status slug and prefers issue_status over issue_state', async () => {
    const result = await parse({ event_type: 'issue_status_changed', issue_id: 'iss_1', issue_status: 'escalated_to_eng', issue_state: 'closed' });
    expect(result).toMatchObject({ kind: 'event', payload: { state: 'escalated_to_eng', issue_status: 'escalated_to_eng', issue_state: 'closed' } });
  });

  it('accepts message_new and issue_message_new as MessageNewEvent', async () => {
    for (const type of ['message_new', 'issue_message_new']) {
      expect(await parse({ event_type: type, issue_id: 'iss_1', message_id: 'msg_1' })).toMatchObject({
        kind: 'event',
        event: 'MessageNewEvent',
        payload: { event_type: type },
      });
    }
  });

  it('accepts assignee_id instead of issue_assignee_id; `assignee_id` is always there', async () => {
    expect(await parse({ event_type: 'issue_assigned', issue_id: 'iss_1', assignee_id: 'usr_9' })).toMatchObject({
      kind: 'event',
      payload: { assignee_id: 'usr_9' },
    });
    const both = await parse({ event_type: 'issue_assigned', issue_id: 'iss_1', issue_assignee_id: 'usr_7' });
    expect(both).toMatchObject({ kind: 'event', payload: { issue_assignee_id: 'usr_7', assignee_id: 'usr_7' } });
    expect(await parse({ event_type: 'issue_assigned', issue_id: 'iss_1', issue_assignee_id: '' })).toMatchObject({
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
    });
  });

  it('coerces an issue_number of ASCII digits to a number, and nothing else', async () => {
    const base = { event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'T' };
    expect(await parse({ ...base, issue_number: '0042' })).toMatchObject({ kind: 'event', payload: { issue_number: 42 } });
    expect(await parse({ ...base, issue_number: 42 })).toMatchObject({ kind: 'event', payload: { issue_number: 42 } });
    for (const bad of ['', ' 42', '4 2', '-42', '42.0', '４２', true, null, [42], '99999999999999999999']) {
      expect(await parse({ ...base, issue_number: bad }), JSON.stringify(bad)).toMatchObject({ kind: 'invalid_payload', reason: 'schema_mismatch' });
    }
  });

  it('copies the misspelt issue_requesteer_id to issue_requester_id, never replacing either', async () => {
    const base = { event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'T' };
    expect(await parse({ ...base, issue_requesteer_id: 'usr_1' })).toMatchObject({
      payload: { issue_requesteer_id: 'usr_1', issue_requester_id: 'usr_1' },
    });
    expect(await parse({ ...base, issue_requesteer_id: 'usr_1', issue_requester_id: 'usr_2' })).toMatchObject({
      payload: { issue_requesteer_id: 'usr_1', issue_requester_id: 'usr_2' },
    });
    const neither = await parse(base);
    expect(neither.kind === 'event' && Object.hasOwn(neither.payload, 'issue_requester_id')).toBe(false);
  });

  it('keeps unknown keys such as custom fields', async () => {
    const result = await parse({ event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'T', issue_custom_field_plan: { tier: 'gold' } });
    expect(result).toMatchObject({ kind: 'event', payload: { issue_custom_field_plan: { tier: 'gold' } } });
  });

  it('reports the received type of an unknown event in the message', async () => {
    expect(await parse({ event_type: 'issue_reaction', issue_id: 'iss_1' })).toMatchObject({
      kind: 'unknown_event',
      reason: 'unknown_event_type',
      message: expect.stringContaining('issue_reaction'),
    });
    expect(await parse({ event_type: 'constructor' })).toMatchObject({ kind: 'unknown_event', reason: 'unknown_event_type' });
  });

  it('parseWebhookEvent takes bytes too', async () => {
    expect(await parseWebhookEvent(Buffer.from(JSON.stringify(fixtures.valid.IssueNewEvent)))).toMatchObject({ kind: 'event' });
  });
});

describe('handle(): statuses, dispatch, dedupe', () => {
  it('answers 200 / 202 / 400 / 401 and dispatches by event name', async () => {
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, now: () => NOW });
    const assigned: string[] = [];
    const all: string[] = [];
    handler.on('IssueAssignedEvent', (event) => void assigned.push(event.assignee_id));
    handler.onAny((event) => void all.push(event.payload.event_type));
    expect(await handler.handle(signed(JSON.stringify(fixtures.valid.IssueAssignedEvent)))).toMatchObject({
      status: 200,
      kind: 'handled',
      event: 'IssueAssignedEvent',
    });
    expect(await handler.handle(signed(JSON.stringify(fixtures.valid.MessageNewEvent)))).toMatchObject({ status: 200 });
    expect(await handler.handle(signed(bodyOf(fixtures.unknown['untyped-event']!)))).toMatchObject({ status: 202, kind: 'unknown_event' });
    expect(await handler.handle(signed(bodyOf(fixtures.invalid['issue-new-without-title']!)))).toMatchObject({
      status: 400,
      kind: 'invalid_payload',
      reason: 'schema_mismatch',
    });
    expect(await handler.handle(signed('[]'))).toMatchObject({ status: 400, reason: 'invalid_json' });
    const forged = { ...signed(JSON.stringify(fixtures.valid.IssueNewEvent)), rawBody: Buffer.from('{}') };
    expect(await handler.handle(forged)).toMatchObject({ status: 401, kind: 'rejected_signature' });
    expect(assigned).toEqual(['2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b']);
    expect(all).toEqual(['issue_assigned', 'issue_message_new']);
  });

  it('a retry (same bytes) is a duplicate; the same change sent later with a new timestamp is not', async () => {
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store: new MemoryStore(), now: () => NOW });
    let calls = 0;
    handler.on('IssueNewEvent', () => void calls++);
    const body = JSON.stringify(fixtures.valid.IssueNewEvent);
    const first = await handler.handle(signed(body));
    expect(await handler.handle(signed(body))).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(await handler.handle(signed(body, NOW / 1000 - 60))).toMatchObject({ status: 200, kind: 'handled' });
    expect(calls).toBe(2);
  });

  it('body-only deliveries (no timestamp): the same bytes are a duplicate within 24 h and processed again after', async () => {
    let clock = NOW;
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store: new MemoryStore(), now: () => clock });
    const request = signed(JSON.stringify(fixtures.valid.IssueStateChangedEvent), null);
    expect(await handler.handle(request)).toMatchObject({ kind: 'handled' });
    clock = NOW + 23 * 3600_000;
    expect(await handler.handle(request)).toMatchObject({ kind: 'duplicate' });
    clock = NOW + 24 * 3600_000 + 1000;
    expect(await handler.handle(request)).toMatchObject({ kind: 'handled' });
  });
});
