import { describe, expect, it } from 'vitest';
import { notify, NOW, SECRET, shop, signedRequest } from '../test/helpers.js';
import { resolveTarget } from './adapter-routing.js';
import { createGateway, unknownProvider } from './gateway.js';
import { createWebhookHandler } from './handler.js';
import { MemoryStore } from './memory-store.js';

function handlers(store?: MemoryStore) {
  return {
    shop: createWebhookHandler({ provider: shop, secret: SECRET, now: () => NOW }),
    notify: createWebhookHandler({ provider: notify, secret: SECRET, store, now: () => NOW }),
  };
}

describe('createGateway()', () => {
  it('routes by id to the right handler and lists the ids in order', async () => {
    const gateway = createGateway({ handlers: handlers() });
    expect(gateway.kind).toBe('gateway');
    expect(gateway.providers).toEqual(['shop', 'notify']);
    expect(await gateway.handle('shop', signedRequest(shop, { type: 'order.paid', id: 'o', amount: 1 }))).toMatchObject({
      status: 200,
      event: 'order.paid',
    });
    expect(await gateway.handle('notify', signedRequest(notify, { userCreated: 'u' }))).toMatchObject({ status: 200, variant: 'UserCreated' });
    // A request signed for one provider is rejected by the other.
    expect(await gateway.handle('notify', signedRequest(shop, { type: 'order.paid', id: 'o', amount: 1 }))).toMatchObject({ status: 401 });
  });

  it('an unknown id is a 404 unknown_provider outcome', async () => {
    const gateway = createGateway({ handlers: handlers() });
    const outcome = await gateway.handle('github', signedRequest(shop, {}));
    expect(outcome).toEqual({ status: 404, kind: 'unknown_provider', reason: 'unknown_provider', message: 'no webhook handler for provider "github"' });
    expect(await gateway.handle('__proto__', signedRequest(shop, {}))).toMatchObject({ status: 404 });
    expect(await gateway.handle('', signedRequest(shop, {}))).toMatchObject({ status: 404 });
    expect(gateway.handler('github')).toBeUndefined();
  });

  it('hands its store to handlers without one, keeps a handler’s own store', async () => {
    const own = new MemoryStore();
    const shared = new MemoryStore();
    const byId = handlers(own);
    const gateway = createGateway({ handlers: byId, store: shared });
    expect(gateway.store).toBe(shared);
    expect(gateway.handler('shop')?.store).toBe(shared);
    expect(gateway.handler('notify')).toBe(byId.notify);
    expect(byId.shop.store).toBeUndefined(); // the handler itself is left as it was
    const outcome = await gateway.handle('shop', signedRequest(shop, { type: 'order.paid', id: 'o', amount: 1 }));
    expect(outcome.deliveryId).toBeDefined();
    expect(await shared.get(outcome.deliveryId!)).toMatchObject({ provider: 'shop', status: 'handled' });
    await gateway.handle('notify', signedRequest(notify, { userCreated: 'u' }));
    expect(own.size).toBe(1);
    expect(shared.size).toBe(1);
  });

  it('a handler in two gateways with different stores records into each', async () => {
    const { shop: shared } = handlers();
    const first = new MemoryStore();
    const second = new MemoryStore();
    const one = createGateway({ handlers: { shop: shared }, store: first });
    const two = createGateway({ handlers: { shop: shared }, store: second });
    const order = (id: string) => signedRequest(shop, { type: 'order.paid', id, amount: 1 });
    const viaOne = await one.handle('shop', order('o1'));
    const viaTwo = await two.handle('shop', order('o2'));
    const viaRoute = resolveTarget(two, 'shop');
    const viaAdapter = 'handler' in viaRoute ? await viaRoute.handler.handle(order('o3')) : viaRoute.outcome;
    expect(await first.get(viaOne.deliveryId!)).toMatchObject({ status: 'handled' });
    expect(await second.get(viaTwo.deliveryId!)).toMatchObject({ status: 'handled' });
    expect(await second.get(viaAdapter.deliveryId!)).toMatchObject({ status: 'handled' });
    expect([first.size, second.size]).toEqual([1, 2]);
    expect(shared.store).toBeUndefined();
  });

  it('handler(id) returns the routed handler', () => {
    const byId = handlers();
    const gateway = createGateway({ handlers: byId });
    expect(gateway.handler('shop')).toBe(byId.shop);
  });

  it.each([
    ['no handlers', () => createGateway({ handlers: {} })],
    ['a route id with a slash', () => createGateway({ handlers: { 'a/b': handlers().shop } })],
    ['a value that is no handler', () => createGateway({ handlers: { shop: {} as never } })],
  ])('%s → invalid_config', (_name, build) => {
    expect(build).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('unknownProvider() and resolveTarget()', () => {
  it('unknownProvider is the 404 refusal', () => {
    expect(unknownProvider('x')).toMatchObject({ status: 404, kind: 'unknown_provider' });
  });

  it('resolveTarget: a handler is its own target; a gateway routes or answers 404', () => {
    const byId = handlers();
    const gateway = createGateway({ handlers: byId });
    expect(resolveTarget(byId.shop)).toEqual({ handler: byId.shop });
    expect(resolveTarget(gateway, 'notify')).toEqual({ handler: byId.notify });
    expect(resolveTarget(gateway, 'nope')).toMatchObject({ outcome: { status: 404 } });
    expect(resolveTarget(gateway)).toMatchObject({ outcome: { status: 404 } });
  });
});
