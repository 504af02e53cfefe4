/**
 * A real `next build` + `next start` of test/fixture-app: the App Router gateway route and Pages
 * Router API routes receive signed deliveries over HTTP, exactly as in a deployed app.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { signPylon, fixtures } from '@hookgate/provider-pylon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET } from '../../adapter-express/test/conformance/kit.js';
import { describeConformance } from '../../adapter-express/test/conformance/suite.js';

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

describeConformance(
  'next start: app/api/webhooks/[provider]/route.ts',
  async () => ({ url: (id) => `${base}/api/webhooks/${id}`, close: async () => {} }),
  { inProcess: false },
);

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
