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
import { oidRepr, readTid, tidRepr } from '../../ids.js';
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
  decodeDataHeader,
  readOidOrInvalid,
  readPosition,
  statusName,
} from './format.js';
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
    yield {
      kind: 'bad-magic',
      severity: 'error',
      offset: 0,
      message: 'the file does not start with "FS30"',
    };
    return;
  }
  const lastRecord = new OidIndex();
  let lastTid: Tid = 0n;
  for (let pos = FILE_HEADER_BYTES; pos < size;) {
    const h = window.at(pos, TRANSACTION_HEADER_BYTES);
    if (h < 0) {
      yield finding(
        'truncated',
        pos,
        `the file ends inside a transaction header (${size - pos} bytes)`,
      );
      return;
    }
    const buf = window.buffer;
    const tid = readTid(buf, h);
    const length = readPosition(buf, h + 8);
    const status = buf[h + STATUS_OFFSET]!;
    const metadata =
      TRANSACTION_HEADER_BYTES +
      ((buf[h + 17]! << 8) | buf[h + 18]!) +
      ((buf[h + 19]! << 8) | buf[h + 20]!) +
      ((buf[h + 21]! << 8) | buf[h + 22]!);
    const at = { transactionOffset: pos, tid };
    const tend = pos + length;
    if (!(length >= metadata)) {
      yield finding(
        'bad-transaction-length',
        pos,
        `transaction length ${length} is shorter than its ${metadata}-byte metadata`,
        at,
      );
      return;
    }
    if (tend + TRANSACTION_TRAILER_BYTES > size) {
      if (status === Status.checkpoint) {
        yield {
          ...finding(
            'unfinished-transaction',
            pos,
            'an unfinished (checkpoint) transaction is cut short at the end',
            at,
          ),
          severity: 'warning',
        };
      } else {
        yield finding(
          'truncated',
          pos,
          `transaction ${tidRepr(tid)} needs ${length + 8} bytes; the file ends after ${size - pos}`,
          at,
        );
      }
      return;
    }
    if (status === Status.checkpoint) {
      if (tend + TRANSACTION_TRAILER_BYTES === size) {
        yield {
          ...finding(
            'unfinished-transaction',
            pos,
            'the last transaction voted but never finished',
            at,
          ),
          severity: 'warning',
        };
        return;
      }
      yield finding(
        'checkpoint-in-middle',
        pos,
        `transaction ${tidRepr(tid)} in the middle of the file has the checkpoint status`,
        at,
      );
    } else if (
      status !== Status.committed &&
      status !== Status.packed &&
      status !== Status.undone
    ) {
      yield finding(
        'invalid-status',
        pos + STATUS_OFFSET,
        `invalid transaction status ${statusName(status)}`,
        at,
      );
    }
    if (tid <= lastTid) {
      yield finding(
        'tid-not-increasing',
        pos,
        `tid ${tidRepr(tid)} does not follow ${tidRepr(lastTid)}`,
        at,
      );
    }
    lastTid = tid;
    if (status !== Status.undone)
      yield* checkRecords(
        file,
        window,
        pos,
        pos + metadata,
        tend,
        buf.slice(h, h + 8),
        lastRecord,
        tid,
      );
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
    pos = tend + TRANSACTION_TRAILER_BYTES;
  }
}

function* checkRecords(
  file: DataFile,
  window: ScanWindow,
  tpos: number,
  from: number,
  tend: number,
  tidBytes: Uint8Array,
  lastRecord: OidIndex,
  tid: Tid,
): Generator<CheckFinding> {
  const updates: [Oid, number][] = [];
  let pos = from;
  while (pos < tend) {
    const r = window.at(pos, DATA_HEADER_BYTES);
    const context = { transactionOffset: tpos, tid };
    if (r < 0 || pos + DATA_HEADER_BYTES > tend) {
      yield finding(
        'record-outside-transaction',
        pos,
        'a data record header extends past its transaction',
        context,
      );
      break;
    }
    const b = window.buffer;
    const oid = readOidOrInvalid(b, r);
    const h = decodeDataHeader(b, r);
    const bad = { ...context, oid: oid < 0 ? undefined : oid };
    const recordBytes = DATA_HEADER_BYTES + (h.dataBytes === 0 ? BACK_POINTER_BYTES : h.dataBytes);
    if (oid < 0 || !(pos + recordBytes <= tend)) {
      yield finding(
        'record-outside-transaction',
        pos,
        `a data record of ${recordBytes} bytes extends past its transaction`,
        bad,
      );
      break;
    }
    if (h.tloc !== tpos)
      yield finding(
        'record-transaction-pointer',
        pos + 24,
        `the record of ${oidRepr(oid)} points to transaction ${h.tloc}, not ${tpos}`,
        bad,
      );
    if (!tidBytes.every((x, i) => b[r + 8 + i] === x))
      yield finding(
        'record-tid-mismatch',
        pos + 8,
        `the record of ${oidRepr(oid)} has tid ${tidRepr(h.tid)}`,
        bad,
      );
    if (h.versionBytes !== 0)
      yield finding(
        'record-version',
        pos + 32,
        `the record of ${oidRepr(oid)} has a version (${h.versionBytes} bytes)`,
        bad,
      );
    const expectedPrev = lastRecord.get(oid) ?? 0;
    if (h.prev !== expectedPrev) {
      yield finding(
        'bad-previous-pointer',
        pos + 16,
        `the record of ${oidRepr(oid)} points to previous record ${h.prev}, expected ${expectedPrev}`,
        bad,
      );
    }
    if (h.dataBytes === 0) {
      const problem = backPointerProblem(file, window, pos, oid);
      if (problem !== undefined)
        yield finding('bad-back-pointer', pos + DATA_HEADER_BYTES, problem, bad);
    }
    updates.push([oid, pos]);
    pos += recordBytes;
  }
  for (const [oid, p] of updates) lastRecord.set(oid, p);
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

function finding(
  kind: CheckFindingKind,
  offset: number,
  message: string,
  context: { transactionOffset?: number; tid?: Tid; oid?: Oid | undefined } = {},
): CheckFinding {
  return { kind, severity: 'error', offset, message, ...context };
}
