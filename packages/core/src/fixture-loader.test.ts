import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixtures, type FixtureCase } from './fixture-loader.js';

interface Samples {
  readonly valid: { readonly 'order.created': { type: string; id: string } };
  readonly invalid: Readonly<Record<string, FixtureCase>>;
}

const dir = mkdtempSync(join(tmpdir(), 'hookgate-fixtures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Laid out like a provider package: dist/fixtures.js reads ../fixtures/<name>.json.
mkdirSync(join(dir, 'fixtures'));
const moduleUrl = pathToFileURL(join(dir, 'dist', 'fixtures.js')).href;

describe('loadFixtures()', () => {
  it('reads nothing until a getter is used, then each file once; every access is a fresh copy', () => {
    const fixtures = loadFixtures<Samples>(moduleUrl, ['valid', 'invalid']);
    expect(Object.keys(fixtures)).toEqual(['valid', 'invalid']);
    writeFileSync(join(dir, 'fixtures', 'valid.json'), JSON.stringify({ 'order.created': { type: 'order.created', id: 'o_1' } }));
    const first = fixtures.valid;
    first['order.created'].id = 'changed';
    expect(fixtures.valid['order.created'].id).toBe('o_1');
    writeFileSync(join(dir, 'fixtures', 'valid.json'), '{}');
    expect(fixtures.valid['order.created'].id).toBe('o_1'); // read once, kept as text
  });

  it('a missing file throws on access, naming it', () => {
    const fixtures = loadFixtures<Samples>(moduleUrl, ['valid', 'invalid']);
    expect(() => fixtures.invalid).toThrow(/invalid\.json/);
  });

  it('resolves another folder against the module when given one', () => {
    mkdirSync(join(dir, 'samples'));
    writeFileSync(join(dir, 'samples', 'valid.json'), JSON.stringify({ 'order.created': { type: 'order.created', id: 'o_2' } }));
    const fixtures = loadFixtures<Samples>(moduleUrl, ['valid', 'invalid'], '../samples/');
    expect(fixtures.valid['order.created'].id).toBe('o_2');
  });
});
