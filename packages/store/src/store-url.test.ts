import { inspect } from 'node:util';
import { HookgateError } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactStoreError, redactStoreUrl } from './store-url.js';

describe('parseStoreUrl', () => {
  it('resolves sqlite paths against the working directory, or keeps absolute ones', () => {
    expect(parseStoreUrl('sqlite:./data/hookgate.db', '/srv/app')).toEqual({ dialect: 'sqlite', file: '/srv/app/data/hookgate.db' });
    expect(parseStoreUrl('sqlite:data/hookgate.db', '/srv/app')).toEqual({ dialect: 'sqlite', file: '/srv/app/data/hookgate.db' });
    expect(parseStoreUrl('sqlite:/var/lib/hookgate.db', '/srv/app')).toEqual({ dialect: 'sqlite', file: '/var/lib/hookgate.db' });
    expect(parseStoreUrl('sqlite:///var/lib/hookgate.db', '/srv/app')).toEqual({ dialect: 'sqlite', file: '/var/lib/hookgate.db' });
    expect(parseStoreUrl('sqlite://data/x.db', '/srv/app')).toEqual({ dialect: 'sqlite', file: '/srv/app/data/x.db' });
    expect(parseStoreUrl('SQLITE:./x.db?mode=ignored', '/srv')).toEqual({ dialect: 'sqlite', file: '/srv/x.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' });
  });

  it('passes postgres URLs through untouched', () => {
    for (const url of ['postgres://app@db:5432/hookgate', 'postgresql://app:pw@db/hookgate?sslmode=require']) {
      expect(parseStoreUrl(url)).toEqual({ dialect: 'postgres', connectionString: url });
    }
  });

  it('refuses anything else with invalid_config, without echoing a password', () => {
    for (const url of ['sqlite:', 'sqlite://', './data/hookgate.db', 'mysql://root:hunter2@db/x', '']) {
      let error: unknown;
      try {
        parseStoreUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(error, url).toBeInstanceOf(HookgateError);
      expect((error as HookgateError).code).toBe('invalid_config');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('redactStoreUrl', () => {
  it('hides the password and nothing else', () => {
    expect(redactStoreUrl('postgres://app:s3cr:et@db:5432/hookgate')).toBe('postgres://app:***@db:5432/hookgate');
    expect(redactStoreUrl('postgres://app@db/hookgate')).toBe('postgres://app@db/hookgate');
    expect(redactStoreUrl('sqlite:./data/hookgate.db')).toBe('sqlite:./data/hookgate.db');
  });

  it('hides a password that itself contains an unencoded @ (regression: its tail leaked)', () => {
    expect(redactStoreUrl('postgres://app:p@ss@db/hookgate')).toBe('postgres://app:***@db/hookgate');
    expect(redactStoreUrl('postgres://app:p@ss@db/hookgate?x=a@b')).toBe('postgres://app:***@db/hookgate?x=a@b');
  });

  it('hides password query parameters too (node-postgres reads them)', () => {
    expect(redactStoreUrl('postgres://app@db/hookgate?password=s3cret&sslmode=require')).toBe('postgres://app@db/hookgate?password=***&sslmode=require');
    expect(redactStoreUrl('postgres://app:pw1@db/hookgate?sslmode=require&sslpassword=keypass')).toBe(
      'postgres://app:***@db/hookgate?sslmode=require&sslpassword=***',
    );
  });
});

describe('redactStoreError', () => {
  const url = 'postgres://app:p%40ss-w0rd@db:5432/hookgate?sslpassword=keypass';

  it('masks the URL and each password, raw and decoded, in message, stack, fields, cause and errors', () => {
    const inner = Object.assign(new Error('inner p@ss-w0rd'), { code: 'EINNER' });
    const error = Object.assign(new Error(`cannot use ${url} (password p@ss-w0rd, key keypass)`, { cause: inner }), {
      code: 'EXAMPLE',
      input: url,
    });
    const aggregate = new AggregateError([error], `all failed for ${url}`);

    expect(redactStoreError(aggregate, url)).toBe(aggregate);
    expect(error.message).toBe('cannot use postgres://app:***@db:5432/hookgate?sslpassword=*** (password ***, key ***)');
    expect(error.input).toBe('postgres://app:***@db:5432/hookgate?sslpassword=***');
    expect(error.code).toBe('EXAMPLE');
    expect(inner.message).toBe('inner ***');
    expect(aggregate.message).toBe('all failed for postgres://app:***@db:5432/hookgate?sslpassword=***');
    for (const text of [inspect(aggregate), error.stack, inner.stack, aggregate.stack]) {
      expect(text).not.toContain('w0rd');
      expect(text).not.toContain('p%40ss');
      expect(text).not.toContain('keypass');
    }
  });

  it('leaves errors alone when the URL has no password', () => {
    const error = new Error('connect ECONNREFUSED postgres://app@db/hookgate');
    redactStoreError(error, 'postgres://app@db/hookgate');
    expect(error.message).toBe('connect ECONNREFUSED postgres://app@db/hookgate');
  });
});
