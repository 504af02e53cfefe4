// Starts the conformance app in Bun, Deno or workerd, each from its npm package, on loopback.
// Bun and Deno run the TypeScript entry as users do, resolving every package (core's `#crypto`
// import included) through node_modules with their own resolvers and conditions (`bun`/`deno`,
// `node`: node:crypto). workerd gets what wrangler would deploy: an esbuild bundle for the
// `workerd`/`worker`/`browser` conditions (Web Crypto, no node: built-ins, no nodejs_compat).
// Then the suite sends real HTTP from this Node process.
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
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
const packageDir = dirname(here);
const repositoryRoot = dirname(dirname(packageDir));

export type Runtime = 'bun' | 'deno' | 'workerd';

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

/** Bundles `test/runtime/worker.ts` for workerd into `dir`; returns the file and its imports. */
export async function bundleWorker(dir: string): Promise<{ file: string; metafile: Metafile }> {
  const file = join(dir, 'worker.js');
  const result = await build({
    entryPoints: [join(here, 'runtime', 'worker.ts')],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    // Left external so the test sees any that remain: workerd would refuse to load them.
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
  /** workerd: the node: modules its bundle imports (none expected); empty for Bun and Deno. */
  bundleImports: string[];
}

/** Spawns the runtime on the app; resolves the process and, for workerd, its bundle's node: imports. */
async function spawnRuntime(runtime: Runtime, dir: string): Promise<{ child: ChildProcess; bundleImports: string[] }> {
  const binary = runtimeBinary(runtime);
  const entry = (name: string) => join(here, 'runtime', `${name}.ts`);
  const env = { PATH: process.env.PATH ?? '', HOME: dir, DENO_DIR: join(dir, '.deno'), BUN_INSTALL_CACHE_DIR: join(dir, '.bun'), NO_COLOR: '1' };
  const piped: StdioOptions = ['ignore', 'pipe', 'pipe'];
  if (runtime === 'bun') return { child: spawn(binary, ['run', entry('bun')], { cwd: packageDir, env, stdio: piped }), bundleImports: [] };
  if (runtime === 'deno') {
    // Reads node_modules (the workspace's, hence the repository root); the `.js` specifiers of this
    // package's TypeScript sources need sloppy imports (published packages are JavaScript).
    const args = ['run', '--no-lock', '--no-prompt', '--allow-net=127.0.0.1', `--allow-read=${repositoryRoot}`, '--unstable-sloppy-imports', entry('deno')];
    return { child: spawn(binary, args, { cwd: packageDir, env, stdio: piped }), bundleImports: [] };
  }
  const { metafile } = await bundleWorker(dir);
  // The newest date this workerd supports: the behaviour a Worker deployed today gets.
  await writeFile(join(dir, 'config.capnp'), workerdConfig((require('workerd') as { compatibilityDate: string }).compatibilityDate));
  // fd 3: workerd reports each socket it listens on as a JSON line ({"event":"listen","port":…}).
  const child = spawn(binary, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  return { child, bundleImports: nodeImports(metafile) };
}

/**
 * Starts the conformance app in `runtime` on 127.0.0.1 (an ephemeral port the runtime chose and
 * reported), waiting until it listens.
 */
export async function startRuntime(runtime: Runtime): Promise<RuntimeServer> {
  const dir = await mkdtemp(join(tmpdir(), `hookgate-${runtime}-`));
  const { child, bundleImports } = await spawnRuntime(runtime, dir);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let control = '';
  (child.stdio[3] as NodeJS.ReadableStream | undefined)?.on('data', (chunk) => (control += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} did not listen within 60 s:\n${output}`)), 60_000);
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
    bundleImports,
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
