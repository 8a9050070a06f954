/**
 * {@link verifyBackups}: checks every backup file of a repository against
 * its catalog (repozo's `-V`): present, of the recorded length, with the
 * recorded checksum, and chained without gaps.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProgressCallback } from '../progress.js';
import { listCatalogs } from './backup-catalog.js';
import { readBackupFile } from './byte-streams.js';

/** One problem found by {@link verifyBackups}. */
export interface BackupProblem {
  /** The catalog and backup file concerned. */
  readonly catalog: string;
  readonly file: string;
  readonly message: string;
}

/** The result of {@link verifyBackups}. */
export interface BackupVerification {
  readonly catalogs: number;
  readonly files: number;
  /** Uncompressed bytes checked. */
  readonly bytes: number;
  readonly problems: readonly BackupProblem[];
}

/** Verifies every chain of `repository`. Reads every backup file once. */
export async function verifyBackups(
  repository: string,
  options: { readonly onProgress?: ProgressCallback } = {},
): Promise<BackupVerification> {
  const catalogs = listCatalogs(repository);
  const problems: BackupProblem[] = [];
  const total = catalogs.reduce((sum, c) => sum + (c.entries.at(-1)?.end ?? 0), 0);
  let files = 0;
  let bytes = 0;
  for (const catalog of catalogs) {
    let position = 0;
    for (const entry of catalog.entries) {
      files++;
      const problem = (message: string) =>
        problems.push({ catalog: catalog.path, file: entry.file, message });
      if (entry.start !== position)
        problem(`starts at ${entry.start}, the chain is at ${position}`);
      position = entry.end;
      const file = path.join(repository, entry.file);
      if (!fs.existsSync(file)) {
        problem('is missing');
        continue;
      }
      try {
        const measured = await readBackupFile(file, entry.compressed);
        bytes += measured.bytes;
        if (measured.bytes !== entry.end - entry.start) {
          problem(`holds ${measured.bytes} bytes, the catalog says ${entry.end - entry.start}`);
        } else if (measured.checksum !== entry.checksum) {
          problem('does not match its checksum');
        }
      } catch (error) {
        problem(`cannot be read: ${(error as Error).message}`);
      }
      options.onProgress?.(Math.min(bytes, total), total);
    }
  }
  return { catalogs: catalogs.length, files, bytes, problems };
}
