/**
 * `iterator(start, stop)` of FileStorage: the transactions of a Data.fs,
 * oldest first, each with its data records. Streaming: one transaction's
 * metadata is read per step and records are read only while the caller
 * iterates them (as often as it likes), so memory stays bounded whatever
 * the size of the file.
 *
 * An iterator is a snapshot: it covers the transactions visible when it was
 * made (up to `end`). It holds its own reference to the file, so a pack that
 * replaces the file meanwhile does not disturb it.
 *
 * @module
 */

import type { Tid } from '../../ids.js';
import type { RecordInfo, TransactionRecord } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import {
  FILE_HEADER_BYTES,
  Status,
  TRANSACTION_TRAILER_BYTES,
  dataRecordBytes,
  pointsAtRecord,
  statusName,
} from './format.js';
import { readRecordData, readRecordHeader } from './record-reader.js';
import { readTransactionInfo, transactionsBackward } from './transaction-reader.js';

/** A transaction as iterated from a FileStorage, with its position. */
export interface FileTransactionRecord extends TransactionRecord {
  /** Position of the transaction header in the file. */
  readonly pos: number;
  /** The extension as stored (MessagePack bytes, or empty). */
  readonly extensionData: Uint8Array;
}

/**
 * Iterates the transactions of `file` with `start <= tid <= stop` that end
 * at or before `end`. Takes over one reference of `file` (releases it when
 * the iteration ends or is abandoned through `return()`).
 */
export function* iterateFile(
  file: DataFile,
  end: number,
  start?: Tid,
  stop?: Tid,
): Generator<FileTransactionRecord, void, undefined> {
  try {
    if (start !== undefined && stop !== undefined && start > stop) return;
    let pos = startPosition(file, end, start);
    while (pos < end) {
      const info = readTransactionInfo(file, pos);
      const next = info.end + TRANSACTION_TRAILER_BYTES;
      if (stop !== undefined && info.tid > stop) return;
      if (info.status === Status.undone || (start !== undefined && info.tid < start)) {
        pos = next;
        continue;
      }
      const { recordsStart, end: recordsEnd, tid } = info;
      yield {
        tid,
        status:
          info.status === Status.packed
            ? 'p'
            : info.status === Status.committed
              ? ' '
              : statusName(info.status),
        user: info.user,
        description: info.description,
        extension: info.extension,
        extensionData: info.extensionData,
        pos,
        records: {
          [Symbol.iterator]: () => iterateRecords(file, recordsStart, recordsEnd, tid),
        },
      };
      pos = next;
    }
  } finally {
    file.release();
  }
}

function* iterateRecords(
  file: DataFile,
  from: number,
  to: number,
  tid: Tid,
): Generator<RecordInfo> {
  for (let pos = from; pos < to;) {
    const h = readRecordHeader(file, pos);
    let dataTxn: Tid | undefined;
    if (h.dataBytes === 0 && pointsAtRecord(h.backPointer)) {
      dataTxn = readRecordHeader(file, h.backPointer, h.oid).tid;
    }
    yield { oid: h.oid, tid, data: readRecordData(file, h), dataTxn };
    pos += dataRecordBytes(h.dataBytes);
  }
}

/**
 * The position of the first transaction with `tid >= start`: scanning
 * backwards from the end when `start` is in the later half of the tid
 * range (incremental copies), forwards otherwise.
 */
function startPosition(file: DataFile, end: number, start: Tid | undefined): number {
  if (start === undefined || end <= FILE_HEADER_BYTES) return FILE_HEADER_BYTES;
  const first = readTransactionInfo(file, FILE_HEADER_BYTES).tid;
  if (start <= first) return FILE_HEADER_BYTES;
  const backward = transactionsBackward(file, end);
  const last = backward.next();
  if (last.done === true) return FILE_HEADER_BYTES;
  if (start > last.value.header.tid) return end;
  if ((start - first) * 2n < last.value.header.tid - first) return FILE_HEADER_BYTES;
  let pos = last.value.pos;
  for (const { pos: p, header } of backward) {
    if (header.tid < start) break;
    pos = p;
  }
  return pos;
}
