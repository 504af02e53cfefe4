import { parseArgs } from 'node:util';
import { demoCommand, sendCommand, UsageError, type Io } from './commands.js';
import { replayCommand } from './replay.js';

export const USAGE = `hookgate — send signed sample webhook deliveries

Usage:
  hookgate send <provider> [--event NAME] [--count N] [--url URL] [--secret S]
  hookgate demo [--url URL]
  hookgate replay <delivery-id> [--store URL] [--url URL] [--secret S]

Providers: pylon, webhooks-b
Options:
  --url URL       base URL the provider id is appended to (default http://127.0.0.1:$PORT/api/webhooks, PORT=3000)
  --secret S      signing secret (default: HOOKGATE_SECRET_<PROVIDER>, else <data-dir>/secrets.json)
  --data-dir DIR  where the dashboard keeps secrets.json (default $HOOKGATE_DATA_DIR or ./data)
  --event NAME    an event or variant name (default: all, in turn)
  --count N       how many deliveries (default 1)
  --store URL     store to replay from (default $HOOKGATE_STORE or sqlite:<data-dir>/hookgate.db)
`;

/**
 * Runs the CLI with `argv` (without `node` and the script); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['send', 'pylon', '--count', '3'], console);
 * ```
 */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        secret: { type: 'string' },
        'data-dir': { type: 'string' },
        event: { type: 'string' },
        count: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  if (values.help || !command) {
    io.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ?? env.HOOKGATE_DATA_DIR ?? './data';
  const common = {
    url: values.url ?? `http://127.0.0.1:${env.PORT ?? 3000}/api/webhooks`,
    dataDir,
    secret: values.secret,
  };
  try {
    switch (command) {
      case 'send': {
        if (!target) throw new UsageError('send needs a provider: hookgate send pylon');
        const results = await sendCommand({ ...common, provider: target, event: values.event, count: Number(values.count ?? 1) }, io);
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
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(error.message);
      return 2;
    }
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') {
      io.error(`Nothing is listening at ${common.url}. Start the gateway first (pnpm start) or pass --url.`);
      return 1;
    }
    io.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
