// Reading a Node request body within a byte limit (or the bytes a body parser kept).
import { refusal, type HandleOutcome } from './outcome.js';

/** A Node readable request as adapters see it (IncomingMessage satisfies it). */
export interface NodeBodySource {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly readableEnded?: boolean;
  /** Set by a body parser that ran first (`express.json()`, `express.raw()`, Next's `bodyParser`). */
  readonly body?: unknown;
  /** Bytes a body parser's `verify` callback kept (`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`). */
  readonly rawBody?: unknown;
  /** body-parser's "this request was parsed" flag. */
  readonly _body?: unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
}

/** Result of {@link readNodeBody}. */
export type ReadBodyResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; reason: 'too_large'; outcome: HandleOutcome }
  | { ok: false; reason: 'aborted' | 'consumed'; message: string };

/**
 * Reads a Node request body up to `maxBytes`. A declared `Content-Length` over the limit is
 * refused before reading; a body that grows past it stops being buffered (the rest is
 * discarded). An aborted request resolves `aborted`, so no handler runs for half a body. When a
 * body parser ran first, the bytes it kept are used (`req.rawBody` from a `verify` callback, or a
 * Buffer `req.body` from `express.raw()`); a stream it consumed without keeping them resolves
 * `consumed` instead of hanging.
 *
 * @example
 * ```ts
 * const read = await readNodeBody(req, handler.maxBodyBytes);
 * if (!read.ok) return read.reason === 'too_large' ? send(toHttpResponse(read.outcome)) : res.destroy();
 * ```
 */
export function readNodeBody(source: NodeBodySource, maxBytes: number): Promise<ReadBodyResult> {
  const tooLarge = (size: string): ReadBodyResult => ({
    ok: false,
    reason: 'too_large',
    outcome: refusal('too_large', `body is ${size} bytes; the limit is ${maxBytes}`),
  });
  const kept = keptRawBody(source);
  if (kept) return Promise.resolve(kept.byteLength > maxBytes ? tooLarge(String(kept.byteLength)) : { ok: true, body: kept });
  const declared = Number(source.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    source.resume();
    return Promise.resolve(tooLarge(String(declared)));
  }
  // body-parser 1.x sets `req.body = {}` without reading a body it does not parse, so only a
  // finished stream (or its own `_body` flag) means the bytes are gone.
  if (source.readableEnded || source._body === true) {
    return Promise.resolve({ ok: false, reason: 'consumed', message: 'the request body stream was already read by another middleware' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: ReadBodyResult): void => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      source.removeListener('error', onError);
      source.removeListener('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        chunks.length = 0;
        settle(tooLarge(`more than ${maxBytes}`));
        source.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = (error: Error): void => settle({ ok: false, reason: 'aborted', message: error.message });
    const onClose = (): void => settle({ ok: false, reason: 'aborted', message: 'the client closed the connection before the body ended' });
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}

/** The raw bytes a body parser kept for us, if any. */
function keptRawBody(source: NodeBodySource): Uint8Array | undefined {
  if (source.rawBody instanceof Uint8Array) return source.rawBody;
  if (typeof source.rawBody === 'string') return Buffer.from(source.rawBody, 'utf8');
  if (source.body instanceof Uint8Array) return source.body;
  return undefined;
}
