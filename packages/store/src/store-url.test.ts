import { HookgateError } from '@hookgate/core';
import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactStoreUrl } from './store-url.js';

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
});
