import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import { defineConfig, findSigningSecret, parseSecretList, readSecretsFile, resolveSecrets } from '../src/index.js';

const config = defineConfig({ providers: [pylon(), { provider: webhooksB(), secret: { key: 'b', env: 'B_SECRET' } }] });
const [first, second] = config.providers as [(typeof config.providers)[number], (typeof config.providers)[number]];

describe('secrets', () => {
  let dataDir: string;
  let file: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hookgate-config-secrets-'));
    file = path.join(dataDir, 'secrets.json');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('parses rotation lists; blank is unset; an empty entry is an error', () => {
    expect(parseSecretList(' new , old ')).toEqual({ secrets: ['new', 'old'] });
    expect(parseSecretList('')).toEqual({ secrets: undefined });
    expect(parseSecretList(undefined)).toEqual({ secrets: undefined });
    expect(parseSecretList('a,,b')).toEqual({ error: expect.stringContaining('has an empty entry') });
  });

  it('generates once with mode 0600 under each provider key, completes but never overwrites, and the variable wins', async () => {
    const created = await resolveSecrets(config, { dataDir, envSecrets: {} });
    expect(created.file).toEqual({ path: file, created: true, providers: ['pylon', 'webhooks-b'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toEqual({ pylon: created.secrets.pylon, b: created.secrets['webhooks-b'] });
    expect(created.secrets.pylon![0]).toMatch(/^[0-9a-f]{64}$/);

    const again = await resolveSecrets(config, { dataDir, envSecrets: { pylon: ['from-env', 'older'] } });
    expect(again.secrets).toEqual({ pylon: ['from-env', 'older'], 'webhooks-b': stored.b });
    expect(again.file).toEqual({ path: file, created: false, providers: ['webhooks-b'] });

    writeFileSync(file, JSON.stringify({ pylon: ['kept'], other: ['untouched'] }), { mode: 0o644 });
    const completed = await resolveSecrets(config, { dataDir, envSecrets: {} });
    expect(completed.secrets.pylon).toEqual(['kept']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ pylon: ['kept'], other: ['untouched'], b: completed.secrets['webhooks-b'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes no file when every provider has its variable', async () => {
    const resolved = await resolveSecrets(config, { dataDir, envSecrets: { pylon: ['p'], 'webhooks-b': ['b'] } });
    expect(resolved).toEqual({ secrets: { pylon: ['p'], 'webhooks-b': ['b'] }, file: null });
    expect(await readSecretsFile(file)).toBeNull();
  });

  it('refuses a file that is not JSON or not the right shape, naming it', async () => {
    writeFileSync(file, '{ not json');
    await expect(resolveSecrets(config, { dataDir, envSecrets: {} })).rejects.toThrow(/secrets\.json is not valid JSON/);
    writeFileSync(file, JSON.stringify({ pylon: 'not-a-list' }));
    await expect(readSecretsFile(file)).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('must map each provider to a list') });
    writeFileSync(file, JSON.stringify({ pylon: [] }));
    await expect(findSigningSecret(first, { dataDir, env: {} })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('finds the signing secret: first entry of the variable, else the file under the provider key', async () => {
    expect(await findSigningSecret(first, { dataDir, env: {} })).toBeUndefined();
    writeFileSync(file, JSON.stringify({ pylon: ['from-file'], b: ['b-from-file'] }));
    expect(await findSigningSecret(first, { dataDir, env: {} })).toEqual({ secret: 'from-file', source: file });
    expect(await findSigningSecret(second, { dataDir, env: {} })).toEqual({ secret: 'b-from-file', source: file });
    expect(await findSigningSecret(second, { dataDir, env: { B_SECRET: ' newest , older ' } })).toEqual({ secret: 'newest', source: 'B_SECRET' });
    expect(await findSigningSecret(second, { dataDir, env: { B_SECRET: ' ' } })).toEqual({ secret: 'b-from-file', source: file });
  });
});
