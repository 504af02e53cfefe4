// House rule: every exported function and class of core carries JSDoc with an @example.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
/** The public entry points (package.json `exports`) and the source file each is built from. */
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string }>;
};
const entries = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === 'string' ? [] : [[subpath, target.types.replace('./dist/', '').replace('.d.ts', '.ts')] as const],
);
const entryFiles = new Set(entries.map(([, file]) => file));
const files = readdirSync(srcDir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !entryFiles.has(file));

function undocumented(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(`${srcDir}${file}`, 'utf8'), ts.ScriptTarget.Latest, true);
  const documented = new Set<string>();
  const exported: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isFunctionDeclaration(statement) && !ts.isClassDeclaration(statement)) continue;
    if (!ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const name = statement.name?.text ?? '(default)';
    exported.push(name);
    // For overloads one documented signature is enough (editors show it for all).
    const docs = ts.getJSDocCommentsAndTags(statement).map((doc) => doc.getText());
    if (docs.some((text) => text.includes('@example'))) documented.add(name);
  }
  return [...new Set(exported)].filter((name) => !documented.has(name));
}

/** Functions and classes an entry point exports (through its re-exports) that lack an @example. */
let program: ts.Program | undefined;
function undocumentedExports(entryFile: string): { exported: number; missing: string[] } {
  // One program for every entry point: building it (parse + bind of the whole source tree) is
  // the slow part, a few seconds on a busy machine.
  program ??= ts.createProgram(
    entries.map(([, file]) => `${srcDir}${file}`),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(`${srcDir}${entryFile}`)!)!;
  const symbols = checker.getExportsOfModule(module);
  const missing = symbols.flatMap((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declarations = (target.declarations ?? []).filter((node) => ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node));
    if (declarations.length === 0) return [];
    const documented = declarations.some((node) => ts.getJSDocCommentsAndTags(node).some((doc) => doc.getText().includes('@example')));
    return documented ? [] : [symbol.name];
  });
  return { exported: symbols.length, missing };
}

describe('JSDoc', () => {
  it('finds the source files and the entry points', () => {
    expect(files).toContain('handler.ts');
    expect(entries.map(([subpath]) => subpath)).toEqual(['.', './adapter', './store', './provider', './testing']);
  });

  it.each(entries)(
    'entry %s (%s): exports names, each function and class with an @example',
    (_subpath, file) => {
      // Named re-exports only: every public name is a decision, visible in review.
      expect(readFileSync(`${srcDir}${file}`, 'utf8')).not.toMatch(/export \*/);
      const { exported, missing } = undocumentedExports(file);
      expect(exported).toBeGreaterThan(0);
      expect(missing).toEqual([]);
    },
    60_000,
  );

  it.each(files)('%s: every exported function and class has an @example', (file) => {
    expect(undocumented(file)).toEqual([]);
  });
});
