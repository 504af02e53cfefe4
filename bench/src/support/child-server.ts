import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A server running in a child process. */
export interface ChildServer {
  child: ChildProcess;
  url: string;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a TypeScript entry point of this package in a child Node process (through tsx) and
 * resolves once it prints `READY <url>`.
 *
 * @example
 * ```ts
 * const target = await startChildServer('src/support/http-target.ts', ['express', 'floor']);
 * await target.kill();
 * ```
 */
export function startChildServer(entry: string, args: readonly string[], nodeOptions: readonly string[] = [], startTimeoutMs = 30_000): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', entry, ...args], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start within ${startTimeoutMs / 1000} s: ${output}`));
    }, startTimeoutMs);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${String(code)} before READY: ${output}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1]!,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
  });
}
