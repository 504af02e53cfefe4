// House rule: every exported function and class of core carries JSDoc with an @example.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const files = readdirSync(srcDir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'index.ts');

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

describe('JSDoc', () => {
  it('finds the source files', () => {
    expect(files).toContain('handler.ts');
  });

  it.each(files)('%s: every exported function and class has an @example', (file) => {
    expect(undocumented(file)).toEqual([]);
  });
});
