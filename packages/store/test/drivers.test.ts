import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgSchema, tempDir } from './helpers.js';

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Where a dependency of the store is really installed (pnpm links it into its node_modules). */
function installed(name: string): string {
  return realpathSync(join(packageDir, 'node_modules', name));
}

/**
 * An app directory laid out like a registry install of @hookgate/store (a copy of its
 * package.json and dist, not a workspace link, so Node cannot find the drivers in the
 * workspace) with only the given drivers installed next to it.
 */
function appWith(drivers: Array<'better-sqlite3' | 'pg'>): { dir: string; remove(): void } {
  const app = tempDir('hookgate-store-app-');
  const modules = join(app.dir, 'node_modules');
  const store = join(modules, '@hookgate', 'store');
  mkdirSync(store, { recursive: true });
  cpSync(join(packageDir, 'package.json'), join(store, 'package.json'));
  cpSync(join(packageDir, 'dist'), join(store, 'dist'), { recursive: true });
  for (const name of ['@hookgate/core', 'kysely', ...drivers]) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(installed(name), join(modules, name), 'dir');
  }
  return app;
}

/** Runs `openStore(url)` in a plain Node process inside `dir`; resolves with what happened. */
async function openIn(dir: string, url: string): Promise<{ ok: true; dialect: string } | { ok: false; name: string; code: string; message: string }> {
  const script = `
    import { openStore } from '@hookgate/store';
    try {
      const store = await openStore(process.argv[1]);
      console.log(JSON.stringify({ ok: true, dialect: store.dialect }));
      await store.close();
    } catch (error) {
      console.log(JSON.stringify({ ok: false, name: error.name, code: error.code, message: error.message }));
    }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script, url], { cwd: dir, timeout: 15_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
}

describe('database drivers are optional peers, loaded for the URL scheme used', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a PostgreSQL-only app (no better-sqlite3) opens postgres:// and is told what to add for sqlite:', async () => {
    const app = appWith(['pg']);
    cleanups.push(() => app.remove());
    const schema = await createPgSchema();
    cleanups.push(() => schema.drop());

    expect(await openIn(app.dir, schema.url)).toEqual({ ok: true, dialect: 'postgres' });
    const missing = await openIn(app.dir, 'sqlite:./data/hookgate.db');
    expect(missing).toMatchObject({ ok: false, name: 'HookgateError', code: 'missing_driver' });
    expect(missing.ok === false && missing.message).toContain("'better-sqlite3'");
    expect(missing.ok === false && missing.message).toContain('pnpm add better-sqlite3');
  });

  it('a SQLite-only app (no pg) opens sqlite: and is told what to add for postgres://', async () => {
    const app = appWith(['better-sqlite3']);
    cleanups.push(() => app.remove());

    expect(await openIn(app.dir, 'sqlite:./data/hookgate.db')).toEqual({ ok: true, dialect: 'sqlite' });
    const missing = await openIn(app.dir, 'postgres://app:s3cretpw@127.0.0.1:1/db');
    expect(missing).toMatchObject({ ok: false, name: 'HookgateError', code: 'missing_driver' });
    expect(missing.ok === false && missing.message).toContain("'pg'");
    expect(missing.ok === false && missing.message).toContain('pnpm add pg');
    expect(missing.ok === false && missing.message).not.toContain('s3cretpw');
  });
});
