/**
 * `sync()` of a read-only FileStorage: catching up with a file another
 * process writes.
 *
 * - New transactions appended since the last look are scanned (only
 *   complete, finished ones: a transaction still in its checkpoint state is
 *   left for a later sync), added to the index, and announced through
 *   `db.invalidate(tid, oids)` in commit order.
 * - When the path now names another file (a pack renamed a new file into
 *   place) or the file shrank, the storage reopens the path from scratch and
 *   calls `db.invalidateCache()`: every cached object may be stale.
 *
 * @module
 */

import * as fs from 'node:fs';
import type { Tid } from '../../ids.js';
import type { StorageDB } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import type { OidIndex } from './oid-index.js';
import type { StoragePaths } from './open-data-file.js';
import { openDataFile } from './open-data-file.js';
import { resolveOptions } from './options.js';
import { scanTransactions } from './scanner.js';

/** The read state of a read-only storage. */
export interface ReadOnlyState {
  readonly file: DataFile;
  readonly index: OidIndex;
  readonly deleted: OidIndex;
  readonly end: number;
  readonly lastTid: Tid;
}

/** Brings `state` up to date with the file at `paths.data`; see the module comment. */
export function syncReadOnly(
  paths: StoragePaths,
  state: ReadOnlyState & { readonly db: StorageDB | undefined },
): ReadOnlyState {
  if (wasReplaced(paths.data, state)) {
    const opened = openDataFile(paths, resolveOptions({ readOnly: true }));
    state.db?.invalidateCache();
    return opened;
  }
  const result = scanTransactions(
    state.file,
    {
      index: state.index,
      deleted: state.deleted,
      onTransaction: (tid, oids) => state.db?.invalidate(tid, [...oids]),
    },
    { from: state.end, lastTid: state.lastTid, concurrentWriter: true },
  );
  state.file.cacheableEnd = result.end;
  return { ...state, end: result.end, lastTid: result.lastTid };
}

function wasReplaced(dataPath: string, state: ReadOnlyState): boolean {
  let inode: number;
  try {
    inode = fs.statSync(dataPath).ino;
  } catch {
    return false; // the path is gone for a moment (a pack between its two renames): keep the old file
  }
  return inode !== state.file.inode() || state.file.size() < state.end;
}
