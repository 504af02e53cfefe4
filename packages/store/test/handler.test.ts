import { join } from 'node:path';
import { MemoryStore, createWebhookHandler, type DeliveryStore, type WebhookRequest } from '@hookgate/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { ACME_SECRET, acme, signedPing } from './fixtures/acme-provider.mjs';
import { DATABASE_TARGETS, tempDir } from './helpers.js';

const encoder = new TextEncoder();

/** A request signed like `signedPing`, for any body. */
function signed(body: string, secret = ACME_SECRET): WebhookRequest & { headers: Record<string, string> } {
  const headers = acme.verification.sign({ secret, body, headers: { 'content-type': 'application/json' } });
  return { method: 'POST', path: '/webhooks/acme', headers, rawBody: encoder.encode(body) };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each([...DATABASE_TARGETS, { name: 'MemoryStore', create: null }])('handler with the $name store', ({ create }) => {
  /** A store plus every stored value as one string, read around the store API where possible. */
  async function setup(): Promise<{ store: DeliveryStore; url: string | null; everythingStored(): Promise<string> }> {
    if (create === null) {
      const store = new MemoryStore();
      return {
        store,
        url: null,
        everythingStored: async () => JSON.stringify((await store.list({ limit: 500 })).items),
      };
    }
    const target = await create();
    cleanups.push(() => target.cleanup());
    const store = await openStore(target.url);
    cleanups.push(() => store.close());
    return {
      store,
      url: target.url,
      everythingStored: async () =>
        JSON.stringify([await target.rows('hookgate_deliveries'), await target.rows('hookgate_dedupe'), await target.rows('hookgate_migrations')]),
    };
  }

  it('never stores the secret, a signature or a credential — scanning every stored row', async () => {
    const { store, everythingStored } = await setup();
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    handler.on('ping', () => undefined);
    const valid = signedPing('evt_1', { authorization: 'Bearer tok_CREDENTIAL_abc', cookie: 'session=COOKIE_value_123' });
    const tampered = { ...signedPing('evt_2'), rawBody: encoder.encode('{"type":"ping","id":"evt_2","note":"changed"}') };
    const wrongSecret = signed('{"type":"ping","id":"evt_3"}', 'whsec_SOMEONE_ELSES_secret');
    const unknown = signed('{"type":"pong","id":"evt_4"}');
    const invalid = signed('{"type":"ping"}');
    const requests = [valid, valid, tampered, wrongSecret, unknown, invalid];
    const outcomes = [];
    for (const request of requests) outcomes.push(await handler.handle(request));
    expect(outcomes.map((outcome) => `${outcome.kind} ${outcome.status}`)).toEqual([
      'handled 200',
      'duplicate 200',
      'rejected_signature 401',
      'rejected_signature 401',
      'unknown_event 202',
      'invalid_payload 400',
    ]);

    const stored = await everythingStored();
    expect(stored).toContain('evt_1'); // the scan does see the deliveries
    expect(stored).toContain('[redacted]');
    const forbidden = [
      ACME_SECRET,
      'whsec_SOMEONE_ELSES_secret',
      'tok_CREDENTIAL_abc',
      'COOKIE_value_123',
      ...requests.map((request) => request.headers['x-acme-signature']!),
    ];
    for (const value of forbidden) expect(stored, value).not.toContain(value);
    const first = await store.get(outcomes[0]!.deliveryId!);
    expect(first?.headers).toMatchObject({ 'x-acme-signature': '[redacted]', authorization: '[redacted]', cookie: '[redacted]' });
  });

  it('releases the claim when a listener throws, so the provider’s retry is processed', async () => {
    const { store } = await setup();
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    let calls = 0;
    handler.on('ping', () => {
      calls++;
      if (calls === 1) throw new Error('downstream flaked');
    });
    const request = signedPing('evt_retry');
    const first = await handler.handle(request);
    const retry = await handler.handle(request);
    const again = await handler.handle(request);
    expect([first.kind, retry.kind, again.kind]).toEqual(['handler_error', 'handled', 'duplicate']);
    expect(again.duplicateOf).toBe(retry.deliveryId);
    expect((await store.get(first.deliveryId!))?.message).toContain('downstream flaked');
  });

  it('event ids a sender controls — 4,000 random characters, NUL, lone surrogates — are handled, deduped and kept apart', async () => {
    const { store } = await setup();
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    const runs: string[] = [];
    handler.on('ping', (payload: { id: string }) => void runs.push(payload.id));
    const random = Array.from({ length: 4000 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
    const ids = [`evt_${random}`, 'evt_\u0000nul', 'evt_\ud800', 'evt_\udc00'];
    // With ordinary deliveries in the same turn (one batch on PostgreSQL): none of them may suffer.
    const outcomes = await Promise.all([...ids, 'evt_plain_1', 'evt_plain_2'].map((id) => handler.handle(signedPing(id))));
    expect(outcomes.map((outcome) => [outcome.status, outcome.kind])).toEqual(outcomes.map(() => [200, 'handled']));
    const retries = await Promise.all(ids.map((id) => handler.handle(signedPing(id))));
    expect(retries.map((outcome) => outcome.kind)).toEqual(ids.map(() => 'duplicate'));
    expect(runs.slice().sort()).toEqual([...ids, 'evt_plain_1', 'evt_plain_2'].sort());
  });
});

describe.each(DATABASE_TARGETS)('handler answers with the $name store', ({ create }) => {
  it('2xx only once the row is committed: another connection reads it right away', async () => {
    const target = await create();
    cleanups.push(() => target.cleanup());
    const store = await openStore(target.url);
    cleanups.push(() => store.close());
    const reader = await openStore(target.url);
    cleanups.push(() => reader.close());
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    for (let index = 0; index < 5; index++) {
      const outcome = await handler.handle(signedPing(`evt_commit_${index}`));
      expect(outcome.status).toBe(200);
      expect((await reader.get(outcome.deliveryId!))?.status).toBe('handled');
    }
  });

  it('503 once the store is closed (the provider retries)', async () => {
    const target = await create();
    cleanups.push(() => target.cleanup());
    const store = await openStore(target.url);
    await store.close();
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    const outcome = await handler.handle(signedPing('evt_closed'));
    expect(outcome).toMatchObject({ status: 503, kind: 'store_unavailable' });
  });
});

describe('handler with an unreachable store', () => {
  it('503 when PostgreSQL is not there (real closed port)', async () => {
    const store = await openStore('postgres://postgres@127.0.0.1:1/test', { migrate: false, connectionTimeoutMs: 2000 });
    cleanups.push(() => store.close());
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    expect(await handler.handle(signedPing('evt_down'))).toMatchObject({ status: 503, kind: 'store_unavailable' });
    // Rejected deliveries are recorded too, so they also need the store: 503, not 401.
    const tampered = { ...signedPing('evt_down_2'), rawBody: encoder.encode('{}') };
    expect(await handler.handle(tampered)).toMatchObject({ status: 503, kind: 'store_unavailable' });
  });

  it('503 while another process holds the SQLite write lock past the busy timeout, then 200', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const file = join(temp.dir, 'locked.db');
    const store = await openStore(`sqlite:${file}`, { busyTimeoutMs: 50 });
    cleanups.push(() => store.close());
    const handler = createWebhookHandler({ provider: acme, secret: ACME_SECRET, store });
    const other = new Database(file);
    cleanups.push(() => void other.close());
    other.exec('begin immediate');
    const request = signedPing('evt_locked');
    expect(await handler.handle(request)).toMatchObject({ status: 503, kind: 'store_unavailable' });
    other.exec('commit');
    expect(await handler.handle(request)).toMatchObject({ status: 200, kind: 'handled' });
  });
});
