/**
 * `restore()` of FileStorage (IStorageRestoreable): writes a revision as
 * copied from another storage, without conflict checks. When the copied
 * record says its data is that of an earlier transaction (`prevTxn`, set
 * for undo records and other back pointers) and that transaction holds the
 * same data for the oid here, a back pointer is written instead of the
 * data, so copies keep the source's structure and size.
 *
 * @module
 */

import { StorageTransactionError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import type { DataFile } from './data-file.js';
import { dataRecordBytes } from './format.js';
import type { OidIndex } from './oid-index.js';
import type { PendingTransaction } from './pending-transaction.js';
import { readRecordData, readRecordHeader } from './record-reader.js';
import { findTransaction, readTransactionInfo } from './transaction-reader.js';

/** What restore needs from the storage. */
export interface RestoreContext {
  readonly file: DataFile;
  readonly index: OidIndex;
  /** End of the committed part of the file. */
  readonly end: number;
  readonly pending: PendingTransaction;
}

/** Adds the restored record to the pending transaction; see the module comment. */
export function restoreRecord(
  context: RestoreContext,
  oid: Oid,
  serial: Tid,
  data: Uint8Array | null,
  prevTxn: Tid | undefined,
): void {
  const { pending } = context;
  if (serial !== pending.tid) {
    throw new StorageTransactionError(
      `restore: the serial ${tidRepr(serial)} of oid ${oidRepr(oid)} differs from the transaction's tid ` +
        `${tidRepr(pending.tid)}; begin the transaction with tpcBegin(txn, serial)`,
    );
  }
  const prev = context.index.get(oid) ?? 0;
  const backPointer = prevTxn === undefined ? 0 : findSameData(context, oid, data, prevTxn);
  if (backPointer !== 0 || data === null) pending.addRecord(oid, prev, null, backPointer);
  else pending.addRecord(oid, prev, data);
}

/**
 * The position of `oid`'s last record in transaction `prevTxn` when its data
 * equals `data`; 0 when the transaction or record is not here (packed away)
 * or holds other data.
 */
function findSameData(
  context: RestoreContext,
  oid: Oid,
  data: Uint8Array | null,
  prevTxn: Tid,
): number {
  const { file } = context;
  const tpos = findTransaction(file, context.end, prevTxn, { stopAtPacked: false });
  if (tpos === undefined) return 0;
  const info = readTransactionInfo(file, tpos);
  let found = 0;
  for (let pos = info.recordsStart; pos < info.end;) {
    const h = readRecordHeader(file, pos);
    if (h.oid === oid) found = pos;
    pos += dataRecordBytes(h.dataBytes);
  }
  if (found === 0 || data === null) return 0;
  const there = readRecordData(file, readRecordHeader(file, found, oid));
  return there !== null && sameBytes(there, data) ? found : 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
