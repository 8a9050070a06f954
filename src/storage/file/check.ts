/**
 * The structural checker of a Data.fs (ZODB's `fstest`, extended): walks
 * the whole file and streams typed findings, each with the file offset
 * where it was found. Unlike `fstest` it goes on after an error whenever
 * the transaction lengths still allow finding the next transaction.
 *
 * It checks what the format promises (FORMAT.md): the magic; per
 * transaction the status, increasing tids, a length covering the metadata,
 * the redundant trailing length; per data record that it lies inside its
 * transaction, points back to it, carries its tid, has no version, that its
 * previous-record pointer is the oid's previous record, and that a back
 * pointer points backwards at a record of the same oid. Record payloads
 * are not decoded.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import { DataFile } from './data-file.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  EMPTY_DATA_MARKER,
  FILE_HEADER_BYTES,
  FILE_MAGIC,
  STATUS_OFFSET,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  dataRecordBytes,
  decodeDataHeader,
  decodeTransactionHeader,
  readOidOrInvalid,
  readPosition,
  statusName,
  transactionMetadataBytes,
} from './format.js';
import type { DataHeader } from './format.js';
import { OidIndex } from './oid-index.js';
import { ScanWindow } from './scan-window.js';

/** What a finding is about. */
export type CheckFindingKind =
  | 'bad-magic'
  | 'truncated'
  | 'unfinished-transaction'
  | 'checkpoint-in-middle'
  | 'invalid-status'
  | 'tid-not-increasing'
  | 'bad-transaction-length'
  | 'trailer-mismatch'
  | 'record-outside-transaction'
  | 'record-transaction-pointer'
  | 'record-tid-mismatch'
  | 'record-version'
  | 'bad-previous-pointer'
  | 'bad-back-pointer';

/** One problem found by {@link checkDataFile}. */
export interface CheckFinding {
  /** What is wrong (see {@link CheckFindingKind}). */
  readonly kind: CheckFindingKind;
  /**
   * `error`: damage. `warning`: an unfinished transaction at the end, which
   * a writable open removes (the normal trace of a crash).
   */
  readonly severity: 'error' | 'warning';
  /** File offset of the problem. */
  readonly offset: number;
  /** Position of the enclosing transaction, when known. */
  readonly transactionOffset?: number | undefined;
  readonly tid?: Tid | undefined;
  readonly oid?: Oid | undefined;
  /** A sentence saying what is wrong and what was expected. */
  readonly message: string;
}

/** Options of {@link checkDataFile}. */
export interface CheckOptions {
  /** Check only up to this position (default: the whole file). */
  readonly end?: number;
}

/** Checks the Data.fs at `dataPath`; see the module comment. */
export function* checkDataFile(
  dataPath: string,
  options: CheckOptions = {},
): Generator<CheckFinding> {
  const file = DataFile.open(dataPath, 'read');
  try {
    yield* checkOpenFile(file, options.end ?? file.size());
  } finally {
    file.release();
  }
}

function* checkOpenFile(file: DataFile, size: number): Generator<CheckFinding> {
  const window = new ScanWindow(file, size);
  const m = window.at(0, FILE_HEADER_BYTES);
  if (m < 0 || !FILE_MAGIC.every((b, i) => window.buffer[m + i] === b)) {
    yield finding('bad-magic', 0, 'the file does not start with "FS30"');
    return;
  }
  const walk: Walk = { file, window, size, lastRecord: new OidIndex(), lastTid: 0n };
  for (let pos: number | undefined = FILE_HEADER_BYTES; pos !== undefined && pos < size;) {
    pos = yield* checkTransaction(walk, pos);
  }
}

/** The state of one check. */
interface Walk {
  readonly file: DataFile;
  readonly window: ScanWindow;
  readonly size: number;
  /** oid -> its last record so far, to check previous-record pointers. */
  readonly lastRecord: OidIndex;
  lastTid: Tid;
}

/** Checks the transaction at `pos`; returns the next position, or `undefined` when the walk cannot go on. */
function* checkTransaction(walk: Walk, pos: number): Generator<CheckFinding, number | undefined> {
  const { window, size } = walk;
  const h = window.at(pos, TRANSACTION_HEADER_BYTES);
  if (h < 0) {
    yield finding(
      'truncated',
      pos,
      `the file ends inside a transaction header (${size - pos} bytes)`,
    );
    return undefined;
  }
  const header = decodeTransactionHeader(window.buffer, h);
  const { tid, length, status } = header;
  const metadata = transactionMetadataBytes(header);
  const at = { transactionOffset: pos, tid };
  const tend = pos + length;
  if (!(length >= metadata)) {
    const message = `transaction length ${length} is shorter than its ${metadata}-byte metadata`;
    yield finding('bad-transaction-length', pos, message, at);
    return undefined;
  }
  if (tend + TRANSACTION_TRAILER_BYTES > size) {
    yield status === Status.checkpoint
      ? warning(
          'unfinished-transaction',
          pos,
          'an unfinished (checkpoint) transaction is cut short at the end',
          at,
        )
      : finding(
          'truncated',
          pos,
          `transaction ${tidRepr(tid)} needs ${length + 8} bytes; the file ends after ${size - pos}`,
          at,
        );
    return undefined;
  }
  if (status === Status.checkpoint && tend + TRANSACTION_TRAILER_BYTES === size) {
    yield warning(
      'unfinished-transaction',
      pos,
      'the last transaction voted but never finished',
      at,
    );
    return undefined;
  }
  yield* checkStatusAndTid(walk, pos, status, tid);
  if (status !== Status.undone) {
    yield* checkRecords(walk, pos, pos + metadata, tend, tid);
  }
  const t = window.at(tend, TRANSACTION_TRAILER_BYTES);
  const trailer = t < 0 ? -1 : readPosition(window.buffer, t);
  if (trailer !== length) {
    yield finding(
      'trailer-mismatch',
      tend,
      `the redundant transaction length is ${trailer}, the header says ${length}`,
      at,
    );
  }
  return tend + TRANSACTION_TRAILER_BYTES;
}

function* checkStatusAndTid(
  walk: Walk,
  pos: number,
  status: number,
  tid: Tid,
): Generator<CheckFinding> {
  const at = { transactionOffset: pos, tid };
  if (status === Status.checkpoint) {
    yield finding(
      'checkpoint-in-middle',
      pos,
      `transaction ${tidRepr(tid)} in the middle of the file has the checkpoint status`,
      at,
    );
  } else if (status !== Status.committed && status !== Status.packed && status !== Status.undone) {
    yield finding(
      'invalid-status',
      pos + STATUS_OFFSET,
      `invalid transaction status ${statusName(status)}`,
      at,
    );
  }
  if (tid <= walk.lastTid) {
    yield finding(
      'tid-not-increasing',
      pos,
      `tid ${tidRepr(tid)} does not follow ${tidRepr(walk.lastTid)}`,
      at,
    );
  }
  walk.lastTid = tid;
}

function* checkRecords(
  walk: Walk,
  tpos: number,
  from: number,
  tend: number,
  tid: Tid,
): Generator<CheckFinding> {
  const updates: [Oid, number][] = [];
  const context = { transactionOffset: tpos, tid };
  for (let pos = from; pos < tend;) {
    const r = walk.window.at(pos, DATA_HEADER_BYTES);
    if (r < 0 || pos + DATA_HEADER_BYTES > tend) {
      yield finding(
        'record-outside-transaction',
        pos,
        'a data record header extends past its transaction',
        context,
      );
      break;
    }
    const h = decodeDataHeader(walk.window.buffer, r);
    const recordBytes = dataRecordBytes(h.dataBytes);
    if (h.oid < 0 || !(pos + recordBytes <= tend)) {
      const message = `a data record of ${recordBytes} bytes extends past its transaction`;
      yield finding('record-outside-transaction', pos, message, context);
      break;
    }
    yield* checkRecordFields(walk, pos, tpos, h, { ...context, oid: h.oid });
    updates.push([h.oid, pos]);
    pos += recordBytes;
  }
  for (const [oid, p] of updates) walk.lastRecord.set(oid, p);
}

/** The findings about the fields of the record `h` at `pos`. */
function* checkRecordFields(
  walk: Walk,
  pos: number,
  tpos: number,
  h: DataHeader,
  context: { transactionOffset: number; tid: Tid; oid: Oid },
): Generator<CheckFinding> {
  const what = `the record of ${oidRepr(h.oid)}`;
  if (h.tloc !== tpos) {
    yield finding(
      'record-transaction-pointer',
      pos + 24,
      `${what} points to transaction ${h.tloc}, not ${tpos}`,
      context,
    );
  }
  if (h.tid !== context.tid)
    yield finding('record-tid-mismatch', pos + 8, `${what} has tid ${tidRepr(h.tid)}`, context);
  if (h.versionBytes !== 0) {
    yield finding(
      'record-version',
      pos + 32,
      `${what} has a version (${h.versionBytes} bytes)`,
      context,
    );
  }
  const expectedPrev = walk.lastRecord.get(h.oid) ?? 0;
  if (h.prev !== expectedPrev) {
    const message = `${what} points to previous record ${h.prev}, expected ${expectedPrev}`;
    yield finding('bad-previous-pointer', pos + 16, message, context);
  }
  if (h.dataBytes === 0) {
    const problem = backPointerProblem(walk.file, walk.window, pos, h.oid);
    if (problem !== undefined)
      yield finding('bad-back-pointer', pos + DATA_HEADER_BYTES, problem, context);
  }
}

function backPointerProblem(
  file: DataFile,
  window: ScanWindow,
  pos: number,
  oid: Oid,
): string | undefined {
  const b = window.at(pos + DATA_HEADER_BYTES, BACK_POINTER_BYTES);
  const back = b < 0 ? Infinity : readPosition(window.buffer, b);
  if (back === 0 || back === EMPTY_DATA_MARKER) return undefined;
  if (!(back >= FILE_HEADER_BYTES && back < pos))
    return `the back pointer ${back} does not point backwards into the file`;
  const target = new Uint8Array(DATA_HEADER_BYTES);
  if (file.readInto(target, back) !== DATA_HEADER_BYTES)
    return `the back pointer ${back} points past the file`;
  const targetOid = readOidOrInvalid(target, 0);
  if (targetOid !== oid) return `the back pointer ${back} points to a record of another oid`;
  return undefined;
}

function warning(
  kind: CheckFindingKind,
  offset: number,
  message: string,
  context: { transactionOffset?: number; tid?: Tid } = {},
): CheckFinding {
  return { ...finding(kind, offset, message, context), severity: 'warning' };
}

function finding(
  kind: CheckFindingKind,
  offset: number,
  message: string,
  context: { transactionOffset?: number; tid?: Tid; oid?: Oid | undefined } = {},
): CheckFinding {
  return { kind, severity: 'error', offset, message, ...context };
}
