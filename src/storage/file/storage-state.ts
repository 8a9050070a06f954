/**
 * The mutable state of one open FileStorage, shared by its parts (the
 * storage object, its committer and its packer), and the two positions
 * that make group commit safe:
 *
 * - `end` / `finishedTid`: the end and tid of the last *finished*
 *   transaction (its status is final; it may still wait for its flush).
 *   Writers check conflicts against everything finished, and the next
 *   transaction is written at `end` with a tid after `finishedTid`.
 * - `visibleEnd` / `visibleTid`: the last *durable, published* transaction.
 *   Readers never look past it: loads are bounded by `visibleTid`,
 *   iterators and the undo log by `visibleEnd`, and `lastTransaction()`
 *   reports `visibleTid`.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import type { StorageDB } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import type { OidIndex } from './oid-index.js';
import type { StoragePaths } from './open-data-file.js';
import type { ResolvedFileStorageOptions } from './options.js';

/** See the module comment. */
export interface StorageState {
  readonly name: string;
  readonly paths: StoragePaths;
  readonly options: ResolvedFileStorageOptions;
  /** The data file (replaced by pack and by a read-only sync after a pack). */
  file: DataFile;
  /** oid -> position of its newest finished record. */
  index: OidIndex;
  /** oids whose newest finished record is a deletion. */
  deleted: OidIndex;
  db: StorageDB | undefined;
  end: number;
  finishedTid: Tid;
  visibleEnd: number;
  visibleTid: Tid;
  /** The largest oid handed out or stored. */
  largestOid: Oid;
  /** True while a pack runs (undo is refused meanwhile). */
  packing: boolean;
}
