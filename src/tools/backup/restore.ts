/**
 * {@link restoreFileStorage}: rebuilds a Data.fs from a backup chain
 * (repozo's `-R`), as of the latest backup or of a given date, checking
 * every file's length and checksum on the way. The output is written to a
 * temporary file and renamed into place only when complete and verified.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptedDataError } from '../../errors.js';
import type { ProgressCallback } from '../progress.js';
import type { BackupCatalog, BackupEntry } from './backup-catalog.js';
import { listCatalogs } from './backup-catalog.js';
import { BackupError } from './backup-error.js';
import { finishOutput, readBackupFile } from './byte-streams.js';

/** Options of {@link restoreFileStorage}. */
export interface RestoreOptions {
  /** Restore the state as of this time: the backups made at or before it. Default: the latest. */
  readonly date?: Date;
  /** Replace an existing output file (and remove its stale `.index`). Default false. */
  readonly overwrite?: boolean;
  /** Progress in bytes written. */
  readonly onProgress?: ProgressCallback;
}

/** What {@link restoreFileStorage} did. */
export interface RestoreReport {
  readonly output: string;
  /** The catalog of the chain used. */
  readonly catalog: string;
  /** The backup files used, oldest first. */
  readonly files: readonly string[];
  /** Size of the restored file. */
  readonly bytes: number;
  /** When the last backup file used was made. */
  readonly date: Date;
}

/**
 * Restores the Data.fs backed up in `repository` into `output`.
 *
 * @throws BackupError when there is no backup (old enough), the chain has a
 *   gap, or `output` exists without `overwrite`; CorruptedDataError (with
 *   the file's path) when a backup file is missing bytes or its checksum
 *   does not match.
 */
export async function restoreFileStorage(
  repository: string,
  output: string,
  options: RestoreOptions = {},
): Promise<RestoreReport> {
  const { catalog, entries } = chooseChain(repository, options.date);
  if (fs.existsSync(output) && options.overwrite !== true) {
    throw new BackupError(repository, `the output ${output} exists; pass overwrite to replace it`);
  }
  const temporary = `${output}.restoring`;
  const handle = await fs.promises.open(temporary, 'w');
  const total = entries.at(-1)!.end;
  try {
    let position = 0;
    for (const entry of entries) {
      if (entry.start !== position) {
        throw new BackupError(
          repository,
          `the chain of ${path.basename(catalog.path)} has a gap: ${entry.file} starts at ${entry.start}, expected ${position}`,
        );
      }
      await restoreEntry(repository, entry, handle, (bytes) =>
        options.onProgress?.(position + bytes, total),
      );
      position = entry.end;
    }
    await finishOutput(handle);
  } catch (error) {
    await handle.close().catch(() => undefined);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fs.rmSync(`${output}.index`, { force: true });
  fs.renameSync(temporary, output);
  return {
    output,
    catalog: catalog.path,
    files: entries.map((e) => path.join(repository, e.file)),
    bytes: total,
    date: entries.at(-1)!.date,
  };
}

/** The catalog and the entries to restore for `date` (default: the latest). */
function chooseChain(
  repository: string,
  date: Date | undefined,
): { catalog: BackupCatalog; entries: BackupEntry[] } {
  const catalogs = listCatalogs(repository).filter((c) => date === undefined || c.date <= date);
  const catalog = catalogs.at(-1);
  if (catalog === undefined) {
    throw new BackupError(
      repository,
      date === undefined
        ? 'no backup to restore'
        : `no backup made at or before ${date.toISOString()}`,
    );
  }
  const entries = catalog.entries.filter((e) => date === undefined || e.date <= date);
  if (entries.length === 0)
    throw new BackupError(repository, `the catalog ${catalog.path} lists no backup file`);
  return { catalog, entries };
}

async function restoreEntry(
  repository: string,
  entry: BackupEntry,
  handle: fs.promises.FileHandle,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const file = path.join(repository, entry.file);
  if (!fs.existsSync(file))
    throw new CorruptedDataError('the backup file is missing', { path: file });
  let measured;
  try {
    measured = await readBackupFile(file, entry.compressed, handle, onBytes);
  } catch (error) {
    throw new CorruptedDataError(`the backup file cannot be read: ${(error as Error).message}`, {
      path: file,
      cause: error,
    });
  }
  const expected = entry.end - entry.start;
  if (measured.bytes !== expected) {
    throw new CorruptedDataError(
      `the backup file holds ${measured.bytes} bytes, its catalog says ${expected}`,
      { path: file },
    );
  }
  if (measured.checksum !== entry.checksum) {
    throw new CorruptedDataError('the backup file does not match the checksum in its catalog', {
      path: file,
    });
  }
}
