import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const WORKER = fileURLToPath(new URL('./fixtures/store-worker.mjs', import.meta.url));

interface Worker {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
  stderr(): string;
}

function start(mode: 'claim' | 'handle', url: string, count: number, cwd: string | undefined): Worker {
  const child = spawn(process.execPath, [WORKER, mode, url, String(count)], { cwd, stdio: 'pipe' });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = once(child, 'exit');
  return {
    child,
    async next() {
      // Fail with the child's stderr instead of hanging when it dies early.
      const result = await Promise.race([lines.next(), exited.then(() => ({ done: true as const, value: undefined }))]);
      if (result.done) throw new Error(`worker exited early (code ${String(child.exitCode)}):\n${errors}`);
      return result.value;
    },
    stderr: () => errors,
  };
}

/**
 * Runs the same job in two Node processes against one store URL, in lock-step: both load, both
 * open (and migrate) at the same moment, then both start the job at the same moment.
 */
export async function runTwoWorkers<R>(mode: 'claim' | 'handle', url: string, count: number, options: { cwd?: string } = {}): Promise<[R[], R[]]> {
  const workers = [start(mode, url, count, options.cwd), start(mode, url, count, options.cwd)];
  try {
    const step = async (send: string | null, expected: string): Promise<void> => {
      if (send !== null) for (const worker of workers) worker.child.stdin.write(`${send}\n`);
      const got = await Promise.all(workers.map((worker) => worker.next()));
      for (const line of got) if (line !== expected) throw new Error(`expected "${expected}" from a worker, got "${line}"`);
    };
    await step(null, 'loaded');
    await step('open', 'opened');
    for (const worker of workers) worker.child.stdin.write('go\n');
    const outputs = await Promise.all(workers.map((worker) => worker.next()));
    await Promise.all(workers.map((worker) => (worker.child.exitCode === null ? once(worker.child, 'exit') : undefined)));
    for (const worker of workers) if (worker.child.exitCode !== 0) throw new Error(`worker failed:\n${worker.stderr()}`);
    return [JSON.parse(outputs[0]!) as R[], JSON.parse(outputs[1]!) as R[]];
  } finally {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill();
  }
}
