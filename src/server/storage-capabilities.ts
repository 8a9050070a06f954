/**
 * What a served storage supports, as the `register` reply reports it.
 *
 * @module
 */

import type { StorageSupports } from '../protocol/messages.js';
import type { Storage } from '../storage/interfaces.js';
import {
  isBlobStorage,
  isDeletingStorage,
  isIteratorStorage,
  isRecordIteratorStorage,
  isRestoreStorage,
  isUndoStorage,
} from '../storage/interfaces.js';

/** The capability flags of `storage`. */
export function storageSupports(storage: Storage): StorageSupports {
  return {
    undo: isUndoStorage(storage),
    iterator: isIteratorStorage(storage),
    blobs: isBlobStorage(storage),
    restore: isRestoreStorage(storage),
    recordIterator: isRecordIteratorStorage(storage),
    deleteObject: isDeletingStorage(storage),
  };
}
