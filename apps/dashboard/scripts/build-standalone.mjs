#!/usr/bin/env node
// `pnpm --filter @hookgate/dashboard build:standalone`: the build the published package serves.
// Runs `next build` with Next's standalone output into .next-standalone/ (not .next/, which
// `next start` and the e2e suite use), then gathers what `bin/hookgate-dashboard.mjs` needs into
// standalone/: the generated server.js, the server build and the static assets. The traced
// node_modules are left out: the package's own dependencies provide them once installed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distName = '.next-standalone';
const dist = path.join(appDir, distName);
const target = path.join(appDir, 'standalone');

// A previous copy must not be type-checked (or traced) as part of the app.
rmSync(target, { recursive: true, force: true });
const build = spawnSync(process.execPath, [path.join(appDir, 'node_modules/next/dist/bin/next'), 'build'], {
  cwd: appDir,
  stdio: 'inherit',
  env: { ...process.env, HOOKGATE_STANDALONE: '1', HOOKGATE_NEXT_DIST_DIR: distName, NEXT_TELEMETRY_DISABLED: '1' },
});
if (build.status !== 0) process.exit(build.status ?? 1);

// Next mirrors the app's place under outputFileTracingRoot (the monorepo root).
const server = path.join(dist, 'standalone', 'apps', 'dashboard');
if (!existsSync(path.join(server, 'server.js'))) throw new Error(`no standalone server in ${server}`);
rmSync(target, { recursive: true, force: true });
cpSync(path.join(server, 'server.js'), path.join(target, 'server.js'));
cpSync(path.join(server, distName), path.join(target, distName), { recursive: true });
cpSync(path.join(dist, 'static'), path.join(target, distName, 'static'), { recursive: true });
// Turbopack reaches external packages through aliases (`pg-<hash>`) that are symlinks into the
// traced node_modules left out above: each becomes a one-line package re-exporting the real one,
// which resolves from the installed package's own dependencies.
const aliases = path.join(target, distName, 'node_modules');
for (const name of existsSync(aliases) ? readdirSync(aliases) : []) {
  const alias = path.join(aliases, name);
  if (!lstatSync(alias).isSymbolicLink()) continue;
  const real = name.replace(/-[0-9a-f]{16}$/, '');
  rmSync(alias);
  mkdirSync(alias);
  writeFileSync(path.join(alias, 'package.json'), `${JSON.stringify({ name, private: true, main: 'index.js' })}\n`);
  writeFileSync(path.join(alias, 'index.js'), `module.exports = require(${JSON.stringify(real)});\n`);
}
console.log(`standalone server gathered in ${path.relative(process.cwd(), target) || '.'}`);
