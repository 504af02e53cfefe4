#!/usr/bin/env node
// `npx @hookgate/dashboard --config ./hookgate.config.ts --store postgres://…`: serves the built
// dashboard (Next standalone output in ../standalone) against an application's own config and
// store, without cloning the Hookgate repository. Paths given here resolve against the working
// directory; the server then runs from the package folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage: hookgate-dashboard [--config <file>] [--store <url>] [--port <n>] [--host <address>] [--data-dir <dir>]

  --config    hookgate.config.ts (or .mts/.js/.mjs) of your app. Default: the nearest one from
              the working directory up.
  --store     sqlite:<path> or postgres://user@host:5432/db. Default: sqlite:<data-dir>/hookgate.db
  --port      HTTP port. Default: $PORT or 3000
  --host      Address to bind. Default: 127.0.0.1 (this machine only); 0.0.0.0 for every
              interface — then set HOOKGATE_DASHBOARD_TOKEN.
  --data-dir  Folder for the default SQLite file and the generated secrets.json. Default: ./data

Secrets come from each provider's variable (HOOKGATE_SECRET_<ID>, or the one its config entry
names), else from <data-dir>/secrets.json. HOOKGATE_DASHBOARD_TOKEN protects pages and the API.`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      config: { type: 'string' },
      store: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const cwd = process.cwd();
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(packageDir, 'standalone', 'server.js');
if (!existsSync(server)) {
  console.error(`The built dashboard is missing (${server}); in the repository run \`pnpm --filter @hookgate/dashboard build:standalone\`.`);
  process.exit(1);
}

// The server changes into its own folder: every path it will read is made absolute here.
let configFile = values.config ?? process.env.HOOKGATE_CONFIG;
if (configFile === undefined) {
  const { findConfigFile } = await import('@hookgate/config/load');
  configFile = await findConfigFile(cwd);
  if (configFile === undefined) {
    console.error(`No hookgate.config.ts (or .mts/.js/.mjs) in ${cwd} or its parents: pass --config <file>.\n\n${USAGE}`);
    process.exit(2);
  }
}
process.env.HOOKGATE_CONFIG = path.resolve(cwd, configFile);
const dataDir = path.resolve(cwd, values['data-dir'] ?? process.env.HOOKGATE_DATA_DIR ?? 'data');
process.env.HOOKGATE_DATA_DIR = dataDir;
const store = values.store ?? process.env.HOOKGATE_STORE;
if (store !== undefined) process.env.HOOKGATE_STORE = store.startsWith('sqlite:') ? `sqlite:${path.resolve(cwd, store.slice('sqlite:'.length))}` : store;
if (values.port !== undefined) process.env.PORT = values.port;
process.env.PORT ??= '3000';
// Next's standalone server binds HOSTNAME (the shell's own HOSTNAME is a machine name, not an address).
process.env.HOSTNAME = values.host ?? '127.0.0.1';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

console.log(`[hookgate] Dashboard for ${process.env.HOOKGATE_CONFIG} on http://${process.env.HOSTNAME}:${process.env.PORT}`);
await import(pathToFileURL(server).href);
