/**
 * Two gateway processes on one database (PostgreSQL, and a SQLite file): the first is killed with
 * SIGKILL while its listener runs, and the provider's retry goes to the second. The dead attempt's claim must hold off
 * copies only for its lease (409 + Retry-After), then the retry is handled exactly once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index.js';
import { DATABASE_TARGETS } from './helpers.js';
import { signedPing } from './fixtures/acme-provider.mjs';

const SERVER = fileURLToPath(new URL('./fixtures/gateway-server.mjs', import.meta.url));
const LEASE_SECONDS = 2;

interface Gateway {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Lines printed after READY, in order. */
  lines: string[];
  /** Resolves with the first line (after READY) that starts with `prefix`. */
  waitFor(prefix: string): Promise<string>;
}

async function startGateway(storeUrl: string, mode: 'block' | 'normal'): Promise<Gateway> {
  const child = spawn(process.execPath, [SERVER, storeUrl, String(LEASE_SECONDS), mode], { stdio: 'pipe' });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve(line: string): void }> = [];
  let ready!: (url: string) => void;
  let failed!: (error: Error) => void;
  const readyUrl = new Promise<string>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.once('exit', (code, signal) => failed(new Error(`gateway exited (${String(code ?? signal)}) before READY:\n${errors}`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^READY (\S+)$/.exec(line);
    if (match) return ready(match[1]!);
    lines.push(line);
    for (const waiter of waiters.splice(0)) {
      if (line.startsWith(waiter.prefix)) waiter.resolve(line);
      else waiters.push(waiter);
    }
  });
  const url = await readyUrl;
  return {
    child,
    url,
    lines,
    waitFor: (prefix) =>
      new Promise((resolve) => {
        const seen = lines.find((line) => line.startsWith(prefix));
        if (seen !== undefined) resolve(seen);
        else waiters.push({ prefix, resolve });
      }),
  };
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { kind: string; deliveryId: string | null; duplicateOf: string | null };
}

async function send(url: string, request: { headers: Record<string, string>; rawBody: Uint8Array }): Promise<Answer> {
  const response = await fetch(`${url}/webhooks/acme`, { method: 'POST', headers: request.headers, body: request.rawBody });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

describe.each(DATABASE_TARGETS)('two gateway processes on one $name database: kill -9 mid-listener, retry to the other', ({ create }) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the retry is refused 409 + Retry-After while the dead attempt’s lease lasts, then handled exactly once and recorded', async () => {
    const target = await create();
    cleanups.push(() => target.cleanup());
    await (await openStore(target.url)).close(); // schema first: both processes find it ready
    const [a, b] = await Promise.all([startGateway(target.url, 'block'), startGateway(target.url, 'normal')]);
    for (const gateway of [a, b]) {
      cleanups.push(async () => {
        if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
          gateway.child.kill('SIGKILL');
          await once(gateway.child, 'exit');
        }
      });
    }
    const delivery = signedPing(`evt_crash_${process.pid}`);

    // The first attempt reaches A and hangs in its listener; A is killed there.
    const toA = send(a.url, delivery).catch((error: unknown) => error);
    const firstId = (await a.waitFor('LISTENER ')).slice('LISTENER '.length);
    const exited = once(a.child, 'exit');
    a.child.kill('SIGKILL');
    await exited;
    expect(a.child.signalCode).toBe('SIGKILL');
    expect(await toA).toBeInstanceOf(Error); // the provider saw no answer: it retries

    // The provider retries at B while A's lease is still live: refused, told when to come back.
    const refused = await send(b.url, delivery);
    expect(refused).toMatchObject({ status: 409, body: { kind: 'in_progress', duplicateOf: firstId } });
    const retryAfter = Number(refused.retryAfter);
    expect(retryAfter >= 1 && retryAfter <= LEASE_SECONDS, `Retry-After: ${refused.retryAfter}`).toBe(true);

    // Like a provider: wait what Retry-After says and resend, a bounded number of times.
    let answer = refused;
    const answers: Answer[] = [refused];
    for (let attempt = 0; attempt < 5 && answer.status === 409; attempt++) {
      await sleep(Number(answer.retryAfter ?? 1) * 1000);
      answer = await send(b.url, delivery);
      answers.push(answer);
    }
    expect(answer).toMatchObject({ status: 200, body: { kind: 'handled' } });
    const handledId = answer.body.deliveryId!;
    expect(b.lines.filter((line) => line.startsWith('COMPLETED '))).toEqual([`COMPLETED ${handledId}`]);

    // Later copies are duplicates of that one completed handling.
    expect(await send(b.url, delivery)).toMatchObject({ status: 200, body: { kind: 'duplicate', duplicateOf: handledId } });

    const store = await openStore(target.url);
    cleanups.push(() => store.close());
    const rows = (await store.list({ provider: 'acme', limit: 500 })).items;
    expect(rows.filter((row) => row.status === 'handled').map((row) => row.id)).toEqual([handledId]);
    const waiting = rows.filter((row) => row.status === 'in_progress');
    expect(waiting.length).toBe(answers.filter((each) => each.status === 409).length);
    for (const row of waiting) expect(row).toMatchObject({ duplicateOf: firstId, dedupeKey: `evt_crash_${process.pid}` });
    expect(await store.get(firstId)).toBeNull(); // the killed attempt never recorded anything
    expect(rows).toHaveLength(waiting.length + 2); // + the handled row + the duplicate
  });
});
