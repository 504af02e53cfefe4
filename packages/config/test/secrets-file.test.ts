import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
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

  it('starts at once agree: one secret per provider whoever writes, also when completing a file, and no reader sees it half written', async () => {
    // Each start in its own process, as two servers (or a server and a worker) would be.
    const script = `
      import { defineConfig, resolveSecrets, findSigningSecret } from ${JSON.stringify(pathToFileURL(path.resolve('dist/index.js')).href)};
      import { pylon } from '@hookgate/provider-pylon';
      import { webhooksB } from '@hookgate/provider-webhooks-b';
      const config = defineConfig({ providers: [pylon(), { provider: webhooksB(), secret: { key: 'b', env: 'B_SECRET' } }] });
      // Every process starts at the same instant (they are spawned one after another).
      while (Date.now() < Number(process.argv[2])) {}
      const [resolved, read] = await Promise.all([
        resolveSecrets(config, { dataDir: process.argv[1], envSecrets: {} }),
        findSigningSecret(config.providers[0], { dataDir: process.argv[1], env: {} }).then((found) => found?.secret ?? null, (error) => 'ERROR ' + error.message),
      ]);
      console.log(JSON.stringify({ secrets: resolved.secrets, read }));`;
    const start = (at: number) =>
      new Promise<{ secrets: Record<string, string[]>; read: string | null }>((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', script, dataDir, String(at)], { cwd: process.cwd() }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
        );
      });
    for (const round of ['create', 'complete']) {
      if (round === 'complete') {
        const stored = JSON.parse(readFileSync(file, 'utf8'));
        delete stored.b;
        writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
      }
      const at = Date.now() + 1500;
      const starts = await Promise.all(Array.from({ length: 6 }, () => start(at)));
      const onDisk = JSON.parse(readFileSync(file, 'utf8'));
      for (const started of starts) {
        expect(started.secrets, round).toEqual({ pylon: onDisk.pylon, 'webhooks-b': onDisk.b });
        // A reader at the same moment finds no file yet or the whole one, never a broken one.
        expect([null, onDisk.pylon[0]], round).toContain(started.read);
      }
    }
    expect(existsSync(`${file}.lock`)).toBe(false);
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

  it('a malformed variable is an error for the signer too, not a reason to sign with the file’s secret', async () => {
    await resolveSecrets(config, { dataDir, envSecrets: {} });
    await expect(findSigningSecret(first, { dataDir, env: { [first.secret.env]: 'bogus-a,,bogus-b' } })).rejects.toMatchObject({
      code: 'invalid_config',
      message: `${first.secret.env} has an empty entry; separate rotated secrets with single commas, e.g. "new-secret,old-secret"`,
    });
  });

  it('finds the signing secret: first entry of the variable, else the file under the provider key', async () => {
    expect(await findSigningSecret(first, { dataDir, env: {} })).toBeUndefined();
    writeFileSync(file, JSON.stringify({ pylon: ['from-file'], b: ['b-from-file'] }));
    expect(await findSigningSecret(first, { dataDir, env: {} })).toEqual({ secret: 'from-file', source: file });
    expect(await findSigningSecret(second, { dataDir, env: {} })).toEqual({ secret: 'b-from-file', source: file });
    expect(await findSigningSecret(second, { dataDir, env: { B_SECRET: ' newest , older ' } })).toEqual({ secret: 'newest', source: 'B_SECRET' });
    expect(await findSigningSecret(second, { dataDir, env: { B_SECRET: ' ' } })).toEqual({ secret: 'b-from-file', source: file });
  });

  // Audit F4: another local user could plant secrets (and so forge webhooks) through a loose data
  // directory or secrets file; they were used silently.
  describe.skipIf(process.platform === 'win32')('refuses secrets another local user could have planted', () => {
    const resolve = () => resolveSecrets(config, { dataDir, envSecrets: {} });
    const planted = JSON.stringify({ pylon: ['planted'], b: ['planted'] });

    it('a data directory every user may write to, unless it has the sticky bit', async () => {
      chmodSync(dataDir, 0o777);
      await expect(resolve()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining(`Fix: chmod 700 ${dataDir}`) });
      expect(existsSync(file)).toBe(false);
      writeFileSync(file, planted, { mode: 0o600 });
      await expect(findSigningSecret(first, { dataDir, env: {} })).rejects.toThrow(/writable by every user \(mode 0777\)/);
      chmodSync(dataDir, 0o1777);
      expect((await resolve()).secrets.pylon).toEqual(['planted']);
      chmodSync(dataDir, 0o700);
    });

    it('a secrets.json writable by group or others', async () => {
      for (const mode of [0o666, 0o620, 0o602]) {
        writeFileSync(file, planted);
        chmodSync(file, mode);
        await expect(resolve(), mode.toString(8)).rejects.toMatchObject({
          code: 'invalid_config',
          message: expect.stringContaining(`is writable by other users (mode 0${mode.toString(8)})`),
        });
        await expect(readSecretsFile(file)).rejects.toThrow(`chmod 600 ${file}`);
        expect(readFileSync(file, 'utf8')).toBe(planted);
      }
      // Readable by others is a leak, not a plant: tightened, as before.
      chmodSync(file, 0o644);
      expect((await resolve()).secrets.pylon).toEqual(['planted']);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it('a symbolic link, to a file or dangling, is not followed', async () => {
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'hookgate-config-elsewhere-'));
      try {
        const target = path.join(elsewhere, 'theirs.json');
        writeFileSync(target, planted, { mode: 0o600 });
        symlinkSync(target, file);
        await expect(resolve()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining(`${file} is a symbolic link`) });
        await expect(findSigningSecret(first, { dataDir, env: {} })).rejects.toThrow(/symbolic link/);
        // A dangling link: nothing is created at its target.
        rmSync(file);
        const dangling = path.join(elsewhere, 'created-through-the-link.json');
        symlinkSync(dangling, file);
        await expect(resolve()).rejects.toThrow(/symbolic link/);
        expect(existsSync(dangling)).toBe(false);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    it.skipIf(process.getuid?.() !== 0)('a secrets.json owned by another user (needs root to chown)', async () => {
      writeFileSync(file, planted, { mode: 0o600 });
      chownSync(file, 4242, 4242);
      await expect(resolve()).rejects.toMatchObject({
        code: 'invalid_config',
        message: expect.stringContaining(`${file} belongs to uid 4242, not to the user running Hookgate (uid 0)`),
      });
    });

    it('a new secrets.json is created with mode 0600, whatever the umask', async () => {
      const previous = process.umask(0);
      try {
        await resolve();
      } finally {
        process.umask(previous);
      }
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });
  });
});
