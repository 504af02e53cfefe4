import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, type Delivery } from '@hookgate/core';
import { createExpressMiddleware } from '@hookgate/adapter-express';
import { gatewayFromConfig, type HookgateConfig } from '@hookgate/config';
import { loadConfig } from '@hookgate/config/load';
import { openStore } from '@hookgate/store';
import { demoPlan, runCli, sampleKit, usage, type Io } from '../src/index.js';

// Every test runs against the repository's own hookgate.config.ts: whatever providers it
// registers, the CLI must sign for each of them and the real gateway must accept what it sends.
const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, log: (line) => lines.push(line), error: (line) => errors.push(line) };
}

async function listen(app: express.Express): Promise<Server> {
  return new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('hookgate CLI against a real gateway built from the registry', () => {
  let config: HookgateConfig;
  let server: Server;
  let store: MemoryStore;
  let baseUrl: string;
  let dataDir: string;
  let secrets: Record<string, string>;

  beforeAll(async () => {
    ({ config } = await loadConfig());
    // Secrets made by each provider's own generator, so its format is what the gateway reads.
    secrets = Object.fromEntries(config.providers.map((entry) => [entry.id, entry.secret.generate()]));
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookgate-cli-'));
    const file = Object.fromEntries(config.providers.map((entry) => [entry.secret.key, [secrets[entry.id]]]));
    await writeFile(path.join(dataDir, 'secrets.json'), JSON.stringify(file));
    store = new MemoryStore();
    const gateway = gatewayFromConfig(config, { secrets: Object.fromEntries(Object.entries(secrets).map(([id, s]) => [id, [s]])), store });
    const app = express();
    app.use('/api/webhooks', createExpressMiddleware(gateway));
    server = await listen(app);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const recorded = async (provider: string): Promise<Delivery[]> => (await store.list({ provider, limit: 500 })).items;

  it('the repository config registers providers the CLI can sign for', () => {
    expect(config.providers.length).toBeGreaterThanOrEqual(2);
    for (const entry of config.providers) {
      expect(entry.sign, entry.id).toBeTypeOf('function');
      expect(sampleKit(entry).variants.length, entry.id).toBeGreaterThan(0);
    }
  });

  it('demo: every planned answer matches for every provider, and the store holds each delivery with its status', async () => {
    const io = capture();
    const code = await runCli(['demo', '--url', baseUrl, '--data-dir', dataDir], io, {});
    expect(io.errors).toEqual([]);
    expect(io.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(code).toBe(0);
    for (const entry of config.providers) {
      const plan = demoPlan(sampleKit(entry), secrets[entry.id]!);
      const items = await recorded(entry.id);
      expect(items, entry.id).toHaveLength(plan.length);
      const count = (status: string) => items.filter((d) => d.status === status).length;
      expect(count('handled'), entry.id).toBe(sampleKit(entry).variants.length);
      expect(count('duplicate'), entry.id).toBe(1);
      expect(count('rejected_signature'), entry.id).toBe(1);
      expect(count('unknown_event') + count('invalid_payload'), entry.id).toBeGreaterThan(0);
    }
    expect(io.lines.at(-1)).toMatch(new RegExp(`^\\d+ deliveries sent to ${config.providers.length} providers, \\d+ answered as expected\\.$`));
  });

  it('send --provider <id> --event <name> works for every registered provider (secret from secrets.json)', async () => {
    for (const entry of config.providers) {
      // The event whose variants have the most samples: an event name sends each of them in turn.
      const kit = sampleKit(entry);
      const [event, variants] =
        Object.entries(entry.provider.events as Record<string, readonly string[]>)
          .map(([name, all]) => [name, all.filter((variant) => kit.variants.includes(variant))] as const)
          .filter(([, sendable]) => sendable.length > 0)
          .sort((a, b) => b[1].length - a[1].length)[0] ?? ([kit.variants[0]!, [kit.variants[0]!]] as const); // no declared events: a sample's name
      const before = (await recorded(entry.id)).length;
      const io = capture();
      const code = await runCli(
        ['send', '--provider', entry.id, '--event', event, '--count', String(variants.length), '--url', baseUrl, '--data-dir', dataDir],
        io,
        {},
      );
      expect(io.errors, entry.id).toEqual([]);
      expect(code, entry.id).toBe(0);
      const all = await recorded(entry.id); // newest first
      const fresh = all.slice(0, all.length - before);
      expect(
        fresh.map((d) => d.status),
        entry.id,
      ).toEqual(variants.map(() => 'handled'));
      expect(fresh.map((d) => d.variant).sort(), entry.id).toEqual([...variants].sort());
    }
  });

  it('send: repeated sends of one variant are distinct deliveries for every provider (even one that dedupes on a body id); the secret may come from the variable', async () => {
    for (const entry of config.providers) {
      const variant = sampleKit(entry).variants[0]!;
      const io = capture();
      const code = await runCli(['send', entry.id, '--event', variant, '--count', '2', '--url', baseUrl], io, {
        [entry.secret.env]: `${secrets[entry.id]},an-older-one`,
      });
      expect(io.errors, entry.id).toEqual([]);
      expect(code, entry.id).toBe(0);
      expect(io.lines, entry.id).toHaveLength(2);
      for (const line of io.lines) expect(line, entry.id).toMatch(/→ 200 (handled|provider_reply)/);
    }
  });

  it('send: a wrong secret is answered 401 and the exit code says so', async () => {
    const io = capture();
    const code = await runCli(['send', config.providers[0]!.id, '--url', baseUrl, '--secret', 'not-the-secret'], io, {});
    expect(code).toBe(1);
    expect(io.lines[0]).toMatch(/401 rejected_signature/);
  });

  it('replay: a recorded delivery is re-signed and sent again', async () => {
    const dbDir = await mkdtemp(path.join(os.tmpdir(), 'hookgate-cli-replay-'));
    const storeUrl = `sqlite:${path.join(dbDir, 'hookgate.db')}`;
    const sqlite = await openStore(storeUrl);
    const gateway = gatewayFromConfig(config, { secrets: Object.fromEntries(Object.entries(secrets).map(([id, s]) => [id, [s]])), store: sqlite });
    const app = express();
    app.use('/api/webhooks', createExpressMiddleware(gateway));
    const replayServer = await listen(app);
    const url = `http://127.0.0.1:${(replayServer.address() as AddressInfo).port}/api/webhooks`;
    try {
      for (const entry of config.providers) {
        const sent = capture();
        expect(
          await runCli(['send', entry.id, '--url', url, '--data-dir', dataDir], sent, {}),
          `${entry.id}: ${sent.lines.join('\n')} ${sent.errors.join('\n')}`,
        ).toBe(0);
        const [original] = (await sqlite.list({ provider: entry.id, limit: 1 })).items;
        const io = capture();
        const code = await runCli(['replay', original!.id, '--store', storeUrl, '--url', url, '--data-dir', dataDir], io, {});
        expect(io.errors, entry.id).toEqual([]);
        expect(code, entry.id).toBe(0);
        expect(io.lines[0], entry.id).toMatch(new RegExp(`^replayed ${original!.id} \\(${entry.id} .*\\) → 200 (handled|duplicate|provider_reply)`));
        const [copy] = (await sqlite.list({ provider: entry.id, limit: 1 })).items;
        expect(copy!.id, entry.id).not.toBe(original!.id);
        expect(copy!.body, entry.id).toBe(original!.body);
        if (/→ 200 duplicate/.test(io.lines[0]!)) expect(io.lines[1], entry.id).toContain('no listener ran');
      }
      // A delivery the gateway refused is never re-signed with the real secret (a forged body
      // would then be dispatched): exit 2, nothing sent.
      const entry = config.providers[0]!;
      const forged = capture();
      expect(await runCli(['send', entry.id, '--url', url, '--secret', 'an-attacker-secret'], forged, {})).toBe(1);
      const [refused] = (await sqlite.list({ provider: entry.id, status: 'rejected_signature', limit: 1 })).items;
      expect(refused).toBeDefined();
      const before = (await sqlite.list({ limit: 500 })).items.length;
      const io = capture();
      expect(await runCli(['replay', refused!.id, '--store', storeUrl, '--url', url, '--data-dir', dataDir], io, {})).toBe(2);
      expect(io.errors[0]).toContain(`Delivery ${refused!.id} is rejected_signature: only handled, handler_error, dead deliveries are re-sent`);
      expect((await sqlite.list({ limit: 500 })).items.length).toBe(before);
    } finally {
      await new Promise((resolve) => replayServer.close(resolve));
      await sqlite.close();
      await rm(dbDir, { recursive: true, force: true });
    }
  });

  it('a redirect is an answer, not followed: the signed body is not re-sent elsewhere, exit 1', async () => {
    const received: string[] = [];
    const elsewhere = await listen(
      express().use((request, response) => {
        received.push(request.method);
        response.status(200).json({ ok: true, kind: 'handled' });
      }),
    );
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/landing`;
    const redirecting = await listen(express().use((_request, response) => response.redirect(307, target)));
    try {
      const io = capture();
      const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/api/webhooks`;
      expect(await runCli(['send', config.providers[0]!.id, '--url', url, '--data-dir', dataDir], io, {})).toBe(1);
      expect(io.lines[0]).toMatch(/307 redirect to http:\/\/127\.0\.0\.1:\d+\/landing/);
      expect(received).toEqual([]);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('demo checks every provider has a secret before it sends anything', async () => {
    const partial = await mkdtemp(path.join(os.tmpdir(), 'hookgate-cli-partial-'));
    try {
      const last = config.providers.at(-1)!;
      const file = Object.fromEntries(config.providers.filter((entry) => entry !== last).map((entry) => [entry.secret.key, [secrets[entry.id]]]));
      await writeFile(path.join(partial, 'secrets.json'), JSON.stringify(file), { mode: 0o600 });
      const before = (await store.list({ limit: 500 })).items.length;
      const io = capture();
      expect(await runCli(['demo', '--url', baseUrl, '--data-dir', partial], io, {})).toBe(2);
      expect(io.errors[0]).toContain(last.secret.env);
      expect(io.lines.filter((line) => /^[✓✗]/.test(line))).toEqual([]);
      expect((await store.list({ limit: 500 })).items.length).toBe(before);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  });

  it('an unknown command is named as such, even where no config is found; a --url that is not http(s) is a usage error', async () => {
    const io = capture();
    expect(await runCli(['frob'], io, { HOOKGATE_CONFIG: path.join(dataDir, 'no-such-config.ts') })).toBe(2);
    expect(io.errors[0]).toMatch(/^Unknown command "frob"\. Commands: send, demo, replay, worker\./);
    for (const url of ['garbage', 'ftp://127.0.0.1/x', '127.0.0.1:3000/api/webhooks']) {
      const bad = capture();
      expect(await runCli(['send', config.providers[0]!.id, '--url', url, '--data-dir', dataDir], bad, {}), url).toBe(2);
      expect(bad.errors[0], url).toContain(`--url ${JSON.stringify(url)}`);
    }
  });

  it('replay reads a store without creating one, and names a PostgreSQL store without its password', async () => {
    const missing = path.join(dataDir, 'nowhere', 'hookgate.db');
    const io = capture();
    expect(
      await runCli(['replay', '0193a1b2-0000-7000-8000-000000000000', '--store', `sqlite:${missing}`, '--url', baseUrl, '--data-dir', dataDir], io, {}),
    ).toBe(2);
    expect(io.errors[0]).toContain(`No store at sqlite:${missing}: the file does not exist`);
    expect(existsSync(path.dirname(missing))).toBe(false);

    const database = `hookgate_cli_${process.pid}_${Date.now()}`;
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', `create database ${database}`]);
    try {
      const url = `postgres://postgres:Sup3rS3cretPW@127.0.0.1:5432/${database}`;
      await (await openStore(url)).close(); // the schema, as a gateway would have made it
      const pgIo = capture();
      expect(await runCli(['replay', '0193a1b2-0000-7000-8000-000000000000', '--store', url, '--url', baseUrl, '--data-dir', dataDir], pgIo, {})).toBe(2);
      expect(pgIo.errors[0]).toBe(`No delivery 0193a1b2-0000-7000-8000-000000000000 in postgres://postgres:***@127.0.0.1:5432/${database}.`);
      expect([...pgIo.errors, ...pgIo.lines].join('\n')).not.toContain('Sup3rS3cretPW');
    } finally {
      execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', `drop database if exists ${database} with (force)`]);
    }
  });

  it('usage errors name the fix and list the choices', async () => {
    const ids = config.providers.map((entry) => entry.id);
    const unknown = capture();
    expect(await runCli(['send', '--provider', 'no-such-provider', '--url', baseUrl], unknown, {})).toBe(2);
    expect(unknown.errors[0]).toContain('Unknown provider "no-such-provider"');
    for (const id of ids) expect(unknown.errors[0]).toContain(id);

    const entry = config.providers[0]!;
    const noSecret = capture();
    expect(await runCli(['send', entry.id, '--url', baseUrl, '--data-dir', path.join(dataDir, 'nope')], noSecret, {})).toBe(2);
    expect(noSecret.errors[0]).toContain(entry.secret.env);

    const badEvent = capture();
    expect(await runCli(['send', '--provider', entry.id, '--event', 'Nope', '--secret', 'x', '--url', baseUrl], badEvent, {})).toBe(2);
    expect(badEvent.errors[0]).toContain(`Unknown event "Nope" for ${entry.id}`);
    for (const name of Object.keys(entry.provider.events)) expect(badEvent.errors[0]).toContain(name);

    const noProvider = capture();
    expect(await runCli(['send', '--url', baseUrl], noProvider, {})).toBe(2);
    expect(noProvider.errors[0]).toContain(ids.join(', '));
  });

  it('usage text lists every registered provider with its events', async () => {
    const io = capture();
    expect(await runCli(['--help'], io, {})).toBe(0);
    for (const entry of config.providers) {
      expect(io.lines[0]).toContain(`  ${entry.id}`);
      expect(io.lines[0]).toContain(sampleKit(entry).variants.join(', '));
    }
    expect(usage(config)).toBe(io.lines[0]);
  });

  it('an invalid config is refused with every problem listed (exit 2, nothing sent)', async () => {
    const io = capture();
    const code = await runCli(['send', 'x', '--config', path.join(fixturesDir, 'invalid.config.ts'), '--url', baseUrl], io, {});
    expect(code).toBe(2);
    expect(io.errors[0]).toContain('Invalid Hookgate config');
    expect(io.errors[0]).toContain('providers[0].provider is a function; call it');
    expect(io.errors[0]).toContain('providers[1] (acme): unknown option "secrets"');
    expect(io.errors[0]).toContain('invalid.config.ts');

    const missing = capture();
    expect(await runCli(['demo', '--url', baseUrl], missing, { HOOKGATE_CONFIG: path.join(fixturesDir, 'nope.config.ts') })).toBe(2);
    expect(missing.errors[0]).toMatch(/nope\.config\.ts does not exist/);
  });

  it('a provider registered without sign/fixtures is served but cannot be sent to, and says what to add', async () => {
    const config = path.join(fixturesDir, 'bare.config.ts');
    const send = capture();
    expect(await runCli(['send', 'pylon', '--config', config, '--secret', 'x', '--url', baseUrl], send, {})).toBe(2);
    expect(send.errors[0]).toContain('The CLI cannot send to "pylon": its entry in the Hookgate config has no sign');
    const demo = capture();
    expect(await runCli(['demo', '--config', config, '--url', baseUrl], demo, {})).toBe(2);
    expect(demo.lines[0]).toContain('pylon: skipped (no sign/fixtures in the Hookgate config)');
    expect(demo.errors[0]).toContain('No provider in the Hookgate config has a signer and fixtures');
  });

  it('a closed port is reported as "nothing is listening", not a stack trace', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const io = capture();
    const code = await runCli(['send', config.providers[0]!.id, '--secret', 'x', '--url', `http://127.0.0.1:${closed}/api/webhooks`], io, {});
    expect(code).toBe(1);
    expect(io.errors[0]).toMatch(/Nothing is listening/);
  });
});
