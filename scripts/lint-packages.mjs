#!/usr/bin/env node
// `pnpm lint:packages`: checks every publishable package as a registry user would get it.
// Each package under packages/ that is not private is packed with `pnpm pack` (the real tarball:
// workspace: and catalog: ranges rewritten, `files` applied), then the tarball is checked:
//   - publint --strict (exports, files, fields; warnings fail too);
//   - are-the-types-wrong, ESM-only profile (types resolve for every entry point);
//   - it carries LICENSE with the root's text, and no workspace:/catalog: range survived.
// Needs built dist/ folders (run after `turbo run build`). Exits 1 if any package has a problem.
// `node scripts/lint-packages.mjs packages/core …` checks only the given package folders.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const CONCURRENCY = 2;

/** The JavaScript file of a root devDependency's command, run with this Node (no `pnpm exec` per call). */
function binary(pkg, name) {
  const dir = join(root, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return join(dir, typeof bin === 'string' ? bin : bin[name]);
}
const PUBLINT = binary('publint', 'publint');
const ATTW = binary('@arethetypeswrong/cli', 'attw');

/** Runs a command; resolves with its output and whether it exited 0 (never rejects on exit code). */
async function command(file, args, cwd) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: withoutColor() });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}${error.stdout || error.stderr ? '' : error.message}` };
  }
}

function withoutColor() {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR; // picocolors turns colour on when FORCE_COLOR is set at all, even to 0
  return env;
}

function publishablePackages(folders) {
  const dir = join(root, 'packages');
  const candidates =
    folders.length > 0
      ? folders.map((folder) => resolve(folder))
      : readdirSync(dir, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(dir, entry.name));
  return candidates.flatMap((path) => {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
    } catch {
      return [];
    }
    return manifest.private ? [] : [{ path, name: manifest.name }];
  });
}

const license = readFileSync(join(root, 'LICENSE'), 'utf8');

async function check(pkg, workDir) {
  const problems = [];
  const destination = mkdtempSync(join(workDir, 'pack-'));
  const packed = await command('pnpm', ['pack', '--pack-destination', destination], pkg.path);
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  if (!packed.ok || !tarball) return [`pnpm pack failed:\n${packed.output}`];
  const file = join(destination, tarball);

  const unpacked = mkdtempSync(join(workDir, 'unpacked-'));
  const untar = await command('tar', ['-xzf', file, '-C', unpacked], root);
  if (!untar.ok) return [`cannot unpack ${tarball}:\n${untar.output}`];
  let packedLicense = '';
  try {
    packedLicense = readFileSync(join(unpacked, 'package', 'LICENSE'), 'utf8');
  } catch {
    problems.push('the tarball has no LICENSE (copy the root LICENSE into the package folder)');
  }
  if (packedLicense && packedLicense !== license) problems.push("the tarball's LICENSE differs from the root LICENSE");
  const manifest = readFileSync(join(unpacked, 'package', 'package.json'), 'utf8');
  const leftover = manifest.match(/"(?:workspace|catalog):[^"]*"/g);
  if (leftover) problems.push(`package.json still has ${[...new Set(leftover)].join(', ')} after packing`);

  const [publint, attw] = await Promise.all([
    command(process.execPath, [PUBLINT, 'run', file, '--strict'], root),
    command(process.execPath, [ATTW, file, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color'], root),
  ]);
  if (!publint.ok || /\b(Warnings?|Errors?):/.test(publint.output)) problems.push(`publint --strict:\n${publint.output.trim()}`);
  // attw exits 0 for a package without types; every package here ships them.
  if (!attw.ok || /does not contain types/.test(attw.output)) problems.push(`are-the-types-wrong (esm-only):\n${attw.output.trim()}`);
  return problems;
}

async function main() {
  const packages = publishablePackages(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), 'hookgate-lint-packages-'));
  const failures = [];
  try {
    const queue = [...packages];
    const worker = async () => {
      for (let pkg = queue.shift(); pkg; pkg = queue.shift()) {
        const problems = await check(pkg, workDir);
        if (problems.length === 0) console.log(`ok    ${pkg.name}`);
        else {
          console.log(`FAIL  ${pkg.name}`);
          failures.push({ pkg, problems });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  for (const { pkg, problems } of failures) {
    console.error(`\n── ${pkg.name} (${pkg.path})`);
    for (const problem of problems) console.error(`  - ${problem.replaceAll('\n', '\n    ')}`);
  }
  console.log(
    failures.length === 0
      ? `lint:packages: all ${packages.length} publishable packages are clean (publint --strict, attw esm-only, LICENSE)`
      : `lint:packages: problems in ${failures.length} of ${packages.length} publishable packages`,
  );
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
