import { HookgateError } from './errors.js';
import { getHeader, isHeaderName } from './headers.js';
import { jsonDepthExceeds, jsonDepthLimitOf } from './json-body.js';
import type { WebhookRequest } from './request.js';

/** A piece of a signed message: text (encoded as UTF-8) or raw bytes. */
export type MessageChunk = string | Uint8Array;

/** One compiled element of a template. */
type Part =
  | { type: 'literal'; text: string }
  | { type: 'method' }
  | { type: 'path' }
  | { type: 'header'; name: string; lower: string }
  | { type: 'body' }
  | { type: 'bodyPointer'; pointer: string; tokens: readonly string[] }
  | { type: 'timestamp' };

/** What a template needs at build time besides the request. */
export interface TemplateContext {
  /** The timestamp header value, for `{$timestamp}`. */
  timestamp?: string | undefined;
  /** `'empty'` signs a missing header as the empty string; `'fail'` reports `missing_header`. */
  missingHeader: 'empty' | 'fail';
}

/** The bytes to sign, as chunks, or why they cannot be built. */
export type TemplateBuildResult = { ok: true; chunks: MessageChunk[] } | { ok: false; reason: 'missing_header'; message: string };

/**
 * A signed-message template compiled once. `build` returns the exact chunks to feed to the HMAC
 * (raw body bytes are never copied or re-serialised).
 */
export interface MessageTemplate {
  readonly source: string;
  /** Request headers the template reads (as written in the template). */
  readonly headers: readonly string[];
  readonly usesTimestamp: boolean;
  build(request: WebhookRequest, context: TemplateContext): TemplateBuildResult;
}

const TOKEN = /\{\$([^{}]+)\}/g;

/**
 * Compiles a signed-message template such as
 * `{$method}|{$request.header.X-Timestamp}|{$request.body}`.
 *
 * Pointers: `{$request.body}` (raw bytes), `{$request.body#/json/pointer}` (a value inside the
 * JSON body: strings as-is, other values as JSON), `{$method}`, `{$request.path}`,
 * `{$request.header.NAME}` (case-insensitive), `{$timestamp}`. Everything else is literal text.
 *
 * @throws {HookgateError} `invalid_config` for an unknown pointer or an invalid header name.
 * @example
 * ```ts
 * const template = compileTemplate('{$timestamp}.{$request.body}');
 * const built = template.build(request, { timestamp: '1732550400', missingHeader: 'fail' });
 * if (built.ok) console.log(built.chunks); // ['1732550400', '.', Uint8Array […]]
 * ```
 */
export function compileTemplate(source: string): MessageTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    if (match.index > last) parts.push({ type: 'literal', text: source.slice(last, match.index) });
    parts.push(parsePointer(match[1] ?? '', source));
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ type: 'literal', text: source.slice(last) });

  const headers = parts.flatMap((part) => (part.type === 'header' ? [part.name] : []));
  const usesTimestamp = parts.some((part) => part.type === 'timestamp');

  // The common `{$request.body}` alone needs no loop and no allocation beyond the array.
  if (parts.length === 1 && parts[0]?.type === 'body') {
    return { source, headers, usesTimestamp, build: (request) => ({ ok: true, chunks: [request.rawBody] }) };
  }

  return {
    source,
    headers,
    usesTimestamp,
    build(request, context) {
      const chunks: MessageChunk[] = [];
      let json: { value: unknown } | undefined;
      for (const part of parts) {
        switch (part.type) {
          case 'literal':
            chunks.push(part.text);
            break;
          case 'method':
            chunks.push(request.method);
            break;
          case 'path':
            chunks.push(request.path ?? '');
            break;
          case 'body':
            chunks.push(request.rawBody);
            break;
          case 'timestamp':
            chunks.push(context.timestamp ?? '');
            break;
          case 'header': {
            const value = getHeader(request.headers, part.name, part.lower);
            if (value === undefined) {
              if (context.missingHeader === 'fail') {
                return { ok: false, reason: 'missing_header', message: `header ${part.name} is missing` };
              }
              chunks.push('');
            } else {
              chunks.push(value);
            }
            break;
          }
          case 'bodyPointer': {
            json ??= { value: parseJsonOrUndefined(request.rawBody) };
            const value = resolvePointer(json.value, part.tokens);
            if (value === undefined) {
              if (context.missingHeader === 'fail') {
                return { ok: false, reason: 'missing_header', message: `body value ${part.pointer} is missing` };
              }
              chunks.push('');
            } else {
              chunks.push(typeof value === 'string' ? value : JSON.stringify(value));
            }
            break;
          }
        }
      }
      return { ok: true, chunks };
    },
  };
}

function parsePointer(expression: string, source: string): Part {
  if (expression === 'method') return { type: 'method' };
  if (expression === 'request.path') return { type: 'path' };
  if (expression === 'request.body') return { type: 'body' };
  if (expression === 'timestamp') return { type: 'timestamp' };
  if (expression.startsWith('request.header.') && isHeaderName(expression.slice('request.header.'.length))) {
    const name = expression.slice('request.header.'.length);
    return { type: 'header', name, lower: name.toLowerCase() };
  }
  if (expression.startsWith('request.body#')) {
    const pointer = expression.slice('request.body#'.length);
    if (pointer === '' || pointer.startsWith('/')) {
      const tokens =
        pointer === ''
          ? []
          : pointer
              .slice(1)
              .split('/')
              .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
      return { type: 'bodyPointer', pointer, tokens };
    }
  }
  throw new HookgateError(
    'invalid_config',
    `Unknown pointer {$${expression}} in message template "${source}". Supported: {$method}, {$request.path}, ` +
      '{$request.header.NAME}, {$request.body}, {$request.body#/json/pointer}, {$timestamp}.',
  );
}

const decoder = new TextDecoder();

function parseJsonOrUndefined(bytes: Uint8Array): unknown {
  // A body nested too deep has no value to sign: JSON.stringify of a pointed-to value would overflow.
  if (jsonDepthExceeds(bytes, jsonDepthLimitOf(bytes))) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

/** RFC 6901 lookup; undefined when any step is missing. */
function resolvePointer(value: unknown, tokens: readonly string[]): unknown {
  let current = value;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}
