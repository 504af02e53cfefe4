import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A script started by {@link startScript}: the process and everything it printed so far. */
export interface StartedScript {
  child: ChildProcess;
  /** stdout and stderr, interleaved as they arrived. */
  output(): string;
}

/**
 * Starts `node <args>` in `cwd` with exactly `env` (plus `PATH`), as a user's shell would run a
 * script with only those variables set, and collects what it prints.
 *
 * @example
 * ```ts
 * const server = startScript(exampleDir, ['--import', 'tsx', 'src/server.ts'], { PORT: '0' });
 * const [code] = await once(server.child, 'exit');
 * ```
 */
export function startScript(cwd: string, args: readonly string[], env: Record<string, string>): StartedScript {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

/**
 * Waits until the script prints a line matching `pattern` and returns its first group (say the
 * URL a server announces); rejects if the script exits first.
 *
 * @example
 * ```ts
 * const url = await announced(server, /POST (http:\/\/127\.0\.0\.1:\d+\/webhook)/);
 * ```
 */
export async function announced(script: StartedScript, pattern: RegExp): Promise<string> {
  for (;;) {
    const match = pattern.exec(script.output())?.[1];
    if (match !== undefined) return match;
    if (script.child.exitCode !== null) throw new Error(`the script exited (${script.child.exitCode}) first:\n${script.output()}`);
    await Promise.race([once(script.child.stdout!, 'data'), once(script.child, 'exit')]);
  }
}
