import { describe, expect, it } from 'vitest';
import { defineProvider, hmac, HookgateError } from '@hookgate/core';
import { fixtures as pylonFixtures, pylon, signPylon } from '@hookgate/provider-pylon';
import { signWebhooksB, webhooksB } from '@hookgate/provider-webhooks-b';
import { defaultSecretEnv, defineConfig, validateConfig, type HookgateConfigInput } from '../src/index.js';

const anything = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) } } as const;
const base64Provider = defineProvider({
  id: 'b64',
  verification: { ...hmac({ header: 'X-Sig' }), secretFormat: 'whsec_base64' } as ReturnType<typeof hmac>,
  events: { ping: anything },
  eventType: () => 'ping',
});

function problems(input: unknown): string {
  try {
    validateConfig(input, 'test.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(HookgateError);
    expect((error as HookgateError).code).toBe('invalid_config');
    return (error as Error).message;
  }
  throw new Error('expected validateConfig to throw');
}

describe('defineConfig', () => {
  it('fills in route id, secret variable, secrets.json key and a generator from the provider', () => {
    const config = defineConfig({ providers: [{ provider: pylon(), sign: signPylon, fixtures: pylonFixtures }, webhooksB()] });
    expect(config.providers.map((p) => [p.id, p.secret.env, p.secret.key])).toEqual([
      ['pylon', 'HOOKGATE_SECRET_PYLON', 'pylon'],
      ['webhooks-b', 'HOOKGATE_SECRET_WEBHOOKS_B', 'webhooks-b'],
    ]);
    expect(config.providers[0]!.sign).toBe(signPylon);
    expect(config.providers[1]!.sign).toBeUndefined();
    expect(config.providers[0]!.handler).toEqual({});
    const first = config.providers[0]!.secret.generate();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(config.providers[0]!.secret.generate()).not.toBe(first);
  });

  it('keeps the documented variable names of the built-in providers', () => {
    expect(defaultSecretEnv('pylon')).toBe('HOOKGATE_SECRET_PYLON');
    expect(defaultSecretEnv('webhooks-b')).toBe('HOOKGATE_SECRET_WEBHOOKS_B');
    expect(defaultSecretEnv('standard.webhooks_v2')).toBe('HOOKGATE_SECRET_STANDARD_WEBHOOKS_V2');
  });

  it('generates secrets in the format the provider verification reads', () => {
    const [entry] = defineConfig({ providers: [base64Provider] }).providers;
    expect(entry!.secret.generate()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('serves one provider twice under its own ids, secrets and options', () => {
    const config = defineConfig({
      providers: [
        { provider: webhooksB(), sign: signWebhooksB },
        { provider: webhooksB(), id: 'webhooks-b-eu', secret: { env: 'EU_SECRET', key: 'eu', generate: () => 'fixed' }, handler: { maxBodyBytes: 4096 } },
      ],
    });
    expect(config.providers[1]).toMatchObject({ id: 'webhooks-b-eu', secret: { env: 'EU_SECRET', key: 'eu' }, handler: { maxBodyBytes: 4096 } });
    expect(config.providers[1]!.secret.generate()).toBe('fixed');
    // A validated config validates again to the same registry (a loader re-checks what it imports).
    expect(validateConfig(config).providers.map((p) => p.id)).toEqual(['webhooks-b', 'webhooks-b-eu']);
  });

  it('lists every problem at once with its path, naming the file', () => {
    const message = problems({
      provider: [],
      providers: [
        { provider: pylon },
        { provider: webhooksB(), secrets: { env: 'X' } },
        { provider: { id: 'fake' } },
        'pylon',
        {
          provider: pylon(),
          id: 'has space',
          secret: { env: 'not-a-name', key: '', generate: 'abc' },
          sign: 'signPylon',
          fixtures: [],
          handler: { maxBodyBytes: -1 },
        },
      ],
    });
    expect(message).toContain('Invalid Hookgate config (test.config.ts):');
    expect(message).toContain('unknown option "provider" (known: providers, inbox)');
    expect(message).toContain('providers[0].provider is a function; call it to get the provider: provider: pylon()');
    expect(message).toContain('providers[1] (webhooks-b): unknown option "secrets"');
    expect(message).toContain('providers[2].provider must be a provider built with defineProvider() (got an object)');
    expect(message).toContain('providers[3] must be an entry like { provider: acme() } (got "pylon")');
    expect(message).toContain('providers[4] (pylon).id must be URL-safe');
    expect(message).toContain('providers[4] (pylon).secret.env must be an environment variable name');
    expect(message).toContain('providers[4] (pylon).secret.key must be a non-empty string');
    expect(message).toContain('providers[4] (pylon).secret.generate must be a function');
    expect(message).toContain('providers[4] (pylon).sign must be a function');
    expect(message).toContain('providers[4] (pylon).fixtures must be an object with `valid` samples');
    expect(message).toContain('providers[4] (pylon).handler.maxBodyBytes must be a non-negative number (got -1)');
    expect(message.split('\n')).toHaveLength(13);
  });

  it('never echoes a secret written into the config by mistake', () => {
    const message = problems({ providers: [{ provider: pylon(), secret: 'whsec_do-not-print-me' }] });
    expect(message).toContain(
      "providers[0] (pylon).secret must be an object like { env: 'ACME_SECRET' } naming where the secret is, not the secret (got a string)",
    );
    expect(message).not.toContain('do-not-print-me');
    const inEnv = problems({ providers: [{ provider: pylon(), secret: { env: 'whsec-do-not-print-me' } }] });
    expect(inEnv).toContain('providers[0] (pylon).secret.env must be an environment variable name');
    expect(inEnv).not.toContain('do-not-print-me');
  });

  it('refuses duplicate route ids, secret variables and keys', () => {
    const message = problems({
      providers: [pylon(), pylon(), { provider: webhooksB(), secret: { env: 'HOOKGATE_SECRET_PYLON', key: 'pylon' } }],
    });
    expect(message).toContain('route id "pylon" is used by both pylon and pylon; give one of them its own `id`');
    expect(message).toContain('secret.env "HOOKGATE_SECRET_PYLON" is used by both pylon and webhooks-b');
    expect(message).toContain('secret.key "pylon" is used by both pylon and webhooks-b');
  });

  it('lists a duplicate route id together with the other problems of the entries involved (one run, every problem)', () => {
    const message = problems({ providers: [pylon(), { provider: pylon(), secrets: { env: 'X' } }] });
    expect(message).toContain('providers[1] (pylon): unknown option "secrets"');
    expect(message).toContain('route id "pylon" is used by both pylon and pylon; give one of them its own `id`');
  });

  it('refuses a missing or empty provider list and non-objects', () => {
    expect(problems(undefined)).toContain('the config must be an object like { providers: [...] } (got undefined)');
    expect(problems({})).toContain('providers must be a list of { provider, … } entries (got undefined)');
    expect(problems({ providers: [] })).toContain('providers is empty');
    expect(() => defineConfig({ providers: [] } as HookgateConfigInput)).toThrow(/providers is empty/);
  });
});
