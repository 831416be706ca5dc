/**
 * Test helper: compile a src/ module and everything it imports (relative specifiers) to plain
 * ESM JavaScript in a folder, so a spawned `node` child can run the real code without a build
 * (Node 20 cannot load .ts, and dist/ may be stale while tests run).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Returns the path of the compiled entry (a .js file inside outDir). */
export function transpileForChild(entry: string, outDir: string): string {
  const start = resolve(SRC, entry);
  const todo = [start];
  const done = new Set<string>();
  while (todo.length) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    for (const imp of ts.preProcessFile(source, true, true).importedFiles) {
      if (imp.fileName.startsWith('.')) todo.push(resolve(dirname(file), imp.fileName.replace(/\.js$/, '.ts')));
    }
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    }).outputText;
    const dest = join(outDir, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, out);
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  return join(outDir, relative(SRC, start)).replace(/\.ts$/, '.js');
}
