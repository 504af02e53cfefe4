/**
 * A real `next build` + `next start` of test/fixture-app: the App Router gateway route and Pages
 * Router API routes receive signed deliveries over HTTP, exactly as in a deployed app.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { signPylon, fixtures } from '@hookgate/provider-pylon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET } from '@hookgate/testkit';
import { describeConformance } from '@hookgate/testkit/conformance';

const appDir = fileURLToPath(new URL('./fixture-app/', import.meta.url));
const nextBin = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

let server: ChildProcess | undefined;
let base = '';

/** A port that was free a moment ago (`next start` has no "pick one" option). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves when the server prints its ready line; rejects if it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready in/.test(output)) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`next start exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: appDir, env, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
  const port = await freePort();
  server = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  await ready(server);
  base = `http://127.0.0.1:${port}`;
}, 240_000);

afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
});

describeConformance('next start: app/api/webhooks/[provider]/route.ts', async () => ({ url: (id) => `${base}/api/webhooks/${id}`, close: async () => {} }), {
  inProcess: false,
});

describeConformance(
  'next start: Edge runtime app/api/edge/[provider]/route.ts',
  async () => ({ url: (id) => `${base}/api/edge/${id}`, close: async () => {} }),
  { inProcess: false },
);

it('builds app/api/edge/[provider]/route.ts as an Edge function verifying with Web Crypto, no node: module bundled', () => {
  const manifest = JSON.parse(readFileSync(join(appDir, '.next/server/middleware-manifest.json'), 'utf8')) as {
    functions: Record<string, { files: string[] }>;
  };
  const edge = manifest.functions['/api/edge/[provider]/route'];
  expect(edge).toBeDefined();
  const code = edge!.files
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(appDir, '.next', file), 'utf8'))
    .join('\n');
  // core's crypto backend is chosen when the package is resolved: the Edge bundle holds the Web Crypto one.
  expect(code).toMatch(/name:\s*["']web-crypto["']/);
  expect(code).not.toMatch(/["']node:(crypto|fs|http|net|diagnostics_channel)["']/);
});

describe('next start: pages/api (Pages Router)', () => {
  const post = async (path: string, delivery: { headers: Record<string, string>; body: string }) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  it.each(Object.entries(fixtures.valid))('answers 200 to a signed %s with bodyParser: false', async (_name, payload) => {
    expect(await post('/api/pylon', signPylon({ payload, secret: SECRET }))).toMatchObject({ status: 200, json: { ok: true, kind: 'handled' } });
  });

  it('answers 401 to a tampered delivery and 405 to GET', async () => {
    const signed = signPylon({ payload: fixtures.valid.IssueNewEvent, secret: SECRET });
    expect((await post('/api/pylon', { ...signed, body: signed.body.replace('{', '{"x":1,') })).status).toBe(401);
    const get = await fetch(`${base}/api/pylon`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it("answers the diagnostic 500 when Next's body parser consumed the body", async () => {
    const { status, json } = await post('/api/parsed', signPylon({ payload: fixtures.valid.IssueNewEvent, secret: SECRET }));
    expect(status).toBe(500);
    expect(json).toMatchObject({ ok: false, kind: 'raw_body_unavailable' });
    expect(String(json.message)).toContain('bodyParser: false');
  });
});

/**
 * Writes one HTTP/1.1 request byte for byte (header lines exactly as given, `Connection: close`
 * among them) and resolves with the status code once the server closes the connection.
 */
function sendExact(url: string, headers: ReadonlyArray<readonly [string, string]>, body: string): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      const head = [`POST ${pathname} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`)];
      socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.on('error', reject);
  });
}

describe.each([
  ['App Router, installSenderStamp in instrumentation.ts', '/api/sender'],
  ['Pages Router (rawHeaders)', '/api/sender-pages'],
])("next start: records the sender's headers only — %s", (_name, route) => {
  // Next.js runs instrumentation's register() on its first request, after Node announced that
  // request: only later requests carry the stamp (the first falls back to `forwardedHeaders`).
  beforeAll(async () => void (await fetch(`${base}${route}?id=warm-up`)).arrayBuffer());

  async function deliver(extra: ReadonlyArray<readonly [string, string]>) {
    const signed = signPylon({ payload: { ...fixtures.valid.IssueNewEvent, issue_id: `i_${Date.now()}_${Math.random()}` }, secret: SECRET });
    const { host } = new URL(base);
    const headers: Array<readonly [string, string]> = [
      ['Host', host],
      ['User-Agent', 'hookgate-sender-test/1'],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(signed.body))],
      ...Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
      ...extra,
      ['Connection', 'close'],
    ];
    const answer = await sendExact(`${base}${route}`, headers, signed.body);
    expect(answer.status, answer.text).toBe(200);
    // The answer may be chunked: pick the id out of the raw text.
    const deliveryId = /"deliveryId":"([0-9a-f-]{36})"/.exec(answer.text)?.[1];
    expect(deliveryId, answer.text).toBeDefined();
    const recorded = (await (await fetch(`${base}${route}?id=${deliveryId}`)).json()) as { headers: Record<string, string>; peerAddress: string | null };
    // What the handler redacts is stored as [redacted]; everything else exactly as sent.
    const expected = Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
    for (const name of Object.keys(recorded.headers)) if (recorded.headers[name] === '[redacted]') expected[name] = '[redacted]';
    return { recorded, expected };
  }

  it('records no x-forwarded-* that next start added, and the peer address as request metadata', async () => {
    const { recorded, expected } = await deliver([]);
    expect(recorded.headers).toEqual(expected);
    expect(Object.keys(recorded.headers).filter((name) => name.startsWith('x-forwarded-') || name.startsWith('x-hookgate-'))).toEqual([]);
    expect(recorded.peerAddress).toBe('127.0.0.1');
  });

  it('keeps x-forwarded-* the sender (or a proxy in front) did send, and cannot forge the peer address', async () => {
    const { recorded, expected } = await deliver([
      ['X-Forwarded-For', '198.51.100.7'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Hookgate-Peer-Address', '203.0.113.66'],
      ['X-Hookgate-Sent-Headers', 'host'],
    ]);
    delete expected['x-hookgate-peer-address'];
    delete expected['x-hookgate-sent-headers'];
    expect(recorded.headers).toEqual(expected);
    expect(recorded.headers['x-forwarded-for']).toBe('198.51.100.7');
    expect(recorded.headers['x-forwarded-host']).toBeUndefined();
    expect(recorded.peerAddress).toBe('127.0.0.1');
  });
});
