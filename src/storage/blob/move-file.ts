/**
 * Moving a file into place without ever exposing a half-written target.
 *
 * @module
 */

import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Moves `source` to `target`: a rename when both are on the same file
 * system; otherwise a copy to a temporary name next to `target`, renamed
 * into place, and the source removed. Either way `target` appears complete
 * or not at all.
 */
export function moveFile(source: string, target: string): void {
  try {
    renameSync(source, target);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  try {
    copyFileSync(source, partial);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  rmSync(source, { force: true });
}

/** Removes a file, ignoring one that is already gone. */
export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
