import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { adminQuery, createPgSchema, everyStoreCall } from './helpers.js';

const PASSWORD = 'Hunter2-s3cret';

/** Everything an error would show in a log: message, stack, fields, causes. */
function logged(error: unknown): string {
  return inspect(error, { depth: 10, showHidden: true });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('store errors never show the URL password', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a URL node-postgres cannot parse is invalid_config, naming the masked URL', async () => {
    const url = `postgres://app:${PASSWORD}@127.0.0.1:99999/hookgate`;
    const error = await rejection(openStore(url));
    expect(error).toMatchObject({ name: 'HookgateError', code: 'invalid_config' });
    expect((error as Error).message).toContain('postgres://app:***@127.0.0.1:99999/hookgate');
    expect(logged(error)).not.toContain(PASSWORD);
  });

  it('connection failures keep their code, without the password', async () => {
    for (const url of [
      `postgres://app:${PASSWORD}@127.0.0.1:1/hookgate`,
      `postgres://app@127.0.0.1:1/hookgate?password=${PASSWORD}`,
      `postgresql://app:${encodeURIComponent(`${PASSWORD}/@:`)}@127.0.0.1:1/hookgate`,
    ]) {
      const error = await rejection(openStore(url, { connectionTimeoutMs: 2000 }));
      expect(error, url).toMatchObject({ code: 'ECONNREFUSED' });
      expect(logged(error), url).not.toContain(PASSWORD);

      const lazy = await openStore(url, { migrate: false, connectionTimeoutMs: 2000 });
      cleanups.push(() => lazy.close());
      for (const [name, call] of Object.entries(everyStoreCall(lazy))) {
        const callError = await rejection(call());
        expect(callError, name).toMatchObject({ code: 'ECONNREFUSED' });
        expect(logged(callError), name).not.toContain(PASSWORD);
      }
    }
  });

  it('statement failures and the closed-store error, on a live server, without the password', async () => {
    const schema = await createPgSchema();
    cleanups.push(() => schema.drop());
    // The test server trusts loopback, so any password is accepted and never checked.
    const url = schema.url.replace('postgres://postgres@', `postgres://postgres:${PASSWORD}@`);
    const store = await openStore(url);
    await adminQuery(`drop table ${schema.schema}.hookgate_deliveries`);
    const failure = await rejection(store.list());
    expect(failure).toMatchObject({ code: '42P01' }); // undefined_table
    expect(logged(failure)).not.toContain(PASSWORD);
    await store.close();
    const closed = await rejection(store.list());
    expect(closed).toMatchObject({ code: 'store_closed' });
    expect((closed as Error).message).toContain('postgres://postgres:***@');
    expect(logged(closed)).not.toContain(PASSWORD);
  });
});
