/**
 * {@link backupFileStorage}: full and incremental backups of a Data.fs
 * (repozo's `-B`). A Data.fs only grows between packs, so an incremental
 * backup copies just the bytes added since the last backup, after checking
 * that the bytes already backed up are still those in the file. When they
 * are not (the file was packed or replaced), a full backup starts a new
 * chain. Layout and catalog format: `backup-catalog.ts`.
 *
 * The end of the copy is the end of the last complete transaction, taken
 * from a read-only open of the storage, so a backup taken while a writer
 * commits never holds part of a transaction.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStorage } from '../../storage/file/file-storage.js';
import type { ProgressCallback } from '../progress.js';
import type { BackupCatalog, BackupEntry } from './backup-catalog.js';
import { backupFileName, formatEntry, listCatalogs, stampOf } from './backup-catalog.js';
import { copyFileRange, measureFileRange } from './byte-streams.js';

/** Options of {@link backupFileStorage}. */
export interface BackupOptions {
  /** Always make a full backup (start a new chain). Default false. */
  readonly full?: boolean;
  /**
   * Check only the last backup file against the data file before an
   * incremental backup (repozo's `--quick`), instead of every file of the
   * chain. Faster; misses changes before the last file. Default false.
   */
  readonly quick?: boolean;
  /** gzip-compress the backup file. Default false. */
  readonly compress?: boolean;
  /** The time to name the backup by (default now). */
  readonly now?: Date;
  /** Progress in bytes, of verifying and then of copying. */
  readonly onProgress?: ProgressCallback;
}

/** What {@link backupFileStorage} did. */
export interface BackupReport {
  /** `unchanged`: nothing was committed since the last backup; no file was written. */
  readonly kind: 'full' | 'incremental' | 'unchanged';
  /** Why a full backup was made (when not asked for), e.g. the file was packed. */
  readonly reason: string | undefined;
  /** The catalog of the chain. */
  readonly catalog: string;
  /** The new backup file (path), `undefined` when unchanged. */
  readonly file: string | undefined;
  readonly start: number;
  readonly end: number;
  /** SHA-256 of the bytes copied, when a file was written. */
  readonly checksum: string | undefined;
}

/**
 * Backs up the Data.fs at `dataPath` into the directory `repository`
 * (created if missing).
 *
 * @throws StorageSystemError when the data file cannot be opened;
 *   CorruptedDataError when it is damaged; I/O errors of the repository.
 *   (The storage is opened read-only: a running writer does not prevent a backup.)
 */
export async function backupFileStorage(
  dataPath: string,
  repository: string,
  options: BackupOptions = {},
): Promise<BackupReport> {
  const end = await committedEnd(dataPath);
  fs.mkdirSync(repository, { recursive: true });
  const now = uniqueTime(repository, options.now ?? new Date());
  const latest = listCatalogs(repository).at(-1);
  const reason =
    options.full === true
      ? undefined
      : await fullBackupReason(dataPath, end, latest, options.quick === true, options.onProgress);
  if (options.full === true || reason !== undefined) {
    return writeFull(dataPath, repository, end, now, reason, options);
  }
  const chain = latest!;
  const last = chain.entries.at(-1)!;
  if (last.end === end) {
    return {
      kind: 'unchanged',
      reason: undefined,
      catalog: chain.path,
      file: undefined,
      start: end,
      end,
      checksum: undefined,
    };
  }
  const file = path.join(repository, backupFileName(now, 'incremental', options.compress === true));
  const copied = await copyFileRange(dataPath, last.end, end, file, {
    compress: options.compress === true,
    onProgress: options.onProgress,
  });
  appendLine(
    chain.path,
    formatEntry({ file: path.basename(file), start: last.end, end, checksum: copied.checksum }),
  );
  return {
    kind: 'incremental',
    reason: undefined,
    catalog: chain.path,
    file,
    start: last.end,
    end,
    checksum: copied.checksum,
  };
}

/** Why the next backup cannot be incremental, or `undefined` when it can. */
async function fullBackupReason(
  dataPath: string,
  end: number,
  latest: BackupCatalog | undefined,
  quick: boolean,
  onProgress: ProgressCallback | undefined,
): Promise<string | undefined> {
  const last = latest?.entries.at(-1);
  if (latest === undefined || last === undefined) return 'there is no earlier backup';
  if (end < last.end)
    return 'the data file is shorter than the last backup (it was packed or replaced)';
  const toCheck: readonly BackupEntry[] = quick ? [last] : latest.entries;
  for (const entry of toCheck) {
    const measured = await measureFileRange(dataPath, entry.start, entry.end);
    onProgress?.(entry.end, last.end);
    if (measured.checksum !== entry.checksum) {
      return `bytes ${entry.start}..${entry.end} of the data file no longer match backup ${entry.file} (it was packed or replaced)`;
    }
  }
  return undefined;
}

async function writeFull(
  dataPath: string,
  repository: string,
  end: number,
  now: Date,
  reason: string | undefined,
  options: BackupOptions,
): Promise<BackupReport> {
  const file = path.join(repository, backupFileName(now, 'full', options.compress === true));
  const catalog = path.join(repository, `${stampOf(now)}.dat`);
  const copied = await copyFileRange(dataPath, 0, end, file, {
    compress: options.compress === true,
    onProgress: options.onProgress,
  });
  appendLine(
    catalog,
    formatEntry({ file: path.basename(file), start: 0, end, checksum: copied.checksum }),
  );
  return { kind: 'full', reason, catalog, file, start: 0, end, checksum: copied.checksum };
}

/** The end of the last complete transaction of the Data.fs. */
async function committedEnd(dataPath: string): Promise<number> {
  const storage = await FileStorage.open(dataPath, { readOnly: true });
  try {
    return storage.getSize();
  } finally {
    await storage.close();
  }
}

/** `now`, moved forward by milliseconds until no backup file of the repository has its stamp. */
function uniqueTime(repository: string, now: Date): Date {
  const taken = new Set(fs.readdirSync(repository).map((name) => name.split('.')[0]));
  let time = now.getTime();
  while (taken.has(stampOf(new Date(time)))) time++;
  return new Date(time);
}

/** Appends a line to a catalog and syncs it. */
function appendLine(catalog: string, line: string): void {
  const fd = fs.openSync(catalog, 'a');
  try {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
