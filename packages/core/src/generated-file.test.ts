import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { emitGeneratedFile } from './generated-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hookgate-generated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const target = pathToFileURL(join(dir, 'validators.generated.ts'));

describe('emitGeneratedFile()', () => {
  it('writes the text, then --check passes while the file is unchanged and exits 1 naming the command once it drifts', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    try {
      emitGeneratedFile(target, 'export const a = 1;\n', 'pnpm generate', ['node', 'script']);
      expect(readFileSync(target, 'utf8')).toBe('export const a = 1;\n');
      expect(() => emitGeneratedFile(target, 'export const a = 1;\n', 'pnpm generate', ['node', 'script', '--check'])).not.toThrow();
      writeFileSync(target, 'export const a = 2;\n');
      expect(() => emitGeneratedFile(target, 'export const a = 1;\n', 'pnpm generate', ['node', 'script', '--check'])).toThrow('exit 1');
      expect(error).toHaveBeenCalledWith(expect.stringContaining('out of date: run `pnpm generate`'));
      expect(readFileSync(target, 'utf8')).toBe('export const a = 2;\n'); // --check never writes
      rmSync(target);
      expect(() => emitGeneratedFile(target, 'x', 'pnpm generate', ['--check'])).toThrow('exit 1');
    } finally {
      log.mockRestore();
      error.mockRestore();
      exit.mockRestore();
    }
  });
});
