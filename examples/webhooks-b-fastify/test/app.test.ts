import type { AddressInfo } from 'node:net';
import { fixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

const SECRET = 'example-secret';
const lines: string[] = [];
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  app = await createApp({ secret: SECRET, log: (line) => lines.push(line) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks`;
});

afterAll(async () => {
  await app.close();
});

async function send(delivery: { headers: Record<string, string>; body: string }): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  await response.arrayBuffer();
  return response.status;
}

describe('examples/webhooks-b-fastify', () => {
  it('handles a signed delivery of every variant and logs its event', async () => {
    for (const payload of Object.values(fixtures.valid)) {
      expect(await send(signWebhooksB({ payload, secret: SECRET }))).toBe(200);
    }
    expect(lines).toEqual([
      'userNotificationEvent received (UserActionNotificationEvent)',
      'userNotificationEvent received (UserStatusNotificationEvent)',
      'userNotificationEvent received (UserPreferenceNotificationEvent)',
      'systemNotificationEvent received (SystemAlertNotificationEvent)',
      'systemNotificationEvent received (SystemMaintenanceNotificationEvent)',
      'systemNotificationEvent received (SystemPerformanceNotificationEvent)',
      'inventoryChangeEvent received (InventoryStockIncreaseEvent)',
      'inventoryChangeEvent received (InventoryStockDecreaseEvent)',
      'inventoryChangeEvent received (InventoryStockDepletedEvent)',
    ]);
  });

  it('verifies the raw bytes of a pretty-printed body sent without X-Timestamp', async () => {
    const body = `${JSON.stringify(fixtures.valid.InventoryStockDepletedEvent, null, 2)}\n`;
    expect(await send(signWebhooksB({ body, secret: SECRET, timestamp: null }))).toBe(200);
  });

  it('answers 401 for a bad signature and 202 for ambiguous or unmatched bodies', async () => {
    lines.length = 0;
    expect(await send(signWebhooksB({ payload: fixtures.valid.UserActionNotificationEvent, secret: 'wrong-secret' }))).toBe(401);
    expect(await send(signWebhooksB({ payload: fixtures.ambiguous['user-and-inventory']!.payload, secret: SECRET }))).toBe(202);
    expect(await send(signWebhooksB({ payload: fixtures.unknown['other-event']!.payload, secret: SECRET }))).toBe(202);
    expect(lines).toEqual(['Signature verification failed', 'Unknown event', 'Unknown event']);
  });
});
