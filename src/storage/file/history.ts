/**
 * `history(oid, size)` of FileStorage: the revisions of one object, newest
 * first, each with its transaction's metadata.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import { TimeStamp } from '../../timestamp.js';
import type { HistoryEntry } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import { readRecordHeader } from './record-reader.js';
import { readTransactionInfo } from './transaction-reader.js';

/**
 * Up to `size` history entries of `oid` starting from its record at `pos`,
 * skipping revisions newer than `visible`. A back-pointer record reports
 * the size of the data it refers to; a deletion reports 0.
 */
export function readHistory(
  file: DataFile,
  oid: Oid,
  pos: number,
  size: number,
  visible: Tid,
): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let p = pos;
  while (p !== 0 && out.length < size) {
    const h = readRecordHeader(file, p, oid);
    p = h.prev;
    if (h.tid > visible) continue;
    const txn = readTransactionInfo(file, h.tloc);
    out.push({
      tid: h.tid,
      time: TimeStamp.fromTid(h.tid).toDate(),
      user: txn.user,
      description: txn.description,
      size: resolvedSize(file, oid, h.dataBytes, h.backPointer),
      extension: txn.extension,
    });
  }
  return out;
}

function resolvedSize(file: DataFile, oid: Oid, dataBytes: number, backPointer: number): number {
  let bytes = dataBytes;
  let back = backPointer;
  while (bytes === 0 && back !== 0) {
    const h = readRecordHeader(file, back, oid);
    bytes = h.dataBytes;
    back = h.backPointer;
  }
  return bytes;
}
