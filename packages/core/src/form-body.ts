import { getHeader } from './headers.js';
import { jsonDepthLimitOf, setJsonDepthLimit } from './json-body.js';
import type { Provider } from './provider.js';
import type { WebhookRequest } from './request.js';
import type { EventMap } from './results.js';

/** `application/x-www-form-urlencoded`, in any letter case, parameters allowed. */
const FORM_CONTENT_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Whether a request says its body is form-encoded (`Content-Type:
 * application/x-www-form-urlencoded`, any letter case, parameters allowed).
 *
 * @example
 * ```ts
 * import { isFormRequest } from '@hookgate/core/provider';
 *
 * isFormRequest({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }); // true
 * ```
 */
export function isFormRequest(request: Pick<WebhookRequest, 'headers'>): boolean {
  const contentType = getHeader(request.headers, 'content-type');
  return contentType !== undefined && FORM_CONTENT_TYPE.test(contentType);
}

/** What {@link readFormBody} found: the fields, or why the body is not a form. */
export type FormBody = { readonly ok: true; readonly fields: URLSearchParams } | { readonly ok: false; readonly message: string };

/**
 * Decodes a form-encoded body (`a=1&b=x+y`, `+` and `%XX` as an HTML form encodes them, by the
 * WHATWG `URLSearchParams` rules). The bytes themselves must be valid UTF-8: anything else is
 * refused rather than decoded with replacement characters. (A `%XX` escape of bytes that are not
 * UTF-8 still decodes to U+FFFD, as in every browser.)
 *
 * @example
 * ```ts
 * import { readFormBody } from '@hookgate/core/provider';
 *
 * const form = readFormBody(new TextEncoder().encode('payload=%7B%7D'));
 * if (form.ok) JSON.parse(form.fields.get('payload')!); // {}
 * ```
 */
export function readFormBody(rawBody: Uint8Array): FormBody {
  let text: string;
  try {
    text = fatalUtf8.decode(rawBody);
  } catch {
    return { ok: false, message: 'the form body is not valid UTF-8' };
  }
  return { ok: true, fields: new URLSearchParams(text) };
}

/**
 * What {@link withFormBodies} does with a form post's fields: the JSON to parse (text or UTF-8
 * bytes), or a string `{ refused }` saying why the post is not a delivery.
 */
export type FormToJson = (fields: URLSearchParams) => string | Uint8Array | { readonly refused: string };

/**
 * A provider that also reads form-encoded deliveries: when a request's `Content-Type` is
 * `application/x-www-form-urlencoded`, its body is decoded ({@link readFormBody}) and `toJson`
 * says which JSON to parse with the provider's own rules (GitHub's `payload` field, Slack's
 * interactivity `payload` or a slash command's fields). Bodies that are not UTF-8, and what
 * `toJson` refuses, are `invalid_payload` (`invalid_json`), as is a `charset` other than UTF-8.
 * The JSON gets the handler's nesting-depth limit (`maxJsonDepth`) like a JSON body. Verification
 * is untouched: the signature is still over the body as sent.
 *
 * @example
 * ```ts
 * import { withFormBodies } from '@hookgate/core/provider';
 *
 * const acme = withFormBodies(defineProvider({ ... }), (fields) => fields.get('payload') ?? { refused: 'the form body has no payload field' });
 * ```
 */
export function withFormBodies<P extends Provider<EventMap>>(provider: P, toJson: FormToJson): P {
  const parseJson = provider.parse.bind(provider);
  // Same prototype and own members as `provider` (a provider made by withProviderId inherits its
  // base's members, and keeps its place in that chain), with parse replaced.
  const members = Object.getOwnPropertyDescriptors(provider);
  const parse: Provider<EventMap>['parse'] = (rawBody, request) => {
    const contentType = request === undefined ? undefined : getHeader(request.headers, 'content-type');
    if (request === undefined || contentType === undefined || !FORM_CONTENT_TYPE.test(contentType)) return parseJson(rawBody, request);
    const charset = charsetOf(contentType);
    const form =
      charset === undefined || /^utf-?8$/i.test(charset)
        ? readFormBody(rawBody)
        : { ok: false as const, message: `the form's charset "${charset.slice(0, 40)}" is not supported (UTF-8 only)` };
    const json = form.ok ? toJson(form.fields) : { refused: form.message };
    if (typeof json === 'object' && 'refused' in json) return { kind: 'invalid_payload', reason: 'invalid_json', message: json.refused };
    const bytes = typeof json === 'string' ? encoder.encode(json) : json;
    // The handler's nesting-depth limit is kept per body: the JSON inside the form gets the same.
    setJsonDepthLimit(bytes, jsonDepthLimitOf(rawBody));
    return parseJson(bytes, request);
  };
  members.parse = { value: parse, writable: true, enumerable: true, configurable: true };
  return Object.create(Object.getPrototypeOf(provider), members) as P;
}

const encoder = new TextEncoder();

/** The `charset` parameter of a media type (quotes removed), if it has one. */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  return match?.[1];
}
