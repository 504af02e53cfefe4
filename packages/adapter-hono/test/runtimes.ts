// Starts the conformance app in Bun, Deno or workerd, each from its npm package, on loopback.
// The app is bundled first with esbuild for that runtime's package conditions: `bun`/`deno` +
// `node` (they have node:crypto), `workerd`/`worker`/`browser` for workerd (Web Crypto, no
// node: built-ins, no nodejs_compat). Then the suite sends real HTTP from this Node process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConformanceServer } from '@hookgate/testkit/conformance';
import { build, type Metafile } from 'esbuild';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export type Runtime = 'bun' | 'deno' | 'workerd';

const CONDITIONS: Record<Runtime, string[]> = {
  bun: ['bun', 'node'],
  deno: ['deno', 'node'],
  workerd: ['workerd', 'worker', 'browser'],
};

/** The platform package's binary, resolved from the wrapper package (their install scripts never ran: pnpm blocks them). */
function platformBinary(wrapper: string, platformPackage: string, file: string): string {
  const fromWrapper = createRequire(require.resolve(`${wrapper}/package.json`));
  return join(dirname(fromWrapper.resolve(`${platformPackage}/package.json`)), file);
}

const ARCH: Record<string, string> = { x64: 'x64', arm64: 'aarch64' };

/** The runtime's executable, from its npm package. */
export function runtimeBinary(runtime: Runtime): string {
  const { platform, arch } = process;
  if (runtime === 'bun') return platformBinary('bun', `@oven/bun-${platform}-${ARCH[arch] ?? arch}`, 'bin/bun');
  if (runtime === 'deno') {
    const target = platform === 'linux' ? `linux-${arch}-glibc` : `${platform}-${arch}`;
    return platformBinary('deno', `@deno/${target}`, 'deno');
  }
  return (require('workerd') as { default: string }).default;
}

/** Bundles `test/runtime/<entry>.ts` for `runtime` into `dir`; returns the file and its imports. */
export async function bundle(runtime: Runtime, dir: string): Promise<{ file: string; metafile: Metafile }> {
  const entry = runtime === 'workerd' ? 'worker' : runtime;
  const file = join(dir, `${entry}.js`);
  const result = await build({
    entryPoints: [join(here, 'runtime', `${entry}.ts`)],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: CONDITIONS[runtime],
    mainFields: ['module', 'main'],
    // Bun and Deno provide node: built-ins; in workerd any left in the bundle fails to load.
    external: ['node:*'],
    metafile: true,
    logLevel: 'silent',
  });
  return { file, metafile: result.metafile };
}

/** The node: modules the bundle's output imports (those only unused modules import are tree-shaken away). */
export function nodeImports(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) if (imported.path.startsWith('node:')) found.add(imported.path);
  }
  return [...found].sort();
}

function workerdConfig(compatibilityDate: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${compatibilityDate}",
);
`;
}

/** Started runtime: the suite's server plus what it printed (for failure messages). */
export interface RuntimeServer extends ConformanceServer {
  output(): string;
  bundleImports: string[];
}

/**
 * Bundles and starts the conformance app in `runtime` on 127.0.0.1 (an ephemeral port the
 * runtime chose and reported), waiting until it listens.
 */
export async function startRuntime(runtime: Runtime): Promise<RuntimeServer> {
  const dir = await mkdtemp(join(tmpdir(), `hookgate-${runtime}-`));
  const { file, metafile } = await bundle(runtime, dir);
  const binary = runtimeBinary(runtime);
  let child: ChildProcess;
  const env = { PATH: process.env.PATH ?? '', HOME: dir, DENO_DIR: join(dir, '.deno'), NO_COLOR: '1' };
  if (runtime === 'bun') {
    child = spawn(binary, ['run', file], { cwd: dir, env: { ...env, BUN_INSTALL_CACHE_DIR: join(dir, '.bun') }, stdio: ['ignore', 'pipe', 'pipe'] });
  } else if (runtime === 'deno') {
    child = spawn(binary, ['run', '--no-config', '--no-lock', '--no-prompt', '--allow-net=127.0.0.1', file], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    // The newest date this workerd supports: the behaviour a Worker deployed today gets.
    await writeFile(join(dir, 'config.capnp'), workerdConfig((require('workerd') as { compatibilityDate: string }).compatibilityDate));
    // fd 3: workerd reports each socket it listens on as a JSON line ({"event":"listen","port":…}).
    child = spawn(binary, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  }
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let control = '';
  (child.stdio[3] as NodeJS.ReadableStream | undefined)?.on('data', (chunk) => (control += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} did not listen within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const announced = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? /"event":"listen"[^}]*"port":(\d+)/.exec(control)?.[1];
      if (announced !== undefined) {
        clearTimeout(timer);
        resolve(Number(announced));
      }
    };
    child.stdout?.on('data', check);
    child.stdio[3]?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url: (providerId) => `http://127.0.0.1:${port}/webhooks/${providerId}`,
    output: () => output,
    bundleImports: nodeImports(metafile),
    async close() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
