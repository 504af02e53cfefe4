import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@hookgate/core';
import { gatewayFromConfig } from '../src/index.js';
import { findConfigFile, loadConfig } from '../src/load-config.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const at = (name: string) => path.join(fixtures, name);

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('loadConfig', () => {
  it('loads a TypeScript config with a custom provider, whose samples the gateway then accepts', async () => {
    const { config, file } = await loadConfig({ file: at('custom.config.ts') });
    expect(file).toBe(at('custom.config.ts'));
    const [entry] = config.providers;
    expect(entry).toMatchObject({ id: 'acme', secret: { env: 'HOOKGATE_SECRET_ACME', key: 'acme' } });

    const store = new MemoryStore();
    const gateway = gatewayFromConfig(config, { secrets: { acme: ['acme-secret'] }, store });
    const body = JSON.stringify(entry!.fixtures!.valid['order.paid']);
    const signed = entry!.sign!({ body, secret: 'acme-secret', now: Date.now(), event: 'order.paid' });
    expect(signed.headers['x-acme-signature'] ?? signed.headers['X-Acme-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const handled = await gateway.handle('acme', { method: 'POST', headers: signed.headers, rawBody: Buffer.from(body) });
    expect(handled).toMatchObject({ status: 200, kind: 'handled', event: 'order.paid' });
    const forged = entry!.sign!({ body, secret: 'wrong', now: Date.now(), event: 'order.paid' });
    expect((await gateway.handle('acme', { method: 'POST', headers: forged.headers, rawBody: Buffer.from(body) })).status).toBe(401);
    await store.close();
  });

  it('loads a plain JavaScript config and validates it like defineConfig', async () => {
    const { config } = await loadConfig({ file: 'plain.config.mjs', cwd: fixtures });
    expect(config.providers.map((p) => [p.id, p.secret.env, p.secret.key])).toEqual([['b-east', 'B_EAST_SECRET', 'b-east']]);
  });

  it('finds the nearest hookgate.config.ts from the working directory up', async () => {
    expect(await findConfigFile(at('nested/deeper'))).toBe(at('nested/hookgate.config.ts'));
    const { config, file } = await loadConfig({ cwd: at('nested/deeper') });
    expect(file).toBe(at('nested/hookgate.config.ts'));
    expect(config.providers.map((p) => p.id)).toEqual(['pylon']);
    expect(await findConfigFile('/')).toBeUndefined();
  });

  it('says clearly what is wrong with a file it cannot use', async () => {
    const none = await failure(loadConfig({ cwd: '/' }));
    expect(none).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('No Hookgate config found in / or its parents') });
    const missing = await failure(loadConfig({ file: at('nope.config.ts') }));
    expect(missing).toMatchObject({ code: 'invalid_config', message: `Hookgate config ${at('nope.config.ts')} does not exist.` });
    const noDefault = await failure(loadConfig({ file: at('no-default.config.ts') }));
    expect(noDefault).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('has no default export') });
    const broken = await failure(loadConfig({ file: at('broken.config.ts') }));
    expect(broken).toMatchObject({ code: 'invalid_config', message: expect.stringContaining(`Could not load the Hookgate config ${at('broken.config.ts')}:`) });
  });
});
