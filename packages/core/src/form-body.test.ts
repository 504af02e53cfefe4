import { describe, expect, it } from 'vitest';
import { isFormRequest, readFormBody, withFormBodies } from './form-body.js';
import { baseProviderIds, defineProvider, withProviderId } from './provider.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { setJsonDepthLimit } from './json-body.js';
import { hmac } from './verify-hmac.js';

const encoder = new TextEncoder();

/** A provider that takes any JSON object whose `type` is `ping`. */
const anything: StandardSchemaV1 = { '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value }) } };
const base = defineProvider({
  id: 'acme',
  verification: hmac({ header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex' }),
  events: { ping: anything },
  eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
});

describe('isFormRequest', () => {
  it.each([
    ['application/x-www-form-urlencoded', true],
    ['Application/X-WWW-Form-URLEncoded; charset=utf-8', true],
    [' application/x-www-form-urlencoded ;charset=UTF-8', true],
    ['application/x-www-form-urlencodedx', false],
    ['application/json', false],
    ['multipart/form-data; boundary=x', false],
    ['text/plain; application/x-www-form-urlencoded', false],
  ])('%s → %s', (contentType, expected) => {
    expect(isFormRequest({ headers: { 'content-type': contentType } })).toBe(expected);
  });

  it('no Content-Type is not a form', () => {
    expect(isFormRequest({ headers: {} })).toBe(false);
  });
});

describe('readFormBody', () => {
  it('decodes + and %XX as a form does, keeping repeated fields in order', () => {
    const form = readFormBody(encoder.encode('a=x+y%2Bz&b=%C3%BC&a=2&empty=&flag'));
    expect(form.ok && [...form.fields]).toEqual([
      ['a', 'x y+z'],
      ['b', 'ü'],
      ['a', '2'],
      ['empty', ''],
      ['flag', ''],
    ]);
  });

  it('refuses bytes that are not UTF-8 instead of decoding them with replacement characters', () => {
    expect(readFormBody(new Uint8Array([0x61, 0x3d, 0xff]))).toEqual({ ok: false, message: 'the form body is not valid UTF-8' });
  });

  it('an empty body is a form without fields', () => {
    const form = readFormBody(new Uint8Array());
    expect(form.ok && [...form.fields]).toEqual([]);
  });
});

describe('withFormBodies', () => {
  const acme = withFormBodies(base, (fields) => fields.get('payload') ?? { refused: 'no payload field' });
  const request = (contentType: string | undefined, body: string | Uint8Array) => {
    const rawBody = typeof body === 'string' ? encoder.encode(body) : body;
    return { method: 'POST', headers: contentType === undefined ? {} : { 'content-type': contentType }, rawBody };
  };

  it('parses the JSON the form carries with the provider’s own rules; JSON requests as before', async () => {
    const form = request('application/x-www-form-urlencoded', `payload=${encodeURIComponent('{"type":"ping","n":1}')}`);
    expect(await acme.parse(form.rawBody, form)).toEqual({ kind: 'event', event: 'ping', variant: 'ping', payload: { type: 'ping', n: 1 } });
    const json = request('application/json', '{"type":"ping"}');
    expect(await acme.parse(json.rawBody, json)).toMatchObject({ kind: 'event', event: 'ping' });
    expect(await acme.parse(json.rawBody)).toMatchObject({ kind: 'event', event: 'ping' });
    expect(acme.id).toBe('acme');
    expect(acme.verification).toBe(base.verification);
  });

  it('what toJson refuses and bytes that are not UTF-8 are invalid_payload with the reason', async () => {
    const empty = request('application/x-www-form-urlencoded', 'other=1');
    expect(await acme.parse(empty.rawBody, empty)).toEqual({ kind: 'invalid_payload', reason: 'invalid_json', message: 'no payload field' });
    const bad = request('application/x-www-form-urlencoded', new Uint8Array([0x70, 0x3d, 0xff]));
    expect(await acme.parse(bad.rawBody, bad)).toEqual({ kind: 'invalid_payload', reason: 'invalid_json', message: 'the form body is not valid UTF-8' });
  });
});

describe('withFormBodies: limits and charsets', () => {
  const anything: StandardSchemaV1 = { '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value }) } };
  const acme = withFormBodies(
    defineProvider({
      id: 'acme',
      verification: hmac({ header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex' }),
      events: { ping: anything },
      eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
    }),
    (fields) => fields.get('payload') ?? { refused: 'no payload field' },
  );
  const nested = (depth: number) => `{"type":"ping","deep":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  const formRequest = (json: string, contentType = 'application/x-www-form-urlencoded') => {
    const rawBody = encoder.encode(`payload=${encodeURIComponent(json)}`);
    return { method: 'POST', headers: { 'content-type': contentType }, rawBody };
  };

  it('the handler’s JSON depth limit applies to the JSON inside the form, both ways', async () => {
    const tooDeep = formRequest(nested(51));
    setJsonDepthLimit(tooDeep.rawBody, 10);
    expect(await acme.parse(tooDeep.rawBody, tooDeep)).toMatchObject({ kind: 'invalid_payload', reason: 'json_too_deep' });
    const allowed = formRequest(nested(401));
    setJsonDepthLimit(allowed.rawBody, 1000);
    expect(await acme.parse(allowed.rawBody, allowed)).toMatchObject({ kind: 'event', event: 'ping' });
  });

  it('a charset other than UTF-8 is refused rather than decoded as UTF-8; utf-8 in any spelling is read', async () => {
    const latin1 = formRequest('{"type":"ping"}', 'application/x-www-form-urlencoded; charset=iso-8859-1');
    expect(await acme.parse(latin1.rawBody, latin1)).toEqual({
      kind: 'invalid_payload',
      reason: 'invalid_json',
      message: `the form's charset "iso-8859-1" is not supported (UTF-8 only)`,
    });
    for (const charset of ['utf-8', 'UTF8', '"utf-8"']) {
      const ok = formRequest('{"type":"ping"}', `application/x-www-form-urlencoded; charset=${charset}`);
      expect(await acme.parse(ok.rawBody, ok)).toMatchObject({ kind: 'event', event: 'ping' });
    }
  });
});

describe('withFormBodies: a provider made by withProviderId', () => {
  it('keeps the members it inherits and its place in the id chain', async () => {
    const renamed = withProviderId(base, 'acme-eu');
    const acme = withFormBodies(renamed, (fields) => fields.get('payload') ?? { refused: 'no payload field' });
    expect(acme.id).toBe('acme-eu');
    expect(acme.verification).toBe(base.verification);
    expect(acme.events).toBe(base.events);
    expect(baseProviderIds(acme)).toEqual(['acme']);
    const rawBody = encoder.encode(`payload=${encodeURIComponent('{"type":"ping"}')}`);
    const request = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody };
    expect(await acme.parse(rawBody, request)).toMatchObject({ kind: 'event', event: 'ping', payload: { type: 'ping' } });
    // And the other way round: withProviderId over a form provider.
    const again = withProviderId(
      withFormBodies(base, (fields) => fields.get('payload') ?? { refused: 'none' }),
      'acme-us',
    );
    expect(await again.parse(rawBody, request)).toMatchObject({ kind: 'event', event: 'ping' });
    expect(baseProviderIds(again)).toEqual(['acme']);
  });
});
