// readNodeBody against a real Node HTTP server on 127.0.0.1:0: limits, chunked bodies, aborted
// uploads and streams another middleware already consumed.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHttpResponse } from '../src/http-response.js';
import { readNodeBody, type ReadBodyResult } from '../src/node-body.js';

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<ReadBodyResult>;

let server: Server;
let port: number;
let route: Route = async () => {
  throw new Error('no route set');
};
let results: Array<Promise<ReadBodyResult>> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const result = route(req, res);
    results.push(result);
    void result.then((read) => {
      if (res.headersSent || res.destroyed) return;
      if (read.ok) res.writeHead(200, { 'content-type': 'text/plain' }).end(`read ${read.body.byteLength}`);
      else if (read.reason === 'too_large') {
        const response = toHttpResponse(read.outcome);
        res.writeHead(response.status, response.headers).end(response.body);
      } else if (read.reason === 'consumed') res.writeHead(500).end('consumed');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function useRoute(next: Route): () => Promise<ReadBodyResult> {
  route = next;
  results = [];
  return async () => {
    // The server callback may run after the client saw its answer; wait for it to be called.
    for (let i = 0; results.length === 0 && i < 1000; i++) await new Promise((resolve) => setImmediate(resolve));
    return results[0]!;
  };
}

/** Sends a POST; `chunks` given → chunked transfer encoding (no Content-Length). */
function post(body: { fixed?: Buffer; chunks?: Buffer[] }): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (body.fixed) headers['content-length'] = body.fixed.byteLength;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/hook', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString(), headers: res.headers }));
    });
    // The server may answer 413 and close while we are still uploading.
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE') return;
      reject(error);
    });
    if (body.fixed) req.end(body.fixed);
    else {
      for (const chunk of body.chunks ?? []) req.write(chunk);
      req.end();
    }
  });
}

describe('readNodeBody() over real HTTP', () => {
  it('reads a fixed-length body exactly, bytes unchanged', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 0x7b, 0x7d]);
    let received: Uint8Array | undefined;
    const result = useRoute(async (req) => {
      const read = await readNodeBody(req, 1024);
      if (read.ok) received = read.body;
      return read;
    });
    expect((await post({ fixed: bytes })).text).toBe('read 6');
    expect((await result()).ok).toBe(true);
    expect(Buffer.from(received!)).toEqual(bytes);
  });

  it('reads a chunked body up to exactly the limit', async () => {
    const result = useRoute((req) => readNodeBody(req, 30));
    const answer = await post({ chunks: [Buffer.alloc(10, 1), Buffer.alloc(10, 2), Buffer.alloc(10, 3)] });
    expect(answer.text).toBe('read 30');
    expect((await result()).ok).toBe(true);
  });

  it('reads an empty body', async () => {
    const result = useRoute((req) => readNodeBody(req, 10));
    expect((await post({ fixed: Buffer.alloc(0) })).text).toBe('read 0');
    expect(await result()).toMatchObject({ ok: true });
  });

  it('a declared Content-Length over the limit is refused before reading: 413 too_large, connection close', async () => {
    let dataEvents = 0;
    const result = useRoute(async (req) => {
      const read = await readNodeBody(req, 100);
      req.on('data', () => dataEvents++);
      return read;
    });
    const answer = await post({ fixed: Buffer.alloc(101) });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.text)).toEqual({ ok: false, kind: 'too_large', reason: 'too_large' });
    const read = await result();
    expect(read).toMatchObject({ ok: false, reason: 'too_large' });
    if (!read.ok && read.reason === 'too_large') {
      expect(read.outcome).toMatchObject({ status: 413, kind: 'too_large' });
      expect(read.outcome.message).toContain('101');
    }
  });

  it('a chunked body growing past the limit is refused: 413 too_large', async () => {
    const result = useRoute((req) => readNodeBody(req, 25));
    const answer = await post({ chunks: [Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)] });
    expect(answer.status).toBe(413);
    expect(await result()).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('an upload aborted midway resolves aborted (no handler runs for half a body)', async () => {
    let started!: () => void;
    const reading = new Promise<void>((resolve) => (started = resolve));
    const result = useRoute((req) => {
      const read = readNodeBody(req, 1000);
      started();
      return read;
    });
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789');
    // Only once the request is parsed and being read, cut the connection.
    await reading;
    socket.destroy();
    expect(await result()).toMatchObject({ ok: false, reason: 'aborted' });
  });

  it('a stream already consumed by another middleware resolves consumed instead of hanging', async () => {
    const result = useRoute(async (req) => {
      for await (const chunk of req) void chunk; // what a JSON body parser does
      return readNodeBody(req, 1000);
    });
    const answer = await post({ fixed: Buffer.from('{"a":1}') });
    expect(answer).toMatchObject({ status: 500, text: 'consumed' });
    expect(await result()).toMatchObject({ ok: false, reason: 'consumed' });
  });

  it('uses the bytes a body parser kept (req.rawBody), still within the limit', async () => {
    const result = useRoute(async (req) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      Object.assign(req, { rawBody: Buffer.concat(chunks) });
      return readNodeBody(req, 5);
    });
    await post({ fixed: Buffer.from('12345') });
    expect(await result()).toMatchObject({ ok: true });
    const over = useRoute(async (req) => {
      for await (const chunk of req) Object.assign(req, { rawBody: chunk });
      return readNodeBody(req, 4);
    });
    expect((await post({ fixed: Buffer.from('12345') })).status).toBe(413);
    expect(await over()).toMatchObject({ ok: false, reason: 'too_large' });
  });
});
