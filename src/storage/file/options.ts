/**
 * Options of {@link FileStorage} (ZODB's `FileStorage(file_name, create,
 * read_only, stop, quota, pack_gc, pack_keep_old, blob_dir)`).
 *
 * @module
 */

import type { Tid } from '../../ids.js';

/** Options of `new FileStorage(path, options)`. */
export interface FileStorageOptions {
  /**
   * Start from an empty storage, removing any existing file at `path` (and
   * its `.index`). Default `false`: an existing file is opened, a missing
   * one created. Not allowed with `readOnly`.
   */
  readonly create?: boolean;
  /**
   * Open without the writer lock: every write method throws ReadOnlyError.
   * Any number of read-only storages may open a file that one process
   * writes; each sees the transactions complete when it opened, and
   * {@link FileStorage.sync} picks up those committed since. Default `false`.
   */
  readonly readOnly?: boolean;
  /**
   * Time travel: open the storage as it was before the transaction `stop`
   * (transactions with `tid < stop` are visible, exactly like ZODB's
   * `stop`). Implies `readOnly`; giving `readOnly: false` with it throws.
   */
  readonly stop?: Tid;
  /**
   * Largest size of the data file in bytes: a store, undo or commit that
   * would grow it further throws FileStorageQuotaError. Default: no limit.
   */
  readonly quota?: number;
  /** Whether `pack` also removes objects unreachable from the root. Default `true`. */
  readonly packGc?: boolean;
  /** Whether `pack` keeps the previous file as `Data.fs.old`. Default `true`. */
  readonly packKeepOld?: boolean;
  /**
   * Directory for blob files (bushy layout, see `src/storage/blob/`),
   * created when missing. Without it the storage refuses to store blobs.
   */
  readonly blobDir?: string;
}

/** The options with their defaults applied. */
export interface ResolvedFileStorageOptions {
  readonly create: boolean;
  readonly readOnly: boolean;
  readonly stop: Tid | undefined;
  readonly quota: number | undefined;
  readonly packGc: boolean;
  readonly packKeepOld: boolean;
  readonly blobDir: string | undefined;
}

/** Applies defaults and rejects contradictory options with a TypeError. */
export function resolveOptions(options: FileStorageOptions): ResolvedFileStorageOptions {
  const stop = options.stop;
  if (stop !== undefined && options.readOnly === false) {
    throw new TypeError('FileStorage: the stop option (time travel) only works read-only');
  }
  const readOnly = options.readOnly ?? stop !== undefined;
  const create = options.create ?? false;
  if (create && readOnly) {
    throw new TypeError('FileStorage: create and readOnly (or stop) cannot be combined');
  }
  const quota = options.quota;
  if (quota !== undefined && !(Number.isSafeInteger(quota) && quota > 0)) {
    throw new TypeError(`FileStorage: quota must be a positive number of bytes, got ${quota}`);
  }
  return {
    create,
    readOnly,
    stop,
    quota,
    packGc: options.packGc ?? true,
    packKeepOld: options.packKeepOld ?? true,
    blobDir: options.blobDir,
  };
}
