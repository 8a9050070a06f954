/**
 * `StorageBlobs`: the blob support a storage embeds (MappingStorage,
 * FileStorage): a {@link BlobDirectory} (the given one, or a temporary
 * directory removed at close), opened on first use so that a storage that
 * never sees a blob never touches it, and the blob files of the commit in
 * progress.
 *
 * @module
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Oid, Tid } from '../../ids.js';
import { BlobDirectory } from './blob-directory.js';
import { PendingBlobs } from './pending-blobs.js';

/** Options of {@link StorageBlobs}. */
export interface StorageBlobsOptions {
  /** The blob directory; default a new temporary directory, removed at close. */
  readonly blobDir?: string | undefined;
  /** Only read the (existing) blob directory. */
  readonly readOnly?: boolean;
}

/** The blob files of one storage. */
export class StorageBlobs {
  private readonly blobDir: string | undefined;
  private readonly readOnly: boolean;
  private dir: BlobDirectory | undefined;
  private readonly pending = new PendingBlobs();

  constructor(options: StorageBlobsOptions = {}) {
    this.blobDir = options.blobDir;
    this.readOnly = options.readOnly ?? false;
  }

  /**
   * The blob directory, opened (or, temporary, created) on first use.
   * @throws BlobDirectoryError when it is missing (read-only) or not writable.
   */
  directory(): BlobDirectory {
    this.dir ??=
      this.blobDir === undefined
        ? new BlobDirectory(mkdtempSync(join(tmpdir(), 'zodb-blobs-')))
        : new BlobDirectory(this.blobDir, { readOnly: this.readOnly });
    return this.dir;
  }

  /** The directory when there can be committed files in it, else `undefined`. */
  private existing(): BlobDirectory | undefined {
    return this.blobDir === undefined ? this.dir : this.directory();
  }

  /** Takes the uncommitted file `filename` as the new blob of `oid`. */
  stage(oid: Oid, filename: string): void {
    this.pending.add(oid, filename);
  }

  /** Commits the staged files as revision `tid`. */
  finish(tid: Tid): void {
    if (!this.pending.empty) this.pending.commit(this.directory(), tid);
  }

  /** Deletes the staged files. */
  abort(): void {
    this.pending.discard();
  }

  /**
   * The path of the first existing file among revisions `tids` of `oid`
   * (a revision written by undo or restore shares its data transaction's
   * file), or `undefined`.
   */
  find(oid: Oid, tids: readonly (Tid | undefined)[]): string | undefined {
    const dir = this.existing();
    if (dir === undefined) return undefined;
    for (const tid of tids) {
      if (tid !== undefined && dir.has(oid, tid)) return dir.pathFor(oid, tid);
    }
    return undefined;
  }

  /**
   * Removes every committed blob file for which `keep(oid, tid)` is false
   * (after a pack). Safe to repeat: a pack that failed halfway leaves files
   * that the next prune removes.
   */
  prune(keep: (oid: Oid, tid: Tid) => boolean): number {
    const dir = this.existing();
    if (dir === undefined) return 0;
    let removed = 0;
    for (const entry of [...dir.files()]) {
      if (!keep(entry.oid, entry.tid)) {
        dir.remove(entry.oid, entry.tid);
        removed++;
      }
    }
    return removed;
  }

  /** Drops staged files and removes a temporary directory. */
  close(): void {
    this.pending.discard();
    if (this.blobDir === undefined) this.dir?.destroy();
    this.dir = undefined;
  }
}
