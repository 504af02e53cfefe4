import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createWebhookHandler, MemoryStore } from '@hookgate/core';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import { demoPlan, runCli, type Io } from '../src/index.js';

const SECRETS = { pylon: 'pylon-cli-test-secret', 'webhooks-b': 'webhooks-b-cli-test-secret' };

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, log: (line) => lines.push(line), error: (line) => errors.push(line) };
}

describe('hookgate CLI against a real gateway', () => {
  let server: Server;
  let store: MemoryStore;
  let baseUrl: string;
  let dataDir: string;
  const seen: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookgate-cli-'));
    await writeFile(path.join(dataDir, 'secrets.json'), JSON.stringify({ pylon: [SECRETS.pylon], 'webhooks-b': [SECRETS['webhooks-b']] }));
    store = new MemoryStore();
    const pylonHandler = createWebhookHandler({ provider: pylon(), secret: SECRETS.pylon }).onAny((e) => void seen.push(e.variant));
    const bHandler = createWebhookHandler({ provider: webhooksB(), secret: SECRETS['webhooks-b'] }).onAny((e) => void seen.push(e.variant));
    const gateway = createGateway({ handlers: { pylon: pylonHandler, 'webhooks-b': bHandler }, store });
    const app = express();
    app.use('/api/webhooks', createExpressMiddleware(gateway));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('demo: every planned answer matches, and the store holds each delivery with its status', async () => {
    const io = capture();
    const code = await runCli(['demo', '--url', baseUrl, '--data-dir', dataDir], io);
    expect(io.errors).toEqual([]);
    expect(code).toBe(0);
    const expected = [...demoPlan('pylon', SECRETS.pylon), ...demoPlan('webhooks-b', SECRETS['webhooks-b'])];
    const { items } = await store.list({ limit: 500 });
    expect(items).toHaveLength(expected.length);
    const count = (status: string) => items.filter((d: { status: string }) => d.status === status).length;
    expect(count('duplicate')).toBe(2);
    expect(count('rejected_signature')).toBe(2);
    expect(count('handled')).toBe(4 + 9);
    expect(count('invalid_payload')).toBeGreaterThan(0);
    expect(count('unknown_event')).toBeGreaterThan(0);
    expect(io.lines.at(-1)).toMatch(/^\d+ deliveries sent, \d+ answered as expected\.$/);
  });

  it('send: a webhooks-b event name sends each of its variants, read from secrets.json', async () => {
    seen.length = 0;
    const io = capture();
    const code = await runCli(['send', 'webhooks-b', '--event', 'inventoryChangeEvent', '--count', '3', '--url', baseUrl, '--data-dir', dataDir], io);
    expect(code).toBe(0);
    expect(seen.sort()).toEqual(['InventoryStockDecreaseEvent', 'InventoryStockDepletedEvent', 'InventoryStockIncreaseEvent']);
  });

  it('send: repeated sends of one event are distinct deliveries, not duplicates', async () => {
    seen.length = 0;
    const code = await runCli(['send', 'pylon', '--event', 'IssueNewEvent', '--count', '2', '--url', baseUrl, '--secret', SECRETS.pylon], capture());
    expect(code).toBe(0);
    expect(seen).toEqual(['IssueNewEvent', 'IssueNewEvent']);
  });

  it('send: a wrong secret is answered 401 and the exit code says so', async () => {
    const io = capture();
    const code = await runCli(['send', 'pylon', '--url', baseUrl, '--secret', 'not-the-secret'], io);
    expect(code).toBe(1);
    expect(io.lines[0]).toMatch(/401 rejected_signature signature_mismatch/);
  });

  it('usage errors name the fix', async () => {
    const unknown = capture();
    expect(await runCli(['send', 'stripe', '--url', baseUrl], unknown)).toBe(2);
    expect(unknown.errors[0]).toMatch(/Unknown provider "stripe"/);
    const noSecret = capture();
    expect(await runCli(['send', 'pylon', '--url', baseUrl, '--data-dir', path.join(dataDir, 'nope')], noSecret, {})).toBe(2);
    expect(noSecret.errors[0]).toMatch(/HOOKGATE_SECRET_PYLON/);
    const badEvent = capture();
    expect(await runCli(['send', 'pylon', '--event', 'Nope', '--secret', 'x', '--url', baseUrl], badEvent)).toBe(2);
    expect(badEvent.errors[0]).toMatch(/IssueNewEvent/);
  });

  it('a closed port is reported as "nothing is listening", not a stack trace', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const io = capture();
    const code = await runCli(['send', 'pylon', '--secret', 'x', '--url', `http://127.0.0.1:${closed}/api/webhooks`], io);
    expect(code).toBe(1);
    expect(io.errors[0]).toMatch(/Nothing is listening/);
  });
});
