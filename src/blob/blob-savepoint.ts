/**
 * `BlobSavepoint`: the uncommitted blob files of a transaction at a
 * savepoint, copied aside so that rolling back to the savepoint restores
 * them (a blob's data is not in its record, so the connection's savepoint
 * of encoded states cannot hold it).
 *
 * @module
 */

import { copyFileSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { removeFile } from '../storage/blob/move-file.js';
import { blobFiles, isBlob, newBlobFileName, uncommittedBlobFile } from './blob-files.js';

/** The blob part of one connection savepoint. */
export class BlobSavepoint {
  /** Each changed blob and the copy of its uncommitted file at the savepoint. */
  private readonly copies = new Map<object, string>();

  /**
   * Copies the uncommitted file of every blob among `objects`.
   * @throws BlobError when one of them is still open for writing.
   */
  constructor(objects: Iterable<object>) {
    for (const obj of objects) {
      const file = isBlob(obj) ? uncommittedBlobFile(obj) : undefined;
      if (file === undefined || this.copies.has(obj)) continue;
      const copy = newBlobFileName(dirname(file));
      copyFileSync(file, copy, constants.COPYFILE_FICLONE);
      this.copies.set(obj, copy);
    }
  }

  /** Gives every saved blob back its data of the savepoint (repeatable). */
  rollback(): void {
    for (const [obj, copy] of this.copies) {
      const files = blobFiles(obj);
      if (files.uncommitted !== undefined) removeFile(files.uncommitted);
      const restored = newBlobFileName(dirname(copy));
      copyFileSync(copy, restored, constants.COPYFILE_FICLONE);
      files.uncommitted = restored;
    }
  }

  /** Deletes the copies (the transaction ended). */
  discard(): void {
    for (const copy of this.copies.values()) removeFile(copy);
    this.copies.clear();
  }
}
