import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Child processes run `node` on dist/, so make sure dist reflects src before any test starts. */
export default function setup(): void {
  const built = mtime(join(packageDir, 'dist', 'index.js'));
  const sources = readdirSync(join(packageDir, 'src')).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  const newest = Math.max(...sources.map((name) => mtime(join(packageDir, 'src', name))));
  if (built >= newest) return;
  execFileSync(process.execPath, [join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: packageDir,
    stdio: 'inherit',
  });
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
