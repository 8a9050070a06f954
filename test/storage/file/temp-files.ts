/**
 * Temporary Data.fs paths for FileStorage tests: one directory per test
 * file, one subdirectory per storage, all removed after the file's tests.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

/** Registers cleanup and returns a function making fresh Data.fs paths. */
export function useTempDataPaths(prefix: string): () => string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  let counter = 0;
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  return () => {
    const directory = path.join(root, String(++counter));
    fs.mkdirSync(directory);
    return path.join(directory, 'Data.fs');
  };
}
