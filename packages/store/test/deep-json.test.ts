// Issue 11, "A validly signed deeply nested body loops on 503 forever": a signed Pylon body with
// `"x": [[[…]]]` thousands of levels deep made JSON.stringify in the store overflow the stack; the
// handler reported a store outage (503), released the claim, and every retry ran the listeners
// again. Also: credential headers must be stored redacted. Against SQLite, the real PostgreSQL
// and MemoryStore.
import { CREDENTIAL_HEADERS, DEFAULT_MAX_JSON_DEPTH, MemoryStore, REDACTED, createWebhookHandler, type DeliveryStore } from '@hookgate/core';
import { pylon, signPylon } from '@hookgate/provider-pylon';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { DATABASE_TARGETS } from './helpers.js';

const SECRET = 'whsec_deep_json_test_secret_0123456789';
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const encoder = new TextEncoder();

/** A Pylon `issue_new` body whose whole JSON nests `depth` levels (the object is level 1). */
function deepIssue(depth: number, issueId: string): string {
  const x = '['.repeat(depth - 1) + '0' + ']'.repeat(depth - 1);
  return `{"event_type":"issue_new","issue_id":"${issueId}","issue_title":"Printer on fire","x":${x}}`;
}

function signed(body: string, headers: Record<string, string> = {}) {
  const delivery = signPylon({ body, secret: SECRET, now: NOW });
  return { method: 'POST', path: '/webhooks/pylon', headers: { ...delivery.headers, ...headers }, rawBody: encoder.encode(body) };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each([...DATABASE_TARGETS, { name: 'MemoryStore', create: null }])('deep JSON and credentials with the $name store', ({ create }) => {
  /** The store, and every stored row of every table as one string (read around the store). */
  async function setup(): Promise<{ store: DeliveryStore; everythingStored(): Promise<string> }> {
    if (create === null) {
      const store = new MemoryStore();
      return { store, everythingStored: async () => JSON.stringify((await store.list({ limit: 500 })).items) };
    }
    const target = await create();
    cleanups.push(() => target.cleanup());
    const store = await openStore(target.url);
    cleanups.push(() => store.close());
    return { store, everythingStored: async () => JSON.stringify(await target.rows('hookgate_deliveries')) };
  }

  function pylonHandler(store: DeliveryStore, options: { maxJsonDepth?: number } = {}) {
    const runs: string[] = [];
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store, now: () => NOW, ...options });
    handler.on('IssueNewEvent', (issue) => {
      runs.push(issue.issue_id);
    });
    return { handler, runs };
  }

  it('a signed body 5,000 levels deep: 400 json_too_deep, recorded each time, 3 retries → 0 listener runs', async () => {
    const { store } = await setup();
    const { handler, runs } = pylonHandler(store);
    const request = signed(deepIssue(5_000, 'iss_deep'));
    const outcomes = [];
    for (let attempt = 0; attempt < 4; attempt++) outcomes.push(await handler.handle(request));
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 400, kind: 'invalid_payload', reason: 'json_too_deep' });
      expect(outcome.deliveryId).toBeDefined();
      expect(await store.get(outcome.deliveryId!)).toMatchObject({
        status: 'invalid_payload',
        reason: 'json_too_deep',
        payload: null,
        body: deepIssue(5_000, 'iss_deep'),
      });
    }
    expect(new Set(outcomes.map((o) => o.deliveryId)).size).toBe(4);
    expect(runs).toEqual([]);
    expect((await store.list({ provider: 'pylon', status: 'invalid_payload' })).items).toHaveLength(4);
  });

  it('a body at exactly the limit parses, runs its listener once and is stored with its payload', async () => {
    const { store } = await setup();
    const { handler, runs } = pylonHandler(store);
    const body = deepIssue(DEFAULT_MAX_JSON_DEPTH, 'iss_at_limit');
    const first = await handler.handle(signed(body));
    expect(first).toMatchObject({ status: 200, kind: 'handled' });
    const retry = await handler.handle(signed(body));
    expect(retry).toMatchObject({ status: 200, kind: 'duplicate', duplicateOf: first.deliveryId });
    expect(runs).toEqual(['iss_at_limit']);
    const stored = await store.get(first.deliveryId!);
    expect(stored).not.toBeNull();
    expect((stored!.payload as { x: unknown }).x).toEqual((JSON.parse(body) as { x: unknown }).x);
    expect(await handler.handle(signed(deepIssue(DEFAULT_MAX_JSON_DEPTH + 1, 'iss_over')))).toMatchObject({
      status: 400,
      reason: 'json_too_deep',
    });
  });

  it('with the limit raised past what JSON.stringify survives, the store still records (payload null): never 503', async () => {
    const { store } = await setup();
    const { handler, runs } = pylonHandler(store, { maxJsonDepth: 100_000 });
    const body = deepIssue(20_000, 'iss_huge');
    const outcomes = [];
    for (let attempt = 0; attempt < 4; attempt++) outcomes.push(await handler.handle(signed(body)));
    expect(outcomes.map((o) => `${o.status} ${o.kind}`)).toEqual(['200 handled', '200 duplicate', '200 duplicate', '200 duplicate']);
    expect(runs).toEqual(['iss_huge']);
    expect(await store.get(outcomes[0]!.deliveryId!)).toMatchObject({ status: 'handled', payload: null, body });
  });

  it('stores every default credential header, the signature and redactHeaders as [redacted]', async () => {
    const { store, everythingStored } = await setup();
    const handler = createWebhookHandler({ provider: pylon(), secret: SECRET, store, now: () => NOW, redactHeaders: ['X-Tenant-Key'] });
    const extra: Record<string, string> = { 'X-Tenant-Key': 'CLEAR_tenant', 'X-Request-Id': 'req_visible' };
    for (const name of CREDENTIAL_HEADERS) extra[name.replace(/(^|-)\w/g, (c) => c.toUpperCase())] = `CLEAR_${name}`;
    const outcome = await handler.handle(signed('{"event_type":"issue_new","issue_id":"iss_h","issue_title":"t"}', extra));
    expect(outcome).toMatchObject({ status: 200, kind: 'handled' });
    const stored = await store.get(outcome.deliveryId!);
    for (const name of [...CREDENTIAL_HEADERS, 'x-tenant-key', 'x-pylon-signature']) {
      expect(stored?.headers[name], name).toBe(REDACTED);
    }
    expect(stored?.headers['x-request-id']).toBe('req_visible');
    expect(await everythingStored()).not.toContain('CLEAR_');
  });
});
