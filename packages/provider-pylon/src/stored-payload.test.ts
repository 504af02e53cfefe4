import { createWebhookHandler, MemoryStore, type WebhookRequest } from '@hookgate/core';
import type { CompleteInput } from '@hookgate/core/store';
import { describe, expect, it } from 'vitest';
import { pylon } from './provider.js';
import { signPylon } from './sign.js';

const SECRET = 'stored-payload-secret';

/** A MemoryStore that also keeps what the handler passed to complete(). */
class RecordingStore extends MemoryStore {
  readonly completed: CompleteInput[] = [];
  override async complete(input: CompleteInput): Promise<void> {
    this.completed.push(input);
    await super.complete(input);
  }
}

function request(text: string): WebhookRequest {
  const signed = signPylon({ secret: SECRET, body: text });
  return { method: 'POST', path: '/webhooks/pylon', headers: signed.headers, rawBody: Buffer.from(text, 'utf8') };
}

describe('the payload JSON a store is handed', () => {
  it("is the body's own text when the parse left the body unchanged (whitespace and all), and reads back as the parsed payload", async () => {
    const store = new RecordingStore();
    const seen: unknown[] = [];
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store }).on('IssueNewEvent', (payload) => {
      seen.push(structuredClone(payload));
    });
    // Pretty-printed, with an escape JSON.stringify would write differently: the text is kept as sent.
    const text = JSON.stringify(
      { event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'caf\u00e9', issue_number: 7, issue_requester_id: 'usr_1' },
      null,
      2,
    ).replace('café', 'caf\\u00e9');
    const outcome = await handler.handle(request(text));
    expect(outcome.status).toBe(200);
    expect(store.completed[0]!.delivery.payloadJson).toBe(text);
    const stored = await store.get(outcome.deliveryId!);
    expect(stored!.payload).toStrictEqual(seen[0]);
    expect(stored!.body).toBe(text);
  });

  it('is left out when the parse normalised the body (the store serialises the payload as before)', async () => {
    const store = new RecordingStore();
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store });
    const bodies = [
      // issue_number sent as digits becomes a number.
      { event_type: 'issue_new', issue_id: 'iss_2', issue_title: 't', issue_number: '42' },
      // issue_requester_id is added from the misspelt key.
      { event_type: 'issue_new', issue_id: 'iss_3', issue_title: 't', issue_requesteer_id: 'usr_2' },
      // assignee_id is always set.
      { event_type: 'issue_assigned', issue_id: 'iss_4', issue_title: 't', issue_assignee_id: 'usr_3' },
    ];
    for (const body of bodies) {
      const outcome = await handler.handle(request(JSON.stringify(body)));
      expect(outcome.status).toBe(200);
      const input = store.completed.at(-1)!;
      expect(input.delivery.payloadJson).toBeUndefined();
      const stored = await store.get(outcome.deliveryId!);
      expect(stored!.payload).toStrictEqual(JSON.parse(JSON.stringify(input.delivery.payload)));
    }
    expect((await store.get(store.completed[0]!.delivery.id))!.payload).toMatchObject({ issue_number: 42 });
    expect((await store.get(store.completed[2]!.delivery.id))!.payload).toMatchObject({ assignee_id: 'usr_3' });
  });

  it('is left out with fastParse: false (zod builds a new object)', async () => {
    const store = new RecordingStore();
    const handler = createWebhookHandler({ provider: pylon({ fastParse: false }), secret: SECRET, store });
    const outcome = await handler.handle(request(JSON.stringify({ event_type: 'issue_new', issue_id: 'iss_5', issue_title: 't' })));
    expect(outcome.status).toBe(200);
    expect(store.completed[0]!.delivery.payloadJson).toBeUndefined();
  });
});
