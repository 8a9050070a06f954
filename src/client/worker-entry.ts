/**
 * How to start the client's network worker: the built `.js` module
 * directly, or, when the library runs from its TypeScript sources (tests,
 * `tsx` scripts), a one-file bundle of the worker's modules made once per
 * process with esbuild (a devDependency, present wherever the sources
 * run). Loading tsx inside every worker instead costs about 2 s of CPU per
 * worker on the 2-core test machines, and on Node 20 a worker does not
 * inherit `--import tsx` loader hooks at all.
 *
 * The bundle goes under `node_modules/.cache/zodb-client-worker/<pid>/`
 * (bare imports such as `msgpackr` resolve from there) and is removed when
 * the process exits.
 *
 * @internal
 * @module
 */

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Bundler {
  buildSync(options: Record<string, unknown>): unknown;
}

const builds = new Map<string, URL>();

/** Bundles `entry` (a .ts path) and the modules it imports into one .mjs file; returns its path. */
function buildFromSources(entry: string, baseName: string): string {
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as Bundler;
  const nodeModules = path.resolve(path.dirname(require.resolve('msgpackr')), '..');
  const out = path.join(nodeModules, '.cache', 'zodb-client-worker', String(process.pid));
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
  return outfile;
}

/** The URL of the worker module `baseName` beside this module, built from sources when needed. */
export function workerEntry(baseName: string): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL(`./${baseName}.js`, import.meta.url);
  let url = builds.get(baseName);
  if (url === undefined) {
    const source = fileURLToPath(new URL(`./${baseName}.ts`, import.meta.url));
    url = pathToFileURL(buildFromSources(source, baseName));
    builds.set(baseName, url);
  }
  return url;
}
