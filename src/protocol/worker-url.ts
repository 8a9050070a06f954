/**
 * Where to start a worker thread whose script sits beside a module. From
 * the built `dist/` it is the `.js` sibling. From the TypeScript sources
 * (vitest, tsx), a worker cannot load `.ts` files on Node 20 (it does not
 * inherit `--import tsx` loader hooks), so the script and the modules it
 * imports are bundled once per process with esbuild (a devDependency,
 * present wherever the sources run) into
 * `node_modules/.cache/zodb-workers/<pid>/`, where bare imports such as
 * `msgpackr` still resolve; the bundle is removed when the process exits.
 *
 * @module
 */

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Bundler {
  buildSync(options: Record<string, unknown>): unknown;
}

const bundles = new Map<string, URL>();

function bundle(entry: string, baseName: string): URL {
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as Bundler;
  const nodeModules = path.resolve(path.dirname(require.resolve('msgpackr')), '..');
  const out = path.join(nodeModules, '.cache', 'zodb-workers', String(process.pid));
  fs.mkdirSync(out, { recursive: true });
  process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  const outfile = path.join(out, `${baseName}.mjs`);
  esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return pathToFileURL(outfile);
}

/**
 * The URL to pass to `new Worker` for the script `baseName` (without
 * extension) next to the module whose `import.meta.url` is `moduleUrl`.
 *
 * @example
 * ```ts
 * const worker = new Worker(workerScriptUrl(import.meta.url, 'server-worker'), { workerData });
 * ```
 */
export function workerScriptUrl(moduleUrl: string, baseName: string): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL(`./${baseName}.js`, moduleUrl);
  const source = fileURLToPath(new URL(`./${baseName}.ts`, moduleUrl));
  let url = bundles.get(source);
  if (url === undefined) {
    url = bundle(source, baseName);
    bundles.set(source, url);
  }
  return url;
}
