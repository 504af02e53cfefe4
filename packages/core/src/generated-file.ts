import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What a generate script does with the text it generated: writes it to `target`, or with
 * `--check` among `argv` (how CI and the package's tests run it) compares it with the checked-in
 * file and exits 1, naming the command to run, when the file is stale. Node only (`node:fs`).
 *
 * @example
 * ```ts
 * // scripts/generate-validators.mjs
 * import { emitGeneratedFile } from '@hookgate/core/testing';
 * emitGeneratedFile(new URL('../src/validators.generated.ts', import.meta.url), source, 'pnpm generate');
 * // node scripts/generate-validators.mjs --check → exit 1 when src/validators.generated.ts drifted
 * ```
 */
export function emitGeneratedFile(target: URL, text: string, regenerate: string, argv: readonly string[] = process.argv): void {
  const path = fileURLToPath(target);
  if (argv.includes('--check')) {
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== text) {
      console.error(`${path} is out of date: run \`${regenerate}\``);
      process.exit(1);
    }
    return;
  }
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
