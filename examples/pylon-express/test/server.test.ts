import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { fixtures, signPylon } from '@hookgate/provider-pylon';
import { afterEach, describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
// Each test starts Node with tsx, which takes seconds on a busy machine.
const STARTUP_MS = 60_000;

/** `src/server.ts` as `pnpm start` runs it (through tsx), with exactly the given environment. */
function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: exampleDir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

/** Waits for the start-up line and returns the URL in it (`pattern`'s first group). */
async function announcedUrl(child: ChildProcess, output: () => string, pattern: RegExp): Promise<string> {
  for (;;) {
    const url = pattern.exec(output())?.[1];
    if (url) return url;
    if (child.exitCode !== null) throw new Error(`server exited: ${output()}`);
    await once(child.stdout!, 'data');
  }
}

describe('examples/pylon-express server', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  it('refuses to start without PYLON_WEBHOOK_SECRET, naming the variable', { timeout: STARTUP_MS }, async () => {
    const { child, output } = startServer({ PORT: '0' });
    children.push(child);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('PYLON_WEBHOOK_SECRET is not set');
  });

  it('binds HOST:PORT and verifies with the secret from the environment', { timeout: STARTUP_MS }, async () => {
    const { child, output } = startServer({ PYLON_WEBHOOK_SECRET: 'from-env', PORT: '0', HOST: '127.0.0.1' });
    children.push(child);
    const url = await announcedUrl(child, output, /POST (http:\/\/127\.0\.0\.1:\d+\/webhook)/);
    const signed = signPylon({ payload: fixtures.valid.IssueNewEvent, secret: 'from-env' });
    expect((await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
  });
});
