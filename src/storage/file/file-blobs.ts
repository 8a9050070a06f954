/**
 * The blob support of {@link FileStorage}: blob files in `blobDir`, one per
 * (oid, tid) in the bushy layout of `BlobDirectory`.
 *
 * Commit order: the blob files are renamed into place just before the
 * transaction is marked committed in the data file. A crash in between
 * leaves files of a tid that never committed: no revision refers to them,
 * readers never ask for them, and the next pack removes them.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { constants, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { POSKeyError, StorageError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import { StorageBlobs } from '../blob/storage-blobs.js';

/** What the blob support needs from its FileStorage. */
export interface FileBlobsHost {
  readonly name: string;
  /** True when revision `tid` of `oid` exists (visible and not packed away). */
  hasRevision(oid: Oid, tid: Tid): boolean;
  /**
   * The tid above which blob files may belong to a commit still finishing
   * (the visible tid while one is in progress), or `undefined` when no
   * commit is in progress.
   */
  finishingAbove(): Tid | undefined;
}

/** Blob files of a FileStorage (absent when it has no `blobDir`). */
export class FileBlobs {
  private readonly blobs: StorageBlobs | undefined;

  constructor(
    private readonly host: FileBlobsHost,
    blobDir: string | undefined,
    readOnly: boolean,
  ) {
    this.blobs = blobDir === undefined ? undefined : new StorageBlobs({ blobDir, readOnly });
  }

  /** Takes `filename` as the new blob of `oid` in the transaction being committed. */
  stage(oid: Oid, filename: string): void {
    this.require('store a blob').stage(oid, filename);
  }

  /** Renames the staged files into place as revision `tid` (before the data file marks it committed). */
  finish(tid: Tid | undefined): void {
    if (this.blobs !== undefined && tid !== undefined) this.blobs.finish(tid);
  }

  /**
   * An undo in the transaction being committed gives `oid` back its
   * revision `serial`: stages a copy of that revision's blob file, if it
   * has one (a reflink where the file system allows).
   */
  stageUndo(oid: Oid, serial: Tid): void {
    const source = this.blobs?.find(oid, [serial]);
    if (this.blobs === undefined || source === undefined) return;
    const copy = join(
      this.blobs.directory().temporary,
      `undo-${process.pid}-${randomBytes(8).toString('hex')}.tmp`,
    );
    copyFileSync(source, copy, constants.COPYFILE_FICLONE);
    this.blobs.stage(oid, copy);
  }

  /** Deletes the staged files. */
  abort(): void {
    this.blobs?.abort();
  }

  /**
   * The committed file of revision `serial` of `oid`; POSKeyError when
   * there is none, which is always the case without a blob directory.
   */
  load(oid: Oid, serial: Tid): string {
    const path = this.blobs?.find(oid, [serial]);
    if (path === undefined || !this.host.hasRevision(oid, serial)) {
      const hint =
        this.blobs === undefined
          ? ' (it has no blob directory: open it with the blobDir option)'
          : '';
      throw new POSKeyError(
        oid,
        serial,
        `no blob file for oid ${oidRepr(oid)} at tid ${tidRepr(serial)} in storage ${this.host.name}${hint}`,
      );
    }
    return path;
  }

  /** The directory for uncommitted blob files. */
  temporaryDirectory(): string {
    return this.require('create a blob file').directory().temporary;
  }

  /**
   * After a pack: removes the files of revisions that no longer exist
   * (and orphans of crashed commits), keeping the files of a commit still
   * finishing meanwhile. Idempotent.
   */
  prune(): number {
    if (this.blobs === undefined) return 0;
    const above = this.host.finishingAbove();
    return this.blobs.prune(
      (oid, tid) => (above !== undefined && tid > above) || this.host.hasRevision(oid, tid),
    );
  }

  /** Drops staged files. */
  close(): void {
    this.blobs?.close();
  }

  private require(operation: string): StorageBlobs {
    if (this.blobs === undefined) {
      throw new StorageError(
        `cannot ${operation}: storage ${this.host.name} has no blob directory (open it with the blobDir option)`,
      );
    }
    return this.blobs;
  }
}
