// Reading a Fetch `Request` body within a limit, on Web streams only (no Node APIs).
import { concatBytes } from './bytes.js';
import type { ReadBodyResult } from './node-body.js';
import { refusal } from './outcome.js';

/**
 * Reads a Fetch request body up to `maxBytes`. A declared `Content-Length` over the limit is
 * refused before reading; a streamed body is read chunk by chunk and cancelled as soon as it
 * grows past the limit, so no more than `maxBytes` (plus one chunk) is ever held. A stream that
 * errors (the sender went away) resolves `aborted`, so no handler runs for half a body; a body
 * something else already read (`request.bodyUsed`) resolves `consumed`.
 *
 * @example
 * ```ts
 * const read = await readWebBody(request, handler.maxBodyBytes);
 * if (read.ok) await handler.handle({ method: request.method, headers: request.headers, rawBody: read.body });
 * ```
 */
export async function readWebBody(request: Request, maxBytes: number): Promise<ReadBodyResult> {
  const tooLarge = (size: string): ReadBodyResult => ({
    ok: false,
    reason: 'too_large',
    outcome: refusal('too_large', `body is ${size} bytes; the limit is ${maxBytes}`),
  });
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Not read: cancelling tells the runtime the rest of the upload is not wanted.
    request.body?.cancel().catch(() => undefined);
    return tooLarge(String(declared));
  }
  if (request.bodyUsed) return { ok: false, reason: 'consumed', message: 'the request body was already read (request.bodyUsed)' };
  if (!request.body) return { ok: true, body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => undefined);
        return tooLarge(`more than ${maxBytes}`);
      }
      chunks.push(next.value);
    }
  } catch {
    return { ok: false, reason: 'aborted', message: 'the request body stream failed before its end (the sender went away)' };
  }
  return { ok: true, body: concatBytes(chunks, size) };
}
