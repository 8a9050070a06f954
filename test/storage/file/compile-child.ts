/**
 * Compiles a TypeScript child-process script and every module it imports
 * (relative imports, followed recursively) to JavaScript with the project's
 * TypeScript compiler (`transpileModule`), so tests can start many child
 * processes with plain `node` instead of `node --import tsx`: starting tsx
 * costs 0.4 to 0.9 s of CPU per process on the 2-core test machines, which
 * a test with hundreds of child processes cannot afford.
 *
 * The output goes under `node_modules/.cache/` (so bare imports such as
 * `msgpackr` resolve from the repository's node_modules) and is rebuilt
 * once per test process.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const IMPORT_PATTERN = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** Compiles `script` (an absolute .ts path) and returns the path of its .js build. */
export function compileChildScript(script: string): string {
  const out = path.join(
    REPOSITORY,
    'node_modules',
    '.cache',
    'zodb-test-children',
    String(process.pid),
  );
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  const seen = new Set<string>();
  const todo = [script];
  while (todo.length > 0) {
    const source = todo.pop()!;
    if (seen.has(source)) continue;
    seen.add(source);
    const text = fs.readFileSync(source, 'utf8');
    for (const match of text.matchAll(IMPORT_PATTERN)) {
      const target = path.resolve(path.dirname(source), match[1]!).replace(/\.js$/, '.ts');
      if (fs.existsSync(target)) todo.push(target);
    }
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: source,
    });
    const destination = path.join(out, path.relative(REPOSITORY, source)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    fs.writeFileSync(destination, outputText);
  }
  return path.join(out, path.relative(REPOSITORY, script)).replace(/\.ts$/, '.js');
}

/** Removes the builds of this process. */
export function removeCompiledChildren(): void {
  const out = path.join(
    REPOSITORY,
    'node_modules',
    '.cache',
    'zodb-test-children',
    String(process.pid),
  );
  fs.rmSync(out, { recursive: true, force: true });
}
