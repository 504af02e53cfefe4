// The config's inbox settings and per-provider listeners (issue 15): the gateway built from the
// config queues in inbox mode, and the same `listen` registers listeners for the worker.
import { MemoryStore, startWorker, type EventMap, type HookgateError, type WebhookHandler } from '@hookgate/core';
import { fixtures as pylonFixtures, pylon, signPylon } from '@hookgate/provider-pylon';
import { describe, expect, it } from 'vitest';
import { defineConfig, gatewayFromConfig, handlersFromConfig, validateConfig, workerFromConfig } from '../src/index.js';

const SECRET = 'pylon-test-secret';

function problems(input: unknown): string {
  try {
    validateConfig(input);
  } catch (error) {
    return (error as HookgateError).message;
  }
  return '';
}

describe('inbox config', () => {
  it('a gateway from an inbox config answers 202; a worker from the same config runs the listeners from `listen`', async () => {
    const seen: Array<[string, number]> = [];
    const config = defineConfig({
      inbox: { mode: 'inbox', concurrency: 2, retry: { maxAttempts: 3 } },
      providers: [
        {
          provider: pylon(),
          sign: signPylon,
          listen: (handler) => {
            handler.onAny((event, ctx) => {
              seen.push([event.event, ctx.attempt]);
            });
          },
        },
      ],
    });
    const store = new MemoryStore();
    const gateway = gatewayFromConfig(config, { secrets: { pylon: [SECRET] }, store });
    const body = JSON.stringify(pylonFixtures.valid.IssueNewEvent);
    const { headers } = signPylon({ body, secret: SECRET });
    const outcome = await gateway.handle('pylon', { method: 'POST', headers, rawBody: new TextEncoder().encode(body) });
    expect(outcome).toMatchObject({ status: 202, kind: 'queued' });
    expect(seen).toEqual([]);

    const worker = await startWorker({
      store,
      handlers: handlersFromConfig(config, { pylon: [SECRET] }),
      pollIntervalMs: 5,
      concurrency: config.inbox?.concurrency,
      retry: config.inbox?.retry,
    });
    for (let tries = 0; tries < 200 && (await store.get(outcome.deliveryId!))?.status !== 'handled'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await worker.stop();
    expect(seen).toEqual([['IssueNewEvent', 1]]);
  });

  it("workerFromConfig() runs the gateway's listeners with the config's retry policy: two failed attempts, then dead", async () => {
    const config = defineConfig({
      inbox: { mode: 'inbox', retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } },
      providers: [
        {
          provider: pylon(),
          sign: signPylon,
          listen: (handler) => {
            handler.onAny((_event, ctx) => {
              throw new Error(`listener down (attempt ${ctx.attempt})`);
            });
          },
        },
      ],
    });
    const store = new MemoryStore();
    const gateway = gatewayFromConfig(config, { secrets: { pylon: [SECRET] }, store });
    const body = JSON.stringify(pylonFixtures.valid.IssueNewEvent);
    const outcome = await gateway.handle('pylon', {
      method: 'POST',
      headers: signPylon({ body, secret: SECRET }).headers,
      rawBody: new TextEncoder().encode(body),
    });
    expect(outcome).toMatchObject({ status: 202, kind: 'queued' });

    // The default policy (8 attempts, 1 s base) would still be retrying after this wait.
    const worker = await workerFromConfig(config, { store, handlers: gateway, pollIntervalMs: 5 });
    for (let tries = 0; tries < 300 && (await store.get(outcome.deliveryId!))?.status !== 'dead'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await worker.stop();
    expect((await store.get(outcome.deliveryId!))?.status).toBe('dead');
    const attempts = await store.inbox.attempts(outcome.deliveryId!);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.error])).toEqual([
      [1, 'listener down (attempt 1)'],
      [2, 'listener down (attempt 2)'],
    ]);
  });

  it('records, dedupes and runs each delivery under its route id: two routes of one provider keep their own listeners', async () => {
    const seen: string[] = [];
    const route = (id: string) => ({
      id,
      provider: pylon(),
      sign: signPylon,
      listen: (handler: WebhookHandler<EventMap>) => {
        handler.onAny((event, ctx) => {
          seen.push(`${id} ${event.event} ${ctx.deliveryId}`);
        });
      },
    });
    const config = defineConfig({ inbox: { mode: 'inbox' }, providers: [route('support-eu'), route('support-us')] });
    const secrets = { 'support-eu': ['secret-eu'], 'support-us': ['secret-us'] };
    const store = new MemoryStore();
    const gateway = gatewayFromConfig(config, { secrets, store });
    const body = JSON.stringify(pylonFixtures.valid.IssueNewEvent);
    const send = (id: string, secret: string) =>
      gateway.handle(id, { method: 'POST', headers: signPylon({ body, secret }).headers, rawBody: new TextEncoder().encode(body) });
    // The same event at both routes: two accounts, so not a duplicate of each other.
    const eu = await send('support-eu', 'secret-eu');
    const us = await send('support-us', 'secret-us');
    expect([eu.status, us.status]).toEqual([202, 202]);
    expect((await send('support-eu', 'secret-eu')).kind).toBe('duplicate');
    expect((await store.get(eu.deliveryId!))?.provider).toBe('support-eu');
    expect((await store.get(us.deliveryId!))?.provider).toBe('support-us');
    expect((await store.list({ provider: 'support-us' })).items.map((delivery) => delivery.id)).toEqual([us.deliveryId]);

    const worker = await workerFromConfig(config, { store, handlers: gateway, pollIntervalMs: 5 });
    for (let tries = 0; tries < 300 && seen.length < 2; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(seen.sort()).toEqual([`support-eu IssueNewEvent ${eu.deliveryId}`, `support-us IssueNewEvent ${us.deliveryId}`]);
    // The provider itself is left as it was (the same object may be registered elsewhere).
    expect(config.providers.map((entry) => entry.provider.id)).toEqual(['pylon', 'pylon']);
  });

  it('lists every inbox problem', () => {
    const message = problems({
      providers: [{ provider: pylon(), listen: 'nope' }],
      inbox: { mode: 'queue', concurrency: 0, leaseSeconds: -1, retry: { maxAttempts: 0 }, extra: true },
    });
    expect(message).toContain(`inbox.mode must be 'inline' or 'inbox'`);
    expect(message).toContain('inbox.concurrency must be a positive integer');
    expect(message).toContain('inbox.leaseSeconds must be a positive number');
    expect(message).toContain('inbox.retry: retry.maxAttempts must be a positive integer');
    expect(message).toContain('inbox: unknown option "extra"');
    expect(message).toContain('providers[0] (pylon).listen must be a function');
    expect(problems({ providers: [pylon()], inbox: 'inbox' })).toContain('inbox must be an object');
  });
});
