/**
 * The blob side of `copyTransactionsFrom` (ZODB's `IBlobStorageRestoreable`
 * path of `copyTransactionsFrom`): finds the blob file of each copied
 * revision in the source, copies it (the source keeps its file) into the
 * destination's temporary directory and hands it to `restoreBlob`.
 *
 * A revision has a blob file when `source.loadBlob(oid, tid)` finds one;
 * a revision whose data is that of an earlier transaction (undo, a back
 * pointer) falls back to the file of that data transaction, as the
 * storages resolve it. A destination that cannot take blob files (no
 * `restoreBlob`, or a FileStorage without `blobDir`) fails with
 * {@link BlobCopyError} at the first revision that has one.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { POSError, POSKeyError, Unsupported } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import { readRecordHeader } from '../../serialize/index.js';
import { isBlobRestoreStorage, isBlobStorage } from '../interfaces.js';
import type {
  BlobRestoreStorage,
  BlobStorage,
  RecordInfo,
  Storage,
  TransactionMetaData,
} from '../interfaces.js';

/**
 * Is thrown by `copyTransactionsFrom` when a copied revision has a blob
 * file and the destination cannot store blob files (it has no
 * `restoreBlob`, or no blob directory). The transaction holding that
 * revision is not copied; the ones before it are.
 */
export class BlobCopyError extends Unsupported {
  /** The blob object whose file could not be copied. */
  readonly oid: Oid;
  /** The revision (transaction) whose file could not be copied. */
  readonly tid: Tid;
  /** The destination storage's name. */
  readonly destination: string;

  constructor(oid: Oid, tid: Tid, destination: string, reason: string, options?: ErrorOptions) {
    super(
      `cannot copy the blob file of oid ${oidRepr(oid)} at tid ${tidRepr(tid)}: ` +
        `the destination ${destination} cannot store blobs (${reason}); ` +
        'give it a blob directory and copy again from this transaction on',
      options,
    );
    this.oid = oid;
    this.tid = tid;
    this.destination = destination;
  }
}

/** The registered class name of `Blob` records (`src/blob/blob.ts`). */
export const BLOB_CLASS_NAME = 'ZODB.blob.Blob';

/**
 * Is thrown by `copyTransactionsFrom` when a copied revision is a blob
 * record (class `ZODB.blob.Blob`) but the source has no file for it:
 * typically a source opened without its blob directory. Copying on would
 * give the destination blob records without data, so the transaction
 * holding it is not copied (the ones before it are), unless the copy was
 * asked to `allowMissingBlobs`.
 */
export class MissingBlobError extends POSError {
  /** The blob object whose file the source lacks. */
  readonly oid: Oid;
  /** The revision (transaction) whose file the source lacks. */
  readonly tid: Tid;
  /** The source storage's name. */
  readonly source: string;

  constructor(oid: Oid, tid: Tid, source: string) {
    super(
      `the source ${source} has no blob file for the blob record of oid ${oidRepr(oid)} ` +
        `at tid ${tidRepr(tid)}: open the source with its blob directory ` +
        "(blobDir, or a URI such as 'file:///data/Data.fs?blobstorage_dir=/data/blobs'); " +
        'to copy such records without their data, pass allowMissingBlobs (zodb copy --allow-missing-blobs)',
    );
    this.oid = oid;
    this.tid = tid;
    this.source = source;
  }
}

/** Copies the blob files of the revisions that `copyTransactionsFrom` copies. */
export class BlobCopier {
  private readonly source: BlobStorage | undefined;
  private target: { storage: BlobRestoreStorage; temporary: string } | undefined;

  constructor(
    private readonly sourceStorage: Storage,
    private readonly dest: Storage,
    private readonly allowMissing = false,
  ) {
    this.source = isBlobStorage(sourceStorage) ? sourceStorage : undefined;
  }

  /**
   * The source's committed blob file of the revision `record` (written by
   * `tid`), or `undefined` when it has none.
   * @throws MissingBlobError when `record` is a blob record without a file
   *   in the source (unless missing blobs are allowed).
   */
  sourceFile(record: RecordInfo, tid: Tid): string | undefined {
    if (record.data === null) return undefined;
    const file =
      this.source === undefined
        ? undefined
        : (this.load(this.source, record.oid, tid) ??
          (record.dataTxn === undefined
            ? undefined
            : this.load(this.source, record.oid, record.dataTxn)));
    if (file === undefined && !this.allowMissing && isBlobRecord(record.data)) {
      throw new MissingBlobError(record.oid, tid, this.sourceStorage.name);
    }
    return file;
  }

  /**
   * Restores the revision `record` of transaction `tid` in the destination
   * with a copy of `file` (a reflink where the file system allows); the
   * copy is removed again when copying or `restoreBlob` fails.
   * @throws BlobCopyError when the destination cannot store blob files.
   */
  async restore(
    record: RecordInfo & { data: Uint8Array },
    tid: Tid,
    file: string,
    txn: TransactionMetaData,
  ): Promise<void> {
    const { storage, temporary } = this.destination(record.oid, tid);
    const copy = join(temporary, `copy-${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
    try {
      await copyFile(file, copy, constants.COPYFILE_FICLONE);
      storage.restoreBlob(record.oid, tid, record.data, copy, record.dataTxn, txn);
    } catch (error) {
      await rm(copy, { force: true });
      throw error;
    }
  }

  /** The destination as a blob-restoring storage, checked once. */
  private destination(oid: Oid, tid: Tid): { storage: BlobRestoreStorage; temporary: string } {
    if (this.target !== undefined) return this.target;
    const dest = this.dest;
    if (!isBlobRestoreStorage(dest)) {
      throw new BlobCopyError(oid, tid, dest.name, 'it has no restoreBlob');
    }
    try {
      this.target = { storage: dest, temporary: dest.temporaryDirectory() };
    } catch (error) {
      if (!(error instanceof POSError)) throw error;
      throw new BlobCopyError(oid, tid, dest.name, error.message, { cause: error });
    }
    return this.target;
  }

  private load(source: BlobStorage, oid: Oid, tid: Tid): string | undefined {
    try {
      return source.loadBlob(oid, tid);
    } catch (error) {
      if (error instanceof POSKeyError) return undefined;
      throw error;
    }
  }
}

/** True when `data` is a record of class {@link BLOB_CLASS_NAME} (false for records in other formats). */
function isBlobRecord(data: Uint8Array): boolean {
  try {
    return readRecordHeader(data).className === BLOB_CLASS_NAME;
  } catch {
    return false;
  }
}
