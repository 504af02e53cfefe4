import { describe, expect, it } from 'vitest';
import { request } from '../test/helpers.js';
import { HookgateError } from './errors.js';
import { compileTemplate, type MessageChunk, type TemplateContext } from './message-template.js';
import type { WebhookRequest } from './request.js';

const FAIL: TemplateContext = { missingHeader: 'fail' };
const EMPTY: TemplateContext = { missingHeader: 'empty' };
const BODY = '{"id":"evt_1","data":{"a/b":"slash","m~n":"tilde","list":[10,{"x":"deep"}],"n":1.5,"t":true,"z":null,"o":{"k":[1]}}}';

function text(chunks: readonly MessageChunk[]): string {
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk)))).toString('utf8');
}

function build(source: string, req: WebhookRequest = request({}, BODY), context: TemplateContext = FAIL): string {
  const result = compileTemplate(source).build(req, context);
  if (!result.ok) throw new Error(`unexpected ${result.reason}: ${result.message}`);
  return text(result.chunks);
}

describe('compileTemplate(): pointers', () => {
  it('{$request.body} alone yields the raw body bytes, the same object, uncopied', () => {
    const req = request({}, BODY);
    const result = compileTemplate('{$request.body}').build(req, FAIL);
    expect(result).toEqual({ ok: true, chunks: [req.rawBody] });
    if (result.ok) expect(result.chunks[0]).toBe(req.rawBody);
  });

  it('{$request.body} inside a template keeps raw bytes (non-UTF-8 bytes survive)', () => {
    const raw = Uint8Array.from([0xff, 0x00, 0xfe]);
    const result = compileTemplate('<{$request.body}>').build(request({}, raw), FAIL);
    expect(result.ok && result.chunks).toEqual(['<', raw, '>']);
  });

  it('{$method} is the method as received', () => {
    expect(build('{$method}', request({}, '', 'PATCH'))).toBe('PATCH');
  });

  it('{$request.path} is the path, or empty when the adapter does not know it', () => {
    expect(build('{$request.path}', { method: 'POST', path: '/webhooks/x', headers: {}, rawBody: new Uint8Array() })).toBe('/webhooks/x');
    expect(build('[{$request.path}]', { method: 'POST', headers: {}, rawBody: new Uint8Array() })).toBe('[]');
  });

  it('{$request.header.NAME} is case-insensitive in the template and in the request', () => {
    const req = request({ 'X-Request-Timestamp': '123' }, BODY);
    expect(build('{$request.header.x-request-timestamp}', req)).toBe('123');
    expect(build('{$request.header.X-REQUEST-TIMESTAMP}', req)).toBe('123');
    expect(compileTemplate('{$request.header.X-Ts}.{$request.header.X-Id}').headers).toEqual(['X-Ts', 'X-Id']);
  });

  it('{$request.header.NAME} reads Fetch Headers and Node arrays', () => {
    expect(build('{$request.header.x-ts}', request(new Headers({ 'X-Ts': '9' }), BODY))).toBe('9');
    expect(build('{$request.header.x-ts}', request({ 'x-ts': ['1', '2'] }, BODY))).toBe('1, 2');
  });

  it('{$timestamp} comes from the context (empty when absent)', () => {
    const template = compileTemplate('{$timestamp}.{$request.body}');
    expect(template.usesTimestamp).toBe(true);
    const built = template.build(request({}, 'b'), { timestamp: '1732550400', missingHeader: 'fail' });
    expect(built.ok && text(built.chunks)).toBe('1732550400.b');
    const none = template.build(request({}, 'b'), FAIL);
    expect(none.ok && text(none.chunks)).toBe('.b');
    expect(compileTemplate('{$request.body}').usesTimestamp).toBe(false);
  });

  it('literal text between and around pointers, including braces and `$` that are not pointers', () => {
    expect(build('v0:{$method}:{}:{$}:${x}:{{$method}}', request({}, '', 'POST'))).toBe('v0:POST:{}:{$}:${x}:{POST}');
    expect(build('just text')).toBe('just text');
    expect(build('')).toBe('');
  });

  it('a template is reusable: building twice gives the same bytes', () => {
    const template = compileTemplate('{$method}|{$request.body#/id}|{$request.body}');
    const req = request({}, BODY);
    const a = template.build(req, FAIL);
    const b = template.build(req, FAIL);
    expect(a.ok && text(a.chunks)).toBe(b.ok && text(b.chunks));
  });
});

describe('compileTemplate(): {$request.body#/json/pointer}', () => {
  it.each([
    ['/id', 'evt_1'],
    ['/data/a~1b', 'slash'],
    ['/data/m~0n', 'tilde'],
    ['/data/list/0', '10'],
    ['/data/list/1/x', 'deep'],
    ['/data/n', '1.5'],
    ['/data/t', 'true'],
    ['/data/z', 'null'],
    ['/data/o', '{"k":[1]}'],
    ['/data/list', '[10,{"x":"deep"}]'],
  ])('%s → %s (strings as-is, other values as JSON)', (pointer, expected) => {
    expect(build(`{$request.body#${pointer}}`)).toBe(expected);
  });

  it('the empty pointer is the whole document, as JSON', () => {
    expect(build('{$request.body#}', request({}, '{ "a" : 1 }'))).toBe('{"a":1}');
  });

  it('~01 decodes to ~1 (not /): ~1 is replaced before ~0', () => {
    expect(build('{$request.body#/~01}', request({}, '{"~1":"yes","/":"no"}'))).toBe('yes');
  });

  it.each(['/missing', '/data/list/2', '/data/list/01', '/data/list/-', '/data/list/x', '/id/0', '/data/z/k', '/constructor', '/__proto__'])(
    'missing value %s → missing_header with fail, empty with empty',
    (pointer) => {
      const template = compileTemplate(`[{$request.body#${pointer}}]`);
      const failed = template.build(request({}, BODY), FAIL);
      expect(failed).toMatchObject({ ok: false, reason: 'missing_header' });
      const empty = template.build(request({}, BODY), EMPTY);
      expect(empty.ok && text(empty.chunks)).toBe('[]');
    },
  );

  it('a body that is not JSON has no values', () => {
    expect(compileTemplate('{$request.body#/id}').build(request({}, 'not json'), FAIL)).toMatchObject({ ok: false, reason: 'missing_header' });
  });
});

describe('compileTemplate(): missing headers', () => {
  const template = compileTemplate('{$method}|{$request.header.X-Ts}|{$request.body}');

  it("'fail' reports missing_header naming the header", () => {
    const result = template.build(request({}, 'b'), FAIL);
    expect(result).toEqual({ ok: false, reason: 'missing_header', message: 'header X-Ts is missing' });
  });

  it("'empty' signs the empty string", () => {
    const result = template.build(request({}, 'b'), EMPTY);
    expect(result.ok && text(result.chunks)).toBe('POST||b');
  });

  it('a present but empty header is the empty string, not missing', () => {
    const result = template.build(request({ 'x-ts': '' }, 'b'), FAIL);
    expect(result.ok && text(result.chunks)).toBe('POST||b');
  });
});

describe('compileTemplate(): configuration errors', () => {
  it.each([
    '{$request.query}',
    '{$request.header.}',
    '{$request.header.X Ts}',
    '{$request.header.a:b}',
    '{$request.body#id}',
    '{$body}',
    '{$request.headers.x}',
    '{$ method}',
  ])('%s is an unknown pointer → HookgateError invalid_config', (source) => {
    expect(() => compileTemplate(source)).toThrow(HookgateError);
    try {
      compileTemplate(source);
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_config' });
      expect((error as Error).message).toContain(source);
    }
  });
});
