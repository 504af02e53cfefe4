// withProviderId(): one provider served twice (two accounts), each copy under an id of its own.
import { describe, expect, it } from 'vitest';
import { SECRET, shop, signedRequest } from '../test/helpers.js';
import { HookgateError } from './errors.js';
import { createGateway } from './gateway.js';
import { createWebhookHandler } from './handler.js';
import { MemoryStore } from './memory-store.js';
import { baseProviderIds, parseWithProvider, withProviderId } from './provider.js';
import { replayDelivery } from './replay.js';
import { startWorker } from './worker.js';

const PAID = { type: 'order.paid', id: 'ord_1', amount: 5 };

describe('withProviderId()', () => {
  it('is the provider under another id; the provider itself is left as it is', async () => {
    const eu = withProviderId(shop, 'shop-eu');
    expect(eu.id).toBe('shop-eu');
    expect(shop.id).toBe('shop');
    expect(eu.verification).toBe(shop.verification);
    expect(eu.events).toEqual(shop.events);
    expect(eu.shape).toBe('discriminated');
    expect(await parseWithProvider(eu, JSON.stringify(PAID))).toEqual(await parseWithProvider(shop, JSON.stringify(PAID)));
    expect(withProviderId(shop, 'shop')).toBe(shop);
    expect(baseProviderIds(withProviderId(eu, 'shop-eu-2'))).toEqual(['shop-eu', 'shop']);
    expect(baseProviderIds(shop)).toEqual([]);
  });

  it('refuses an id that is not URL-safe', () => {
    for (const id of ['', '-eu', 'shop/eu', 'shop eu', '../shop']) {
      expect(() => withProviderId(shop, id), id).toThrow(HookgateError);
    }
  });

  it('each copy records, dedupes and runs its queued deliveries under its own id, with its own listeners', async () => {
    const store = new MemoryStore();
    const runs: string[] = [];
    const handlerFor = (id: string, secret: string) => {
      const handler = createWebhookHandler({ provider: withProviderId(shop, id), secret, store, mode: 'inbox' });
      handler.on('order.paid', (payload, ctx) => {
        runs.push(`${id} ${payload.id} ${ctx.deliveryId}`);
      });
      return handler;
    };
    const gateway = createGateway({ handlers: { 'shop-eu': handlerFor('shop-eu', SECRET), 'shop-us': handlerFor('shop-us', 'us-secret') } });
    // The same event id at both routes: two accounts, so neither is a duplicate of the other.
    const eu = await gateway.handle('shop-eu', signedRequest(shop, PAID));
    const us = await gateway.handle('shop-us', signedRequest(shop, PAID, { secret: 'us-secret' }));
    expect([eu.kind, us.kind]).toEqual(['queued', 'queued']);
    expect((await gateway.handle('shop-us', signedRequest(shop, PAID, { secret: 'us-secret' }))).kind).toBe('duplicate');
    expect((await store.get(eu.deliveryId!))?.provider).toBe('shop-eu');
    expect((await store.get(us.deliveryId!))?.provider).toBe('shop-us');

    const worker = await startWorker({ store, handlers: gateway, pollIntervalMs: 5 });
    try {
      for (let tries = 0; tries < 500 && runs.length < 2; tries++) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      await worker.stop();
    }
    expect(runs.sort()).toEqual([`shop-eu ord_1 ${eu.deliveryId}`, `shop-us ord_1 ${us.deliveryId}`]);
  });

  it("a delivery queued under the provider's own id before its route had one still runs, and replays, with that route", async () => {
    const store = new MemoryStore();
    // Before: the route served the provider under its own id ('shop').
    const before = createWebhookHandler({ provider: shop, secret: SECRET, store, mode: 'inbox' });
    const queued = await before.handle(signedRequest(shop, PAID));
    expect(queued.kind).toBe('queued');
    expect((await store.get(queued.deliveryId!))?.provider).toBe('shop');
    // After: the same route under an id of its own; the waiting job still finds it.
    const runs: string[] = [];
    const after = createWebhookHandler({ provider: withProviderId(shop, 'shop-eu'), secret: SECRET, store, mode: 'inbox' });
    after.on('order.paid', (payload, ctx) => {
      runs.push(`${payload.id} attempt ${ctx.attempt}`);
    });
    const gateway = createGateway({ handlers: { 'shop-eu': after } });
    const worker = await startWorker({ store, handlers: gateway, pollIntervalMs: 5 });
    try {
      for (let tries = 0; tries < 500 && (await store.get(queued.deliveryId!))?.status !== 'handled'; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await worker.stop();
    }
    expect(runs).toEqual(['ord_1 attempt 1']);
    const replayed = await replayDelivery({ store, handlers: gateway, requestedBy: 'test' }, queued.deliveryId!);
    expect(replayed).toMatchObject({ ok: true, status: 'handled' });
    expect(runs).toEqual(['ord_1 attempt 1', 'ord_1 attempt 2']);
  });
});
