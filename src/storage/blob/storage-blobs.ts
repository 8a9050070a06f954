/**
 * `StorageBlobs`: the blob support a storage embeds (MappingStorage,
 * DemoStorage's changes): a {@link BlobDirectory} (the given one, or a
 * temporary directory created on first use and removed at close) and the
 * blob files of the commit in progress.
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
}

/** The blob files of one storage. */
export class StorageBlobs {
  private readonly blobDir: string | undefined;
  private dir: BlobDirectory | undefined;
  private readonly pending = new PendingBlobs();

  constructor(options: StorageBlobsOptions = {}) {
    this.blobDir = options.blobDir;
    if (this.blobDir !== undefined) this.dir = new BlobDirectory(this.blobDir);
  }

  /** The blob directory (created on first use when temporary). */
  directory(): BlobDirectory {
    this.dir ??= new BlobDirectory(mkdtempSync(join(tmpdir(), 'zodb-blobs-')));
    return this.dir;
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
    if (this.dir === undefined) return undefined;
    for (const tid of tids) {
      if (tid !== undefined && this.dir.has(oid, tid)) return this.dir.pathFor(oid, tid);
    }
    return undefined;
  }

  /**
   * Removes every committed blob file for which `keep(oid, tid)` is false
   * (after a pack). Safe to repeat: a pack that failed halfway leaves files
   * that the next prune removes.
   */
  prune(keep: (oid: Oid, tid: Tid) => boolean): number {
    if (this.dir === undefined) return 0;
    let removed = 0;
    for (const entry of [...this.dir.files()]) {
      if (!keep(entry.oid, entry.tid)) {
        this.dir.remove(entry.oid, entry.tid);
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
