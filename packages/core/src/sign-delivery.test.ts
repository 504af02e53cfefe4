import { describe, expect, it } from 'vitest';
import { encoder, NOW, SECRET, shop } from '../test/helpers.js';
import { prepareSecrets } from './secrets.js';
import { signDelivery } from './sign.js';

describe('signDelivery()', () => {
  it('signs JSON.stringify(payload), lower-cases header names and returns the exact body', () => {
    const { headers, body } = signDelivery(shop, {
      payload: { type: 'order.paid', id: 'o1', amount: 5 },
      secret: SECRET,
      headers: { 'Content-Type': 'application/json' },
      now: NOW,
    });
    expect(body).toBe('{"type":"order.paid","id":"o1","amount":5}');
    expect(Object.keys(headers).sort()).toEqual(['content-type', 'x-shop-signature']);
    const verified = shop.verification.verify({ method: 'POST', headers, rawBody: encoder.encode(body) }, prepareSecrets(SECRET), NOW);
    expect(verified.ok).toBe(true);
  });

  it("keepHeaderCase: the strategy's header names, unchanged", () => {
    const { headers } = signDelivery(shop, {
      payload: { type: 'order.paid' },
      secret: SECRET,
      headers: { 'Content-Type': 'application/json' },
      now: NOW,
      keepHeaderCase: true,
    });
    expect(Object.keys(headers).sort()).toEqual(['Content-Type', 'X-Shop-Signature']);
  });

  it('a given body is sent unchanged (bytes too)', () => {
    const bytes = encoder.encode('{"type":"order.paid" }');
    const signed = signDelivery(shop, { body: bytes, secret: SECRET });
    expect(signed.body).toBe(bytes);
    expect(shop.verification.verify({ method: 'POST', headers: signed.headers, rawBody: bytes }, prepareSecrets(SECRET)).ok).toBe(true);
  });
});
