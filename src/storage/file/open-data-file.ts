/**
 * Opening a Data.fs: the writer lock, creating or checking the file, the
 * index (loaded from `Data.fs.index` when it still matches the file, else
 * rebuilt by scanning and saved again), and crash recovery of an incomplete
 * last transaction (truncated on a writable open, ignored read-only).
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptedDataError } from '../../errors.js';
import type { Tid } from '../../ids.js';
import { ZERO_TID } from '../../ids.js';
import { DataFile, syncDirectory } from './data-file.js';
import {
  DATA_HEADER_BYTES,
  FILE_HEADER_BYTES,
  FILE_MAGIC,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  dataRecordBytes,
  decodeDataHeader,
  decodeTransactionHeader,
  readPosition,
  transactionMetadataBytes,
} from './format.js';
import type { SavedIndex } from './index-file.js';
import { loadIndexFile, saveIndexFile } from './index-file.js';
import { INDEX_SANITY_RECORDS_CHECKED } from './limits.js';
import type { HeldLock } from './lock-file.js';
import { acquireLockFile } from './lock-file.js';
import { OidIndex } from './oid-index.js';
import type { ResolvedFileStorageOptions } from './options.js';
import type { ScanResult } from './scanner.js';
import { checkMagic, scanTransactions } from './scanner.js';

/** The names of a Data.fs and its companion files. */
export interface StoragePaths {
  readonly data: string;
  readonly index: string;
  readonly lock: string;
  readonly tmp: string;
  readonly pack: string;
  readonly old: string;
}

/** The companion file names of `dataPath` (ZODB's suffixes). */
export function storagePaths(dataPath: string): StoragePaths {
  return {
    data: dataPath,
    index: `${dataPath}.index`,
    lock: `${dataPath}.lock`,
    tmp: `${dataPath}.tmp`,
    pack: `${dataPath}.pack`,
    old: `${dataPath}.old`,
  };
}

/** How the index was obtained, for tests and tools. */
export type IndexSource = 'saved' | 'saved+scan' | 'scan';

/** An opened Data.fs with its index; see {@link openDataFile}. */
export interface OpenedDataFile {
  readonly file: DataFile;
  readonly lock: HeldLock | undefined;
  readonly index: OidIndex;
  readonly deleted: OidIndex;
  /** Position after the last complete transaction. */
  readonly end: number;
  readonly lastTid: Tid;
  readonly indexSource: IndexSource;
  /** Bytes of an incomplete last transaction that were cut off (writable) or ignored (read-only). */
  readonly tailBytes: number;
}

/** Opens `paths.data` as the options say; see the module comment. */
export function openDataFile(
  paths: StoragePaths,
  options: ResolvedFileStorageOptions,
): OpenedDataFile {
  const lock = options.readOnly ? undefined : acquireLockFile(paths.lock, paths.data);
  try {
    // A first-phase file left by a killed writer holds nothing committed.
    if (lock !== undefined) fs.rmSync(paths.tmp, { force: true });
    const file = openOrCreate(paths, options);
    try {
      return loadIndex(file, lock, paths, options);
    } catch (error) {
      file.release();
      throw error;
    }
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function openOrCreate(paths: StoragePaths, options: ResolvedFileStorageOptions): DataFile {
  if (options.readOnly) return DataFile.open(paths.data, 'read');
  if (options.create || !fs.existsSync(paths.data)) {
    fs.rmSync(paths.index, { force: true });
    const file = DataFile.open(paths.data, 'create');
    file.write(FILE_MAGIC, 0);
    file.datasync();
    syncDirectory(path.dirname(paths.data));
    return file;
  }
  const file = DataFile.open(paths.data, 'write');
  if (file.size() === 0) file.write(FILE_MAGIC, 0);
  return file;
}

function loadIndex(
  file: DataFile,
  lock: HeldLock | undefined,
  paths: StoragePaths,
  options: ResolvedFileStorageOptions,
): OpenedDataFile {
  const size = file.size();
  if (size === 0) {
    return {
      file,
      lock,
      index: new OidIndex(),
      deleted: new OidIndex(),
      end: FILE_HEADER_BYTES,
      lastTid: ZERO_TID,
      indexSource: 'scan',
      tailBytes: 0,
    };
  }
  checkMagic(file);
  let saved = loadIndexFile(paths.index);
  if (saved !== undefined && !savedIndexMatches(file, saved, size, options.stop)) saved = undefined;
  const index = saved?.index ?? new OidIndex();
  const deleted = saved?.deleted ?? new OidIndex();
  const from = saved?.end ?? FILE_HEADER_BYTES;
  const result: ScanResult = scanTransactions(
    file,
    { index, deleted },
    {
      from,
      lastTid: saved?.lastTid ?? ZERO_TID,
      stop: options.stop,
      size,
      concurrentWriter: options.readOnly,
    },
  );
  let tailBytes = 0;
  if (result.stoppedBy.kind === 'tail') {
    tailBytes = size - result.end;
    if (!options.readOnly) {
      file.truncate(result.end);
      file.datasync();
    }
  }
  file.cacheableEnd = result.end;
  const indexSource: IndexSource =
    saved === undefined ? 'scan' : result.transactions === 0 ? 'saved' : 'saved+scan';
  if (!options.readOnly && indexSource !== 'saved') {
    saveIndexFile(paths.index, { end: result.end, lastTid: result.lastTid, index, deleted });
  }
  return {
    file,
    lock,
    index,
    deleted,
    end: result.end,
    lastTid: result.lastTid,
    indexSource,
    tailBytes,
  };
}

/**
 * True when the Data.fs still has a transaction with the saved tid ending
 * at the saved position, and the first records of that transaction agree
 * with the saved index (ZODB's `_sane` check).
 */
function savedIndexMatches(
  file: DataFile,
  saved: SavedIndex,
  size: number,
  stop: Tid | undefined,
): boolean {
  if (stop !== undefined && saved.lastTid >= stop) return false;
  if (saved.end === FILE_HEADER_BYTES) return saved.lastTid === ZERO_TID && saved.index.size === 0;
  if (saved.end < FILE_HEADER_BYTES + TRANSACTION_HEADER_BYTES || saved.end > size) return false;
  try {
    const trailer = file.readExactly(
      saved.end - TRANSACTION_TRAILER_BYTES,
      8,
      'transaction trailer',
    );
    const length = readPosition(trailer, 0);
    const tpos = saved.end - TRANSACTION_TRAILER_BYTES - length;
    if (!(tpos >= FILE_HEADER_BYTES)) return false;
    const header = decodeTransactionHeader(
      file.readExactly(tpos, TRANSACTION_HEADER_BYTES, 'header'),
    );
    if (header.tid !== saved.lastTid || header.length !== length) return false;
    if (header.status !== Status.committed && header.status !== Status.packed) return false;
    const tend = tpos + length;
    let pos = tpos + transactionMetadataBytes(header);
    for (let checked = 0; pos < tend && checked < INDEX_SANITY_RECORDS_CHECKED; checked++) {
      const h = decodeDataHeader(file.readExactly(pos, DATA_HEADER_BYTES, 'data header'));
      const indexed = saved.index.get(h.oid);
      if (h.tloc !== tpos || indexed === undefined || indexed < pos || indexed >= tend)
        return false;
      pos += dataRecordBytes(h.dataBytes);
    }
    return true;
  } catch (error) {
    if (error instanceof CorruptedDataError) return false;
    throw error;
  }
}
