import { createHash, createHmac } from 'node:crypto';
import { MemoryStore, OUTCOME_STATUS, type HandleOutcome, type WebhookRequest } from '@hookgate/core';
import { fixtures as pylonFixtures, signPylon } from '@hookgate/provider-pylon';
import { fixtures as bFixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET } from '../src/samples.js';
import { buildGateway } from '../src/support/servers.js';
import { printSummary } from '../src/support/summary.js';

/**
 * 100,000 generated and mutated requests through the gateway (both providers), in-process:
 * the gateway is what decides, and HTTP would only slow the count down (the load, crash and
 * store-down scenarios cover the adapters). Oracle, independent of core:
 * - no call throws or rejects, no unhandled rejection;
 * - every status is in the contract table, and never 500/503 (no listener throws, memory store);
 * - whenever verification passed (200/202/400), the exact message the request carries was
 *   signed by us with the real secret, and a Pylon timestamp is inside the window.
 */
const TOTAL = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 100_000);
const BATCHES = 10;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const NOW_SECONDS = Math.floor(NOW / 1000);
const MAX_BODY = 64 * 1024;
const CONTRACT = new Set(Object.values(OUTCOME_STATUS));

/** sha256 of every message we signed with the real secret (the only ones that may pass). */
const signedMessages = new Set<string>();
const digestOf = (parts: ReadonlyArray<string | Uint8Array>): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

type Provider = 'pylon' | 'webhooks-b';
interface Generated {
  route: string;
  request: WebhookRequest;
}

// ---- bodies -------------------------------------------------------------------------------
const encoder = new TextEncoder();
const jsonText = (value: unknown): string => JSON.stringify(value) ?? 'null';
const validPylon = Object.values(pylonFixtures.valid).map(jsonText);
const validB = Object.values(bFixtures.valid).map(jsonText);
const otherCases = [
  ...Object.values(pylonFixtures.invalid),
  ...Object.values(pylonFixtures.unknown),
  ...Object.values(bFixtures.invalid),
  ...Object.values(bFixtures.ambiguous),
].map((sample) => sample.raw ?? jsonText(sample.payload));
const edgeJson = [
  '{"event_type":"issue_new","issue_id":"1","issue_title":"t","__proto__":{"polluted":true}}',
  '{"event_type":"issue_new","event_type":"issue_assigned","issue_id":"1","issue_title":"t"}',
  '{"event_type":"issue_new","issue_id":"1","issue_title":"t","issue_number":1e400}',
  '{"event_type":"issue_new","issue_id":"1","issue_title":"t","issue_number":"007"}',
  '{"event_type":"issue_new","issue_id":"\\ud800","issue_title":"\\u0000"}',
  '\ufeff{"event_type":"issue_new","issue_id":"1","issue_title":"t"}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"userActionNotificationEventType":"x","n":${'9'.repeat(400)}}`,
  '{"userActionNotificationEventType":{"toString":"x"}}',
  '{"constructor":{"prototype":{"x":1}},"systemAlertNotificationEventType":"a"}',
  '',
  ' ',
  'null',
  '"string"',
];

const bodyArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...validPylon, ...validB).map((text) => encoder.encode(text)) },
  { weight: 2, arbitrary: fc.constantFrom(...otherCases, ...edgeJson).map((text) => encoder.encode(text)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((text) => encoder.encode(text)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => encoder.encode(text)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  // Wrong encodings: UTF-16 and Latin-1 bytes of valid JSON.
  { weight: 1, arbitrary: fc.constantFrom(...validPylon, ...validB).map((text) => new Uint8Array(Buffer.from(text, 'utf16le'))) },
  { weight: 1, arbitrary: fc.constantFrom(...validPylon).map((text) => new Uint8Array(Buffer.from(`${text.slice(0, -1)},"x":"é"}`, 'latin1'))) },
  // Huge: over the limit (413) and just under it (full verification of a big body).
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 64, max: MAX_BODY + 64 }).map((size) => new Uint8Array(size).fill(0x20)) },
);

// ---- headers and mutations -----------------------------------------------------------------
type Headers = Record<string, string | string[]>;

/** Signs `body` as the provider would, with a timestamp offset from NOW (maybe outside the window). */
function sign(provider: Provider, body: Uint8Array, offsetSeconds: number | null, method: string): Headers {
  const timestamp = offsetSeconds === null ? null : NOW_SECONDS + offsetSeconds;
  const signed =
    provider === 'pylon' ? signPylon({ secret: SECRET, body, timestamp, now: NOW }) : signWebhooksB({ secret: SECRET, body, timestamp, method, now: NOW });
  const headers: Headers = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  // Record exactly the message that was signed, independently of core.
  const ts = timestamp === null ? '' : String(timestamp);
  signedMessages.add(provider === 'pylon' ? digestOf(timestamp === null ? [body] : [`${ts}.`, body]) : digestOf([`${method}|${ts}|`, body]));
  return headers;
}

const SIGNATURE: Record<Provider, string> = { pylon: 'x-pylon-signature', 'webhooks-b': 'x-webhook-signature' };
const TIMESTAMP: Record<Provider, string> = { pylon: 'x-pylon-timestamp', 'webhooks-b': 'x-timestamp' };

type Mutation = (headers: Headers, body: Uint8Array, provider: Provider) => { headers: Headers; body: Uint8Array };
const first = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>((headers, body) => ({ headers, body })),
  fc.nat().map<Mutation>((at) => (headers, body) => {
    const copy = new Uint8Array(body);
    if (copy.length > 0) copy[at % copy.length] = copy[at % copy.length]! ^ (1 << (at % 8));
    return { headers, body: copy };
  }),
  fc.nat().map<Mutation>((cut) => (headers, body) => ({ headers, body: body.subarray(0, body.length === 0 ? 0 : cut % body.length) })),
  fc.constant<Mutation>((headers, body) => ({ headers, body: new Uint8Array(Buffer.concat([body, body])) })),
  fc.constant<Mutation>((headers, body, p) => ({ headers: { ...headers, [SIGNATURE[p]]: first(headers[SIGNATURE[p]]).toUpperCase() }, body })),
  fc.nat().map<Mutation>((at) => (headers, body, p) => {
    const value = first(headers[SIGNATURE[p]]);
    const index = value.length === 0 ? 0 : at % value.length;
    return { headers: { ...headers, [SIGNATURE[p]]: value.slice(0, index) + (value[index] === 'a' ? 'b' : 'a') + value.slice(index + 1) }, body };
  }),
  fc.nat().map<Mutation>((cut) => (headers, body, p) => {
    const value = first(headers[SIGNATURE[p]]);
    return { headers: { ...headers, [SIGNATURE[p]]: value.slice(0, value.length === 0 ? 0 : cut % value.length) }, body };
  }),
  // Duplicated headers (arrays, as Node hands them over) and several values in one header.
  fc.constant<Mutation>((headers, body, p) => ({ headers: { ...headers, [SIGNATURE[p]]: [first(headers[SIGNATURE[p]]), 'v1=AAAA'] }, body })),
  fc.constant<Mutation>((headers, body, p) => ({ headers: { ...headers, [TIMESTAMP[p]]: [first(headers[TIMESTAMP[p]]), '1'] }, body })),
  fc.constant<Mutation>((headers, body, p) => ({ headers: { ...headers, [SIGNATURE[p]]: `garbage\t${first(headers[SIGNATURE[p]])}` }, body })),
  fc.constant<Mutation>((headers, body, p) => {
    const copy = { ...headers };
    delete copy[SIGNATURE[p]];
    return { headers: copy, body };
  }),
  fc.constant<Mutation>((headers, body, p) => {
    const copy = { ...headers };
    delete copy[TIMESTAMP[p]];
    return { headers: copy, body };
  }),
  fc
    .constantFrom('', ' ', '-1', '1e3', '17325504000000', '0x10', '١٢٣', `${NOW_SECONDS}.5`, `${NOW_SECONDS + 1}`)
    .map<Mutation>((value) => (headers, body, p) => ({ headers: { ...headers, [TIMESTAMP[p]]: value }, body })),
  // Mixed-case header names (a plain object from a framework that keeps the sender's case).
  fc.constant<Mutation>((headers, body) => ({
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value])),
    body,
  })),
  fc.string({ unit: 'binary', maxLength: 80 }).map<Mutation>((value) => (headers, body, p) => ({ headers: { ...headers, [SIGNATURE[p]]: value }, body })),
);

const requestArb: fc.Arbitrary<Generated> = fc
  .record({
    provider: fc.constantFrom<Provider>('pylon', 'webhooks-b'),
    route: fc.oneof({ weight: 20, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('unknown', 'PYLON', '..', 'pylon ') }),
    body: bodyArb,
    signed: fc.boolean(),
    offset: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: -300, max: 300 }) },
      { weight: 2, arbitrary: fc.integer({ min: -100_000, max: 100_000 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    method: fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'post'),
    mutation: mutations,
    extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
  })
  .map(({ provider, route, body, signed, offset, method, mutation, extra }) => {
    const base: Headers = signed ? sign(provider, body, offset, method) : { 'content-type': 'application/json' };
    const mutated = mutation({ ...extra, ...base }, body, provider);
    return {
      route: route || provider,
      request: { method, path: `/webhooks/${route || provider}`, headers: mutated.headers, rawBody: mutated.body },
    };
  });

// ---- the oracle ---------------------------------------------------------------------------
function header(headers: Headers, name: string): string | undefined {
  let found: string | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) found = Array.isArray(value) ? value.join(', ') : value;
  }
  return found;
}

/** Could this request legitimately pass verification? Only if it carries a message we signed. */
function carriesSignedMessage(route: string, request: WebhookRequest): boolean {
  const headers = request.headers as Headers;
  if (route === 'pylon') {
    const ts = header(headers, 'x-pylon-timestamp');
    if (ts) {
      if (!/^\d{1,12}$/.test(ts) || Math.abs(NOW_SECONDS - Number(ts)) > 300) return false;
      return signedMessages.has(digestOf([`${ts}.`, request.rawBody]));
    }
    return signedMessages.has(digestOf([request.rawBody]));
  }
  const ts = header(headers, 'x-timestamp') ?? '';
  return signedMessages.has(digestOf([`${request.method}|${ts}|`, request.rawBody]));
}

describe(`fuzz: ${TOTAL} generated requests through the gateway`, () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('never crashes, never accepts a forged signature, answers only contract statuses', async () => {
    const statuses: Record<number, number> = {};
    let accepted = 0;
    let forgedAccepted = 0;
    let listenerCalls = 0;
    const started = performance.now();
    const seed = Number(process.env.RELIABILITY_FUZZ_SEED ?? Date.now() % 2 ** 31);
    for (let batch = 0; batch < BATCHES; batch++) {
      // A fresh gateway and store per batch keep memory bounded (the store keeps every row).
      const store = new MemoryStore({ maxBodyBytes: 1024 });
      const gateway = buildGateway({ store, now: () => NOW, maxBodyBytes: MAX_BODY, onEvent: () => void listenerCalls++ });
      await fc.assert(
        fc.asyncProperty(requestArb, async ({ route, request }) => {
          let outcome: HandleOutcome;
          try {
            outcome = await gateway.handle(route, request);
          } catch (error) {
            throw new Error(`gateway.handle threw: ${String(error)}`);
          }
          statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
          if (!CONTRACT.has(outcome.status)) throw new Error(`status ${outcome.status} is not in the contract table`);
          if (outcome.status >= 500) throw new Error(`unexpected ${outcome.status} ${outcome.kind}: ${outcome.message ?? ''}`);
          const verified = outcome.status === 200 || outcome.status === 202 || outcome.status === 400;
          if (verified) {
            accepted++;
            if (!carriesSignedMessage(route, request)) {
              forgedAccepted++;
              throw new Error(`accepted a request whose message we never signed: ${outcome.kind}`);
            }
          }
        }),
        { numRuns: Math.ceil(TOTAL / BATCHES), seed: seed + batch, endOnFailure: true },
      );
      await store.close();
    }
    const seconds = (performance.now() - started) / 1000;
    printSummary({
      scenario: `fuzz (${TOTAL} requests, seed ${seed})`,
      requests: Object.values(statuses).reduce((a, b) => a + b, 0),
      acked: accepted,
      stored: accepted,
      lost: 0,
      extra: { statuses, forgedAccepted, listenerCalls, unhandled: unhandled.length, seconds: Math.round(seconds) },
    });
    expect(forgedAccepted).toBe(0);
    expect(unhandled).toEqual([]);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(Math.ceil(TOTAL / BATCHES) * BATCHES);
    // The generator must actually reach every class of outcome, or the fuzz proves little.
    for (const status of [200, 202, 400, 401, 404, 413]) expect(statuses[status] ?? 0, `status ${status}`).toBeGreaterThan(0);
  });

  it('the oracle itself recognises what we signed (sanity)', () => {
    const body = encoder.encode(validPylon[0]!);
    const headers = sign('pylon', body, 0, 'POST');
    expect(carriesSignedMessage('pylon', { method: 'POST', headers, rawBody: body })).toBe(true);
    const forged = createHmac('sha256', 'not-the-secret').update(body).digest('hex');
    expect(
      carriesSignedMessage('pylon', { method: 'POST', headers: { 'x-pylon-signature': forged }, rawBody: encoder.encode(`{"sanity":"${Math.random()}"}`) }),
    ).toBe(false);
  });
});
