/**
 * Copying transactions between storages with their tids and metadata
 * (ZODB's `copyTransactionsFrom`, the core of `zodbconvert` and of the
 * `zodb copy` command): any {@link IteratorStorage} into any
 * {@link RestoreStorage}.
 *
 * Each source transaction becomes one destination transaction begun with
 * the same tid (`tpcBegin(meta, tid)`), whose records are written with
 * `restore` — data, deletions (`null`) and the `dataTxn` hint that lets the
 * destination write a back pointer instead of a copy. A failure aborts the
 * transaction being copied; the ones copied before it stay.
 *
 * Blobs: when the source is a `BlobStorage`, each revision that has a
 * blob file there is written with `restoreBlob` and a copy of that file
 * (the source's files are never moved or changed); see `blob/blob-copier.ts`.
 * A destination that cannot store blob files stops the copy with
 * {@link BlobCopyError} at the first transaction holding one, before
 * writing it.
 *
 * @module
 */

import type { Tid } from '../ids.js';
import { BlobCopier } from './blob/blob-copier.js';
import type {
  IteratorStorage,
  RecordInfo,
  RestoreStorage,
  TransactionMetaData,
  TransactionRecord,
} from './interfaces.js';

export { BlobCopyError, MissingBlobError } from './blob/blob-copier.js';

/** Options of {@link copyTransactionsFrom}. */
export interface CopyOptions {
  /**
   * Copy only transactions with `tid >= from` (an incremental copy: pass the
   * successor of the destination's `lastTransaction()`). Default: all.
   */
  readonly from?: Tid;
  /** Called after each copied transaction (progress reporting). */
  readonly onTransaction?: (tid: Tid, records: number) => void;
  /**
   * Copy blob records whose file the source lacks without their data,
   * instead of stopping with MissingBlobError (default false).
   */
  readonly allowMissingBlobs?: boolean;
}

/** What {@link copyTransactionsFrom} copied. */
export interface CopyReport {
  /** Transactions copied. */
  readonly transactions: number;
  /** Records copied. */
  readonly records: number;
  /** Blob files copied (one per copied revision that has one). */
  readonly blobs: number;
  /** Tid of the last copied transaction, `undefined` when none was copied. */
  readonly lastTid: Tid | undefined;
}

/**
 * Copies the transactions of `source` (from `options.from` on) into `dest`
 * with identical tids, metadata and records, and the blob files of the
 * revisions that have one. The destination must be empty or end before the
 * first copied tid (its `tpcBegin` refuses an older tid with
 * StorageTransactionError).
 *
 * @throws BlobCopyError when a copied revision has a blob file and `dest`
 *   cannot store blobs (the transactions before it are copied).
 * @throws MissingBlobError when a copied revision is a blob record whose
 *   file the source lacks (a source opened without its blob directory),
 *   unless `options.allowMissingBlobs`.
 *
 * @example
 * ```ts
 * await copyTransactionsFrom(mappingStorage, fileStorage);
 * // later, only what is new:
 * await copyTransactionsFrom(mappingStorage, fileStorage, { from: fileStorage.lastTransaction() + 1n });
 * ```
 */
export async function copyTransactionsFrom(
  source: IteratorStorage,
  dest: RestoreStorage,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const blobs = new BlobCopier(source, dest, options.allowMissingBlobs === true);
  let transactions = 0;
  let records = 0;
  let blobFiles = 0;
  let lastTid: Tid | undefined;
  for (const transaction of source.iterator(options.from)) {
    const copied = await copyTransaction(transaction, dest, blobs);
    transactions++;
    records += copied.records;
    blobFiles += copied.blobs;
    lastTid = transaction.tid;
    options.onTransaction?.(transaction.tid, copied.records);
  }
  return { transactions, records, blobs: blobFiles, lastTid };
}

/** Copies one transaction as one commit of `dest`; aborts it on any failure. */
async function copyTransaction(
  transaction: TransactionRecord,
  dest: RestoreStorage,
  blobs: BlobCopier,
): Promise<{ records: number; blobs: number }> {
  const meta: TransactionMetaData = {
    user: transaction.user,
    description: transaction.description,
    extension: transaction.extension,
  };
  const { tid } = transaction;
  await dest.tpcBegin(meta, tid);
  let records = 0;
  let blobFiles = 0;
  try {
    for (const record of transaction.records) {
      const file = blobs.sourceFile(record, tid);
      if (file === undefined || !hasData(record)) {
        dest.restore(record.oid, tid, record.data, record.dataTxn, meta);
      } else {
        await blobs.restore(record, tid, file, meta);
        blobFiles++;
      }
      records++;
    }
    await dest.tpcVote(meta);
    await dest.tpcFinish(meta);
  } catch (error) {
    await dest.tpcAbort(meta);
    throw error;
  }
  return { records, blobs: blobFiles };
}

function hasData(record: RecordInfo): record is RecordInfo & { data: Uint8Array } {
  return record.data !== null;
}
