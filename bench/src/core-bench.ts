import type { IncomingHttpHeaders } from 'node:http';
import { verify as octokitVerify, sign as octokitSign } from '@octokit/webhooks-methods';
import { createWebhookHandler, signRequest, type WebhookRequest } from '@hookgate/core';
import { prepareSecrets } from '@hookgate/core/provider';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { floorParse, floorVerifyPylon, floorVerifyWebhooksB } from './floors.js';
import { compareRounds, fastestOf, median, ratioOf, type Candidate, type RoundResults } from './harness.js';
import type { BenchResult } from './results.js';
import { pylonBody, pylonWideBody, SECRET, webhooksBBody } from './samples.js';

/** Options of {@link runCoreBench}. */
export interface CoreBenchOptions {
  rounds: number;
  millisecondsPerCandidate: number;
}

/** Lower-cases header names, as Node's `IncomingMessage.headers` hands them over. */
function nodeHeaders(headers: Record<string, string>): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** The verify-only peers, each fed the headers its own signer produced. */
const VERIFY_PEERS = ['octokit verify', 'stripe verifyHeader', 'standardwebhooks verify', 'svix verify (+parse)'] as const;
/** The verify+parse peers: verify plus `JSON.parse` (or the library's own parse). */
const PARSE_PEERS = ['octokit verify + JSON.parse', 'stripe constructEvent', 'standardwebhooks verify (parses)', 'svix verify (parses)'] as const;

/**
 * Section 1 and 2 of the issue: Hookgate's verify and verify+parse against the peers and the
 * hand-written node:crypto floor, for a ~1 KB Pylon event and a ~1 KB Webhooks B event. Every
 * candidate runs in the same interleaved rounds, so every ratio is from one run.
 *
 * @example
 * ```ts
 * const rows = await runCoreBench({ rounds: 5, millisecondsPerCandidate: 300 });
 * ```
 */
export async function runCoreBench(options: CoreBenchOptions): Promise<{ rows: BenchResult[]; rounds: RoundResults }> {
  const text = pylonBody(1);
  const body = Buffer.from(text, 'utf8');
  const nowSeconds = Math.floor(Date.now() / 1000);

  // Hookgate, with the headers its own signer produced.
  const provider = pylon();
  const keys = prepareSecrets(SECRET);
  const pylonHeaders = nodeHeaders(signRequest(provider, { secret: SECRET, body, timestamp: nowSeconds }));
  const pylonRequest: WebhookRequest = { method: 'POST', path: '/webhooks/pylon', headers: pylonHeaders, rawBody: body };
  const pylonHandler = createWebhookHandler({ provider, secret: SECRET });

  // Peers, each with headers from its own signer.
  const octokitSignature = await octokitSign(SECRET, text);
  const stripe = new Stripe('sk_test_bench_not_a_real_key');
  const stripeHeader = stripe.webhooks.generateTestHeaderString({ payload: text, secret: SECRET });
  const standardSecret = `whsec_${Buffer.from(SECRET).toString('base64')}`;
  const standard = new StandardWebhook(standardSecret);
  const msgId = 'msg_2f1c7a3e6b0d4f9a9e21';
  const standardHeaders = {
    'webhook-id': msgId,
    'webhook-timestamp': String(nowSeconds),
    'webhook-signature': standard.sign(msgId, new Date(nowSeconds * 1000), text),
  };
  const svix = new SvixWebhook(standardSecret);
  const svixHeaders = {
    'svix-id': msgId,
    'svix-timestamp': String(nowSeconds),
    'svix-signature': svix.sign(msgId, new Date(nowSeconds * 1000), text),
  };

  // Webhooks B: its strategy against its own hand-written limit.
  const b = webhooksB();
  const bText = webhooksBBody(1);
  const bBody = Buffer.from(bText, 'utf8');
  const bHeaders = nodeHeaders(signRequest(b, { secret: SECRET, body: bBody, headers: { 'X-Timestamp': String(nowSeconds) } }));
  const bRequest: WebhookRequest = { method: 'POST', path: '/webhooks/webhooks-b', headers: bHeaders, rawBody: bBody };
  const bHandler = createWebhookHandler({ provider: b, secret: SECRET });

  const candidates: Candidate[] = [
    // Pylon, verify only.
    { name: 'floor verify', fn: () => floorVerifyPylon(pylonHeaders, body, SECRET, Date.now()) },
    { name: 'hookgate verify', fn: () => provider.verification.verify(pylonRequest, keys, Date.now()).ok },
    { name: 'octokit verify', fn: () => octokitVerify(SECRET, text, octokitSignature) },
    { name: 'stripe verifyHeader', fn: () => stripe.webhooks.signature.verifyHeader(text, stripeHeader, SECRET) },
    { name: 'standardwebhooks verify', fn: () => (standard.verify(text, standardHeaders, { jsonParse: false }), true) },
    { name: 'svix verify (+parse)', fn: () => svix.verify(text, svixHeaders) },
    // Pylon, verify + parse.
    { name: 'floor verify + JSON.parse', fn: () => floorVerifyPylon(pylonHeaders, body, SECRET, Date.now()) && floorParse(body) },
    { name: 'hookgate verifyAndParse', fn: async () => (await pylonHandler.verifyAndParse(pylonRequest)).kind === 'event' },
    { name: 'octokit verify + JSON.parse', fn: async () => (await octokitVerify(SECRET, text, octokitSignature)) && JSON.parse(text) },
    { name: 'stripe constructEvent', fn: () => stripe.webhooks.constructEvent(text, stripeHeader, SECRET) },
    { name: 'standardwebhooks verify (parses)', fn: () => standard.verify(text, standardHeaders) },
    // Webhooks B.
    { name: 'floor B verify', fn: () => floorVerifyWebhooksB('POST', bHeaders, bBody, SECRET) },
    { name: 'hookgate B verify', fn: () => b.verification.verify(bRequest, keys, Date.now()).ok },
    { name: 'floor B verify + JSON.parse', fn: () => floorVerifyWebhooksB('POST', bHeaders, bBody, SECRET) && floorParse(bBody) },
    { name: 'hookgate B verifyAndParse', fn: async () => (await bHandler.verifyAndParse(bRequest)).kind === 'event' },
  ];
  const rounds = await compareRounds(candidates, options);

  // Second group (its own interleaved rounds, signed afresh: the peers' 300 s windows must not
  // run out on a slow machine): the wide Pylon body, and each typed parse alone and after a
  // verify without the handler, against the same floor.
  const wideBody = Buffer.from(pylonWideBody(1), 'utf8');
  const wideHeaders = nodeHeaders(signRequest(provider, { secret: SECRET, body: wideBody, timestamp: Math.floor(Date.now() / 1000) }));
  const wideRequest: WebhookRequest = { method: 'POST', path: '/webhooks/pylon', headers: wideHeaders, rawBody: wideBody };
  const freshHeaders = nodeHeaders(signRequest(provider, { secret: SECRET, body, timestamp: Math.floor(Date.now() / 1000) }));
  const freshRequest: WebhookRequest = { ...pylonRequest, headers: freshHeaders };
  const isEvent = (result: unknown) => (result as { kind: string }).kind === 'event';
  // The same providers with the zod schemas alone: what the fast paths save, in the same run.
  const zodOnlyHandler = createWebhookHandler({ provider: pylon({ fastParse: false }), secret: SECRET });
  const zodOnlyBHandler = createWebhookHandler({ provider: webhooksB({ fastParse: false }), secret: SECRET });
  const parseCandidates: Candidate[] = [
    { name: 'floor verify + JSON.parse (wide)', fn: () => floorVerifyPylon(wideHeaders, wideBody, SECRET, Date.now()) && floorParse(wideBody) },
    { name: 'hookgate verifyAndParse (wide)', fn: async () => (await pylonHandler.verifyAndParse(wideRequest)).kind === 'event' },
    { name: 'floor verify + JSON.parse, 2nd group', fn: () => floorVerifyPylon(freshHeaders, body, SECRET, Date.now()) && floorParse(body) },
    {
      name: 'hookgate verify + provider.parse',
      fn: () => provider.verification.verify(freshRequest, keys, Date.now()).ok && isEvent(provider.parse(body, freshRequest)),
    },
    {
      name: 'hookgate verify + provider.parse (wide)',
      fn: () => provider.verification.verify(wideRequest, keys, Date.now()).ok && isEvent(provider.parse(wideBody, wideRequest)),
    },
    { name: 'hookgate verifyAndParse, zod alone', fn: async () => (await zodOnlyHandler.verifyAndParse(freshRequest)).kind === 'event' },
    { name: 'hookgate verifyAndParse (wide), zod alone', fn: async () => (await zodOnlyHandler.verifyAndParse(wideRequest)).kind === 'event' },
    { name: 'hookgate B verifyAndParse, zod alone', fn: async () => (await zodOnlyBHandler.verifyAndParse(bRequest)).kind === 'event' },
    { name: 'floor B verify + JSON.parse, 2nd group', fn: () => floorVerifyWebhooksB('POST', bHeaders, bBody, SECRET) && floorParse(bBody) },
    { name: 'hookgate B verify + provider.parse', fn: () => b.verification.verify(bRequest, keys, Date.now()).ok && isEvent(b.parse(bBody, bRequest)) },
    { name: 'JSON.parse', fn: () => floorParse(body) },
    { name: 'pylon parse', fn: () => isEvent(provider.parse(body, freshRequest)) },
    { name: 'JSON.parse (wide)', fn: () => floorParse(wideBody) },
    { name: 'pylon parse (wide)', fn: () => isEvent(provider.parse(wideBody, wideRequest)) },
    { name: 'JSON.parse (B)', fn: () => floorParse(bBody) },
    { name: 'webhooks-b parse', fn: () => isEvent(b.parse(bBody, bRequest)) },
  ];
  for (const [name, values] of await compareRounds(parseCandidates, options)) rounds.set(name, values);
  // svix's verify always parses: as a verify peer it is measured with its parse, and listed as such.
  rounds.set('svix verify (parses)', rounds.get('svix verify (+parse)')!);

  const fastestVerifyPeer = fastestOf(rounds, VERIFY_PEERS);
  const fastestParsePeer = fastestOf(rounds, PARSE_PEERS);
  const note = `median of ${options.rounds} interleaved rounds, ${options.millisecondsPerCandidate} ms each; body ${body.byteLength} B`;
  const row = (name: string, candidate: string, baseline: string, min: number, size = body.byteLength): BenchResult => {
    const ratio = ratioOf(rounds, candidate, baseline);
    return {
      name,
      value: median(rounds.get(candidate)!),
      unit: 'ops/s',
      baseline: median(rounds.get(baseline)!),
      baselineName: baseline,
      ratio,
      target: `>= ${min.toFixed(2)}x`,
      met: ratio >= min,
      note: size === body.byteLength ? note : note.replace(`body ${body.byteLength} B`, `body ${size} B`),
    };
  };
  const rows: BenchResult[] = [
    row('core.pylon.verify vs fastest peer', 'hookgate verify', fastestVerifyPeer, 1.0),
    row('core.pylon.verify vs floor', 'hookgate verify', 'floor verify', 0.95),
    row('core.pylon.verify+parse vs floor', 'hookgate verifyAndParse', 'floor verify + JSON.parse', 0.8),
    row('core.pylon.verify+parse vs fastest peer+parse', 'hookgate verifyAndParse', fastestParsePeer, 1.0),
    row('core.pylon.verify+parse, 35 custom fields, vs floor', 'hookgate verifyAndParse (wide)', 'floor verify + JSON.parse (wide)', 0.8, wideBody.byteLength),
    row('core.webhooks-b.verify vs floor', 'hookgate B verify', 'floor B verify', 0.8, bBody.byteLength),
    row('core.webhooks-b.verify+oneOf parse vs floor', 'hookgate B verifyAndParse', 'floor B verify + JSON.parse', 0.8, bBody.byteLength),
  ];
  // Orientation rows (no target): the verify and the typed parse without the handler around them,
  // and the typed parse alone against a bare JSON.parse of the same body.
  for (const [name, candidate, baseline, size] of [
    ['core.pylon.verify+provider.parse (no handler) vs floor', 'hookgate verify + provider.parse', 'floor verify + JSON.parse, 2nd group', body.byteLength],
    [
      'core.pylon.verify+provider.parse (no handler), 35 custom fields, vs floor',
      'hookgate verify + provider.parse (wide)',
      'floor verify + JSON.parse (wide)',
      wideBody.byteLength,
    ],
    [
      'core.webhooks-b.verify+provider.parse (no handler) vs floor',
      'hookgate B verify + provider.parse',
      'floor B verify + JSON.parse, 2nd group',
      bBody.byteLength,
    ],
    [
      'core.pylon.verify+parse with zod alone (fastParse: false) vs floor',
      'hookgate verifyAndParse, zod alone',
      'floor verify + JSON.parse, 2nd group',
      body.byteLength,
    ],
    [
      'core.pylon.verify+parse with zod alone, 35 custom fields, vs floor',
      'hookgate verifyAndParse (wide), zod alone',
      'floor verify + JSON.parse (wide)',
      wideBody.byteLength,
    ],
    [
      'core.webhooks-b.verify+oneOf parse with zod alone vs floor',
      'hookgate B verifyAndParse, zod alone',
      'floor B verify + JSON.parse, 2nd group',
      bBody.byteLength,
    ],
    ['core.pylon.parse alone vs JSON.parse', 'pylon parse', 'JSON.parse', body.byteLength],
    ['core.pylon.parse alone, 35 custom fields, vs JSON.parse', 'pylon parse (wide)', 'JSON.parse (wide)', wideBody.byteLength],
    ['core.webhooks-b.parse alone vs JSON.parse', 'webhooks-b parse', 'JSON.parse (B)', bBody.byteLength],
  ] as const) {
    rows.push({ ...row(name, candidate, baseline, 0, size), target: 'orientation', met: true });
  }
  // Orientation rows (no target): every peer against the no-parse floor, as in the issue.
  for (const peer of [...VERIFY_PEERS, 'stripe constructEvent']) {
    const ratio = ratioOf(rounds, peer, 'floor verify');
    rows.push({
      name: `peer.${peer}`,
      value: median(rounds.get(peer)!),
      unit: 'ops/s',
      baseline: median(rounds.get('floor verify')!),
      baselineName: 'floor verify',
      ratio,
      target: 'orientation',
      met: true,
      note,
    });
  }
  return { rows, rounds };
}
