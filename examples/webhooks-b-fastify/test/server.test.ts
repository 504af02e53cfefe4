import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { fixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
import { announced, type StartedScript, startScript } from '@hookgate/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
// Each test starts Node with tsx, which takes seconds on a busy machine.
const STARTUP_MS = 60_000;

/** `src/server.ts` as `pnpm start` runs it (through tsx), with exactly the given environment. */
const startServer = (env: Record<string, string>): StartedScript => startScript(exampleDir, ['--import', 'tsx', 'src/server.ts'], env);

describe('examples/webhooks-b-fastify server', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  it('refuses to start without WEBHOOKS_B_SECRET, naming the variable', { timeout: STARTUP_MS }, async () => {
    const server = startServer({ PORT: '0' });
    children.push(server.child);
    const [code] = await once(server.child, 'exit');
    expect(code).toBe(1);
    expect(server.output()).toContain('WEBHOOKS_B_SECRET is not set');
  });

  it('binds HOST:PORT and verifies with the secret from the environment', { timeout: STARTUP_MS }, async () => {
    const server = startServer({ WEBHOOKS_B_SECRET: 'from-env', PORT: '0', HOST: '127.0.0.1' });
    children.push(server.child);
    const url = await announced(server, /POST (http:\/\/127\.0\.0\.1:\d+\/webhooks)/);
    const signed = signWebhooksB({ payload: fixtures.valid.InventoryStockDepletedEvent, secret: 'from-env' });
    expect((await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
  });
});
