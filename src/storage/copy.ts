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
 * @module
 */

import type { Tid } from '../ids.js';
import type { IteratorStorage, RestoreStorage, TransactionMetaData } from './interfaces.js';

/** Options of {@link copyTransactionsFrom}. */
export interface CopyOptions {
  /**
   * Copy only transactions with `tid >= from` (an incremental copy: pass the
   * successor of the destination's `lastTransaction()`). Default: all.
   */
  readonly from?: Tid;
  /** Called after each copied transaction (progress reporting). */
  readonly onTransaction?: (tid: Tid, records: number) => void;
}

/** What {@link copyTransactionsFrom} copied. */
export interface CopyReport {
  /** Transactions copied. */
  readonly transactions: number;
  /** Records copied. */
  readonly records: number;
  /** Tid of the last copied transaction, `undefined` when none was copied. */
  readonly lastTid: Tid | undefined;
}

/**
 * Copies the transactions of `source` (from `options.from` on) into `dest`
 * with identical tids, metadata and records. The destination must be empty
 * or end before the first copied tid (its `tpcBegin` refuses an older tid
 * with StorageTransactionError).
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
  let transactions = 0;
  let records = 0;
  let lastTid: Tid | undefined;
  for (const transaction of source.iterator(options.from)) {
    const meta: TransactionMetaData = {
      user: transaction.user,
      description: transaction.description,
      extension: transaction.extension,
    };
    await dest.tpcBegin(meta, transaction.tid);
    let copied = 0;
    try {
      for (const record of transaction.records) {
        dest.restore(record.oid, transaction.tid, record.data, record.dataTxn, meta);
        copied++;
      }
      await dest.tpcVote(meta);
      await dest.tpcFinish(meta);
    } catch (error) {
      await dest.tpcAbort(meta);
      throw error;
    }
    transactions++;
    records += copied;
    lastTid = transaction.tid;
    options.onTransaction?.(transaction.tid, copied);
  }
  return { transactions, records, lastTid };
}
