import { parseArgs } from 'node:util';
import { providerIds, type HookgateConfig } from '@hookgate/config';
import { loadConfig } from '@hookgate/config/load';
import { demoCommand, sendCommand, type Io } from './commands.js';
import { SEND_TIMEOUT_MS } from './send.js';
import { replayCommand } from './replay.js';
import { sampleKit } from './samples.js';
import { UsageError } from './usage-error.js';
import { workerCommand } from './worker.js';

/**
 * The usage text; with a loaded config it lists the registered providers and their events.
 *
 * @example
 * ```ts
 * console.log(usage(config));
 * ```
 */
export function usage(config?: HookgateConfig): string {
  const providers = config
    ? `Providers (from the Hookgate config) and the samples the CLI can send:\n${config.providers
        .map(
          (entry) =>
            `  ${entry.id.padEnd(22)} ${entry.sign && entry.fixtures ? sampleKit(entry).variants.join(', ') : '(no sign/fixtures in its entry: cannot send)'}`,
        )
        .join('\n')}`
    : 'Providers: those registered in hookgate.config.ts (none loaded).';
  const example = config?.providers[0]?.id ?? '<provider>';
  return `hookgate — send signed sample webhook deliveries

Usage:
  hookgate send <provider> [--event NAME] [--count N] [--url URL] [--secret S]
  hookgate send --provider <id> --event <name>
  hookgate demo [--url URL]
  hookgate replay <delivery-id> [--store URL] [--url URL] [--secret S]
  hookgate worker [--store URL] [--concurrency N]   run queued deliveries' listeners (inbox mode)

${providers}

Options:
  --config FILE   the provider registry (default $HOOKGATE_CONFIG, else the nearest hookgate.config.ts from here up)
  --url URL       base URL the provider id is appended to (default http://127.0.0.1:$PORT/api/webhooks, PORT=3000)
  --secret S      signing secret (default: the provider's HOOKGATE_SECRET_<ID>, else <data-dir>/secrets.json)
  --data-dir DIR  where the dashboard keeps secrets.json (default $HOOKGATE_DATA_DIR or ./data)
  --event NAME    an event or variant name (default: all, in turn)
  --count N       how many deliveries (default 1)
  --store URL     store to replay from / whose inbox to work (default $HOOKGATE_STORE or sqlite:<data-dir>/hookgate.db)
  --concurrency N listeners a worker runs at once (default the config's inbox.concurrency, else 4)

Example: hookgate send ${example} --count 3
`;
}

/**
 * Runs the CLI with `argv` (without `node` and the script); resolves to the exit code:
 * 0 as expected, 1 an answer was not (or nothing listens), 2 usage or config error.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['send', 'acme', '--count', '3'], console);
 * ```
 */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    io.error(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  const dataDir = values['data-dir'] ?? env.HOOKGATE_DATA_DIR ?? './data';
  const url = values.url ?? `http://127.0.0.1:${env.PORT ?? 3000}/api/webhooks`;
  const configFile = values.config ?? (env.HOOKGATE_CONFIG || undefined);
  if (command !== undefined && !COMMANDS.includes(command)) {
    // Said before the config is looked for: a typo must not read as a missing config.
    io.error(`Unknown command "${command}". Commands: ${COMMANDS.join(', ')}.\n\n${usage()}`);
    return 2;
  }
  if (command === 'send' || command === 'demo' || command === 'replay') {
    const problem = urlProblem(url);
    if (problem !== undefined) {
      io.error(`--url ${JSON.stringify(url)} ${problem} (for example http://127.0.0.1:3000/api/webhooks).`);
      return 2;
    }
  }
  if (values.help || !command) {
    let config: HookgateConfig | undefined;
    try {
      config = (await loadConfig({ file: configFile })).config;
    } catch (error) {
      io.error((error as Error).message);
    }
    io.log(usage(config));
    return values.help ? 0 : 2;
  }
  try {
    const { config } = await loadConfig({ file: configFile });
    const common = { config, url, dataDir, secret: values.secret, env };
    switch (command) {
      case 'send': {
        const provider = values.provider ?? target;
        if (!provider) throw new UsageError(`send needs a provider: hookgate send --provider <id>. Registered: ${providerIds(config).join(', ')}.`);
        if (values.provider && target && target !== values.provider)
          throw new UsageError(`Two providers given: "${target}" and --provider ${values.provider}.`);
        const results = await sendCommand({ ...common, provider, event: values.event, count: Number(values.count ?? 1) }, io);
        return results.every((r) => r.status < 300) ? 0 : 1;
      }
      case 'demo':
        return (await demoCommand(common, io)) === 0 ? 0 : 1;
      case 'replay': {
        if (!target) throw new UsageError('replay needs a delivery id: hookgate replay 0193…');
        const store = values.store ?? env.HOOKGATE_STORE ?? `sqlite:${dataDir}/hookgate.db`;
        const result = await replayCommand({ ...common, id: target, store }, io);
        return result.status < 300 ? 0 : 1;
      }
      case 'worker': {
        const store = values.store ?? env.HOOKGATE_STORE ?? `sqlite:${dataDir}/hookgate.db`;
        const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
        return await workerCommand({ config, store, dataDir, env, concurrency }, io);
      }
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${usage(config)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(error.message);
      return 2;
    }
    if ((error as { code?: unknown } | null)?.code === 'invalid_config') {
      io.error((error as Error).message);
      return 2;
    }
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') {
      io.error(`Nothing is listening at ${url}. Start the gateway first (pnpm start) or pass --url.`);
      return 1;
    }
    if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
      io.error(`No answer from ${url} within ${SEND_TIMEOUT_MS / 1000} s.`);
      return 1;
    }
    if (error instanceof TypeError && error.message === 'fetch failed' && cause !== undefined) {
      // undici's generic message: say what actually failed (ECONNRESET, ENOTFOUND, a TLS error…).
      io.error(`Sending to ${url} failed: ${(cause as { message?: string }).message ?? cause.code ?? 'unknown error'}${cause.code ? ` (${cause.code})` : ''}.`);
      return 1;
    }
    io.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

function parseCliArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      provider: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      'data-dir': { type: 'string' },
      event: { type: 'string' },
      count: { type: 'string' },
      store: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The commands `runCli` knows. */
const COMMANDS: readonly string[] = ['send', 'demo', 'replay', 'worker'];

/** Why `url` cannot be a webhook base URL, or undefined when it can (http or https, parseable). */
function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `uses ${parsed.protocol.slice(0, -1)}, not http or https`;
  return undefined;
}
