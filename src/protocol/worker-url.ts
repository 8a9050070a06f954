/**
 * Where to start a worker thread whose script sits beside a module, under
 * both the TypeScript sources (vitest, tsx: the module is a `.ts` file and
 * the worker needs the tsx loader) and the built `dist/` (a `.js` sibling).
 *
 * @module
 */

/** The script URL and `execArgv` to pass to `new Worker`. */
export interface WorkerScript {
  readonly url: URL;
  readonly execArgv: string[];
}

/**
 * The worker script `baseName` (without extension) next to the module whose
 * `import.meta.url` is `moduleUrl`.
 *
 * @example
 * ```ts
 * const { url, execArgv } = workerScript(import.meta.url, 'server-worker');
 * const worker = new Worker(url, { execArgv, workerData });
 * ```
 */
export function workerScript(moduleUrl: string, baseName: string): WorkerScript {
  if (!moduleUrl.endsWith('.ts')) {
    return { url: new URL(`./${baseName}.js`, moduleUrl), execArgv: [...process.execArgv] };
  }
  const execArgv = [...process.execArgv];
  if (!hasImport(execArgv, 'tsx')) execArgv.push('--import', 'tsx');
  if (!execArgv.includes('--conditions=source')) execArgv.push('--conditions=source');
  return { url: new URL(`./${baseName}.ts`, moduleUrl), execArgv };
}

function hasImport(execArgv: readonly string[], specifier: string): boolean {
  return execArgv.some(
    (arg, i) =>
      arg === `--import=${specifier}` || (arg === '--import' && execArgv[i + 1] === specifier),
  );
}
