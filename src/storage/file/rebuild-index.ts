/**
 * Rebuilding the index of a Data.fs by scanning it, without opening a
 * storage and without changing any file: what an open does when
 * `Data.fs.index` is missing or stale, offered to tools and tests (for
 * example to compare with a saved index).
 *
 * @module
 */

import type { Tid } from '../../ids.js';
import { ZERO_TID } from '../../ids.js';
import { DataFile } from './data-file.js';
import { FILE_HEADER_BYTES } from './format.js';
import { OidIndex } from './oid-index.js';
import { checkMagic, scanTransactions } from './scanner.js';

/** The result of {@link rebuildIndex}. */
export interface RebuiltIndex {
  /** oid -> position of its newest record. */
  readonly index: OidIndex;
  /** oids whose newest record is a deletion. */
  readonly deleted: OidIndex;
  /** Position after the last complete transaction. */
  readonly end: number;
  /** Tid of the last complete transaction (0 when none). */
  readonly lastTid: Tid;
  /** Bytes of an unfinished last transaction (left as they are). */
  readonly tailBytes: number;
}

/**
 * Scans `dataPath` read-only up to `end` (default: the whole file) and
 * returns its index. Throws CorruptedDataError for a damaged file.
 */
export function rebuildIndex(dataPath: string, options: { end?: number } = {}): RebuiltIndex {
  const file = DataFile.open(dataPath, 'read');
  try {
    const size = options.end ?? file.size();
    const index = new OidIndex();
    const deleted = new OidIndex();
    if (size === 0)
      return { index, deleted, end: FILE_HEADER_BYTES, lastTid: ZERO_TID, tailBytes: 0 };
    checkMagic(file);
    const result = scanTransactions(
      file,
      { index, deleted },
      { from: FILE_HEADER_BYTES, lastTid: ZERO_TID, size },
    );
    return {
      index,
      deleted,
      end: result.end,
      lastTid: result.lastTid,
      tailBytes: size - result.end,
    };
  } finally {
    file.release();
  }
}
