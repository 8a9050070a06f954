/**
 * The blob support of {@link FileStorage}: blob files in `blobDir`, one per
 * (oid, tid) in the bushy layout of `BlobDirectory`.
 *
 * Commit order: the blob files are renamed into place just before the
 * transaction is marked committed in the data file. A crash in between
 * leaves files of a tid that never committed: no revision refers to them,
 * readers never ask for them, and the next pack removes them.
 *
 * Durability: a staged file's content is flushed (`fsync`) when the
 * storage takes it, and the directory entries of the renamed files (and of
 * bushy directories created for them) are flushed right after the rename,
 * before the data file's flush makes the transaction durable. So a
 * transaction that survives a power loss has its blob files complete.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { POSKeyError, StorageError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import { StorageBlobs } from '../blob/storage-blobs.js';
import { syncDirectory } from './data-file.js';

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
  /** oids with a staged file in the transaction being committed. */
  private readonly staged = new Set<Oid>();

  constructor(
    private readonly host: FileBlobsHost,
    private readonly blobDir: string | undefined,
    readOnly: boolean,
  ) {
    this.blobs = blobDir === undefined ? undefined : new StorageBlobs({ blobDir, readOnly });
  }

  /** Takes `filename` as the new blob of `oid` in the transaction being committed. */
  stage(oid: Oid, filename: string): void {
    const blobs = this.require('store a blob');
    syncFile(filename);
    blobs.stage(oid, filename);
    this.staged.add(oid);
  }

  /**
   * Renames the staged files into place as revision `tid` (before the data
   * file marks it committed) and flushes their directory entries.
   */
  finish(tid: Tid | undefined): void {
    if (this.blobs === undefined || tid === undefined || this.staged.size === 0) {
      if (this.staged.size > 0) this.staged.clear();
      return;
    }
    const directory = this.blobs.directory();
    const leaves = new Map<string, boolean>();
    for (const oid of this.staged) {
      const leaf = dirname(directory.pathFor(oid, tid));
      if (!leaves.has(leaf)) leaves.set(leaf, existsSync(leaf));
    }
    this.staged.clear();
    this.blobs.finish(tid);
    for (const [leaf, existed] of leaves) this.syncUp(leaf, existed);
  }

  /** Flushes `leaf`, and when it was just created, the directories above it up to the blob directory. */
  private syncUp(leaf: string, existed: boolean): void {
    const root = resolve(this.blobDir ?? leaf);
    let dir = resolve(leaf);
    syncDirectory(dir);
    if (existed) return;
    while (dir !== root && dir.startsWith(root)) {
      dir = dirname(dir);
      syncDirectory(dir);
    }
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
    syncFile(copy);
    this.blobs.stage(oid, copy);
    this.staged.add(oid);
  }

  /** Deletes the staged files. */
  abort(): void {
    this.staged.clear();
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

/** Flushes a file's content to disk. */
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
