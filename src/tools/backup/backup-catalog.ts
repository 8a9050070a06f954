/**
 * The backup repository's layout (repozo's, with SHA-256 checksums):
 *
 * ```
 * 2024-05-01-10-00-00-000.fs        a full backup: bytes [0, end) of Data.fs
 * 2024-05-01-10-00-00-000.dat       its catalog: one line per backup file of the chain
 * 2024-05-02-10-00-00-000.deltafs   an incremental backup: bytes [start, end)
 * ```
 *
 * Compressed files end in `.fsz` / `.deltafsz` (gzip). A catalog line is
 * `<file name> <start> <end> <sha-256 of the uncompressed bytes, hex>`;
 * the file names carry the UTC time of the backup, which is what a restore
 * to a date compares with. Each full backup starts a new catalog.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptedDataError } from '../../errors.js';

/** One backup file of a chain. */
export interface BackupEntry {
  /** File name inside the repository. */
  readonly file: string;
  /** Position in the data file of the first byte it holds. */
  readonly start: number;
  /** Position after the last byte it holds. */
  readonly end: number;
  /** SHA-256 of the bytes (uncompressed), lower-case hex. */
  readonly checksum: string;
  /** When the backup was made (from the file name). */
  readonly date: Date;
  /** Whether the file is gzip-compressed. */
  readonly compressed: boolean;
}

/** A full backup and the incremental backups made on top of it. */
export interface BackupCatalog {
  /** Path of the `.dat` file. */
  readonly path: string;
  /** When the full backup was made. */
  readonly date: Date;
  /** The chain, oldest (the full backup) first. */
  readonly entries: readonly BackupEntry[];
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{3})$/;
const FILE_NAME = /^(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3})\.(fs|fsz|deltafs|deltafsz|dat)$/;

/** The stamp of a date: `YYYY-MM-DD-HH-MM-SS-mmm`, UTC. */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/[T:.]/g, '-').replace(/Z$/, '');
}

/** The date of a stamp, or `undefined` if it is not one. */
export function dateOfStamp(stamp: string): Date | undefined {
  const m = STAMP.exec(stamp);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!));
}

/** The file name of a backup made at `date`. */
export function backupFileName(
  date: Date,
  kind: 'full' | 'incremental',
  compressed: boolean,
): string {
  const extension = kind === 'full' ? 'fs' : 'deltafs';
  return `${stampOf(date)}.${extension}${compressed ? 'z' : ''}`;
}

/** The catalogs of `repository`, oldest first (none for an empty or missing directory). */
export function listCatalogs(repository: string): BackupCatalog[] {
  let names: string[];
  try {
    names = fs.readdirSync(repository);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => FILE_NAME.exec(name)?.[2] === 'dat')
    .sort()
    .map((name) => readCatalog(path.join(repository, name)));
}

/**
 * Reads one catalog.
 *
 * @throws CorruptedDataError naming the catalog and line of a malformed entry.
 */
export function readCatalog(catalogPath: string): BackupCatalog {
  const text = fs.readFileSync(catalogPath, 'utf8');
  const entries: BackupEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    entries.push(parseEntry(line, `${catalogPath} line ${i + 1}`));
  });
  const date = dateOfStamp(path.basename(catalogPath, '.dat'));
  if (date === undefined)
    throw new CorruptedDataError('not a backup catalog name', { path: catalogPath });
  return { path: catalogPath, date, entries };
}

function parseEntry(line: string, where: string): BackupEntry {
  const parts = line.trim().split(/\s+/);
  const name = FILE_NAME.exec(parts[0] ?? '');
  const start = Number(parts[1]);
  const end = Number(parts[2]);
  const checksum = parts[3] ?? '';
  if (
    parts.length !== 4 ||
    name === null ||
    name[2] === 'dat' ||
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(end) ||
    !(start >= 0 && start < end) ||
    !/^[0-9a-f]{64}$/.test(checksum)
  ) {
    throw new CorruptedDataError(
      `malformed backup catalog entry "${line}" at ${where}; expected "file start end sha256"`,
    );
  }
  return {
    file: parts[0]!,
    start,
    end,
    checksum,
    date: dateOfStamp(name[1]!)!,
    compressed: name[2]!.endsWith('z'),
  };
}

/** The catalog line of an entry. */
export function formatEntry(
  entry: Pick<BackupEntry, 'file' | 'start' | 'end' | 'checksum'>,
): string {
  return `${entry.file} ${entry.start} ${entry.end} ${entry.checksum}\n`;
}
