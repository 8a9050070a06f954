/**
 * `PendingBlobs`: the blob files a storage took in the transaction being
 * committed, moved into the blob directory at finish or deleted at abort.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import type { BlobDirectory } from './blob-directory.js';
import { removeFile } from './move-file.js';

/** The uncommitted blob files of one commit, by oid. */
export class PendingBlobs {
  private files = new Map<Oid, string>();

  /** Takes `filename` as the new blob file of `oid` (a later one replaces it). */
  add(oid: Oid, filename: string): void {
    const previous = this.files.get(oid);
    if (previous !== undefined && previous !== filename) removeFile(previous);
    this.files.set(oid, filename);
  }

  /** True when nothing is pending. */
  get empty(): boolean {
    return this.files.size === 0;
  }

  /** Moves every file into `directory` as revision `tid`; call at finish. */
  commit(directory: BlobDirectory, tid: Tid): void {
    const files = this.files;
    this.files = new Map();
    for (const [oid, filename] of files) directory.commitFile(filename, oid, tid);
  }

  /** Deletes every pending file; call at abort. */
  discard(): void {
    const files = this.files;
    this.files = new Map();
    for (const filename of files.values()) removeFile(filename);
  }
}
