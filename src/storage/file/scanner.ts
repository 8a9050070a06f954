/**
 * The open-time scan of a Data.fs: reads transactions from a position to
 * the end of the file, validates each one completely (header, every data
 * record, the redundant trailing length) and only then applies its records
 * to the index. Used to rebuild a missing or stale index, to catch up on
 * transactions appended after a saved index, and by read-only storages to
 * pick up transactions another process committed (`sync()`).
 *
 * How the end of the file is judged (see FORMAT.md, "Crash recovery"):
 * - fewer than 23 bytes left, or a transaction with the checkpoint status
 *   `'c'` that reaches the end of the file: an incomplete append of a
 *   process that stopped before `tpcFinish` — a *tail*, which a writable
 *   open truncates and a read-only open ignores;
 * - anything else that does not check out (a committed transaction cut
 *   short, a bad length, a tid that does not increase, a checkpoint status
 *   in the middle, a record outside its transaction): damage, reported as a
 *   {@link CorruptedDataError} naming the file and offset;
 * - with `concurrentWriter` (read-only storages), a committed transaction
 *   reaching past the size the scan started from is a tail when the file has
 *   grown meanwhile: the writer finished it after the size was taken.
 *
 * @module
 */

import { CorruptedDataError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import type { DataFile } from './data-file.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  FILE_HEADER_BYTES,
  FILE_MAGIC,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  decodeTransactionHeader,
  equalBytes8,
  readOidOrInvalid,
  readPosition,
  statusName,
  transactionMetadataBytes,
} from './format.js';
import type { OidIndex } from './oid-index.js';
import { ScanWindow } from './scan-window.js';

/** Why a scan ended. */
export type ScanEnd =
  /** The last transaction ends exactly at the end of the file. */
  | { readonly kind: 'end' }
  /** An incomplete transaction starts at `ScanResult.end`; `reason` says what is missing. */
  | { readonly kind: 'tail'; readonly reason: string }
  /** A transaction with `tid >= stop` starts at `ScanResult.end`. */
  | { readonly kind: 'stop' };

/** The outcome of {@link scanTransactions}. */
export interface ScanResult {
  /** Position after the last complete transaction scanned. */
  readonly end: number;
  /** Tid of the last complete transaction (the `lastTid` given when none was scanned). */
  readonly lastTid: Tid;
  /** Number of transactions scanned. */
  readonly transactions: number;
  readonly stoppedBy: ScanEnd;
}

/** What the scan updates and reports. */
export interface ScanTarget {
  /** oid -> position of its newest record; updated per complete transaction. */
  readonly index: OidIndex;
  /** oids whose newest record is a deletion; kept in step with `index`. */
  readonly deleted: OidIndex;
  /** Called after each complete transaction with its oids (for invalidations). */
  readonly onTransaction?: (tid: Tid, oids: readonly Oid[], end: number) => void;
}

/** Options of {@link scanTransactions}. */
export interface ScanOptions {
  /** Where to start: a transaction boundary (4 for the whole file). */
  readonly from: number;
  /** Tid of the transaction that ends at `from` (0n at the start). */
  readonly lastTid: Tid;
  /** Stop before the first transaction with `tid >= stop` (time travel). */
  readonly stop?: Tid | undefined;
  /** Size of the file to scan (default: its current size). */
  readonly size?: number;
  /**
   * True when another process may be appending (a read-only storage): a
   * committed transaction that reaches past `size` is then a *tail* if the
   * file has grown since `size` was taken (the writer finished it after our
   * look at the size), and damage only if the file really ends short.
   */
  readonly concurrentWriter?: boolean;
}

/** Checks the 4-byte magic; throws CorruptedDataError if it is not `FS30`. */
export function checkMagic(file: DataFile): void {
  const magic = new Uint8Array(FILE_HEADER_BYTES);
  const n = file.readInto(magic, 0, FILE_HEADER_BYTES);
  if (n !== FILE_HEADER_BYTES || !magic.every((b, i) => b === FILE_MAGIC[i])) {
    throw new CorruptedDataError(
      `not a FileStorage file: the first 4 bytes are not the magic "FS30"`,
      { path: file.path, offset: 0 },
    );
  }
}

/** Scans transactions from `options.from`; see the module comment. */
export function scanTransactions(
  file: DataFile,
  target: ScanTarget,
  options: ScanOptions,
): ScanResult {
  const size = options.size ?? file.size();
  const reader: TransactionReader = {
    file,
    window: new ScanWindow(file, size),
    size,
    index: target.index,
    stop: options.stop,
    concurrentWriter: options.concurrentWriter === true,
    oids: [],
    positions: [],
  };
  let pos = options.from;
  let lastTid = options.lastTid;
  let transactions = 0;
  for (;;) {
    const step = readTransaction(reader, pos, lastTid);
    if ('kind' in step) return { end: pos, lastTid, transactions, stoppedBy: step };
    applyRecords(target, reader.oids, reader.positions);
    pos = step.next;
    lastTid = step.tid;
    transactions++;
    target.onTransaction?.(step.tid, reader.oids, pos);
  }
}

/** The scanning state shared by the steps of one scan. */
interface TransactionReader {
  readonly file: DataFile;
  readonly window: ScanWindow;
  readonly size: number;
  readonly index: OidIndex;
  readonly stop: Tid | undefined;
  readonly concurrentWriter: boolean;
  /** The records of the transaction just read: oids and positions (negative: a deletion). */
  readonly oids: Oid[];
  readonly positions: number[];
}

/**
 * Reads and validates the transaction at `pos` into `reader.oids` and
 * `reader.positions`; returns its tid and the next position, or why the
 * scan ends there. Throws CorruptedDataError for damage.
 */
function readTransaction(
  reader: TransactionReader,
  pos: number,
  lastTid: Tid,
): { tid: Tid; next: number } | ScanEnd {
  const { file, window, size } = reader;
  if (pos === size) return { kind: 'end' };
  const h = window.at(pos, TRANSACTION_HEADER_BYTES);
  if (h < 0) return { kind: 'tail', reason: `only ${size - pos} bytes of a transaction header` };
  const header = decodeTransactionHeader(window.buffer, h);
  const { tid, length, status } = header;
  const fail = (message: string, at = pos): CorruptedDataError =>
    new CorruptedDataError(`${message} (transaction ${tidRepr(tid)} at ${pos})`, {
      path: file.path,
      offset: at,
    });
  if (status === Status.checkpoint) {
    if (pos + length + TRANSACTION_TRAILER_BYTES >= size) {
      return { kind: 'tail', reason: 'a transaction that voted but never finished' };
    }
    throw fail('a transaction in the middle of the file still has the checkpoint status');
  }
  if (status !== Status.committed && status !== Status.packed && status !== Status.undone) {
    throw fail(`invalid transaction status ${statusName(status)}`);
  }
  if (tid <= lastTid)
    throw fail(`transaction ids do not increase: ${tidRepr(tid)} follows ${tidRepr(lastTid)}`);
  if (reader.stop !== undefined && tid >= reader.stop) return { kind: 'stop' };
  const metadataBytes = transactionMetadataBytes(header);
  if (!(length >= metadataBytes)) {
    throw fail(
      `transaction length ${length} is shorter than its metadata (${metadataBytes} bytes)`,
    );
  }
  const tend = pos + length;
  if (tend + TRANSACTION_TRAILER_BYTES > size) {
    if (reader.concurrentWriter && file.size() >= tend + TRANSACTION_TRAILER_BYTES) {
      return {
        kind: 'tail',
        reason: 'a transaction another process finished after the scan began',
      };
    }
    throw fail(
      `the file is cut short: the committed transaction needs ${length + TRANSACTION_TRAILER_BYTES} bytes ` +
        `but the file ends after ${size - pos}; recoverFileStorage() keeps every intact transaction`,
    );
  }
  const tidBytes = window.buffer.slice(h, h + 8);
  reader.oids.length = 0;
  reader.positions.length = 0;
  if (status !== Status.undone) readRecords(reader, pos, tend, pos + metadataBytes, tidBytes, fail);
  const t = window.at(tend, TRANSACTION_TRAILER_BYTES);
  if (t < 0 || readPosition(window.buffer, t) !== length) {
    throw fail(`the redundant transaction length does not match ${length}`, tend);
  }
  return { tid, next: tend + TRANSACTION_TRAILER_BYTES };
}

/** Applies one validated transaction's records to the index and the deleted set. */
function applyRecords(
  target: ScanTarget,
  oids: readonly Oid[],
  positions: readonly number[],
): void {
  for (let i = 0; i < oids.length; i++) {
    const oid = oids[i]!;
    const p = positions[i]!;
    if (p < 0) {
      target.index.set(oid, -p);
      target.deleted.set(oid, 1);
    } else {
      target.index.set(oid, p);
      if (target.deleted.size > 0) target.deleted.delete(oid);
    }
  }
}

/**
 * Validates the data records of one transaction and collects `(oid,
 * position)` pairs (negative position: a deletion) without touching the index.
 */
function readRecords(
  reader: TransactionReader,
  tpos: number,
  tend: number,
  from: number,
  tidBytes: Uint8Array,
  fail: (message: string, at?: number) => CorruptedDataError,
): void {
  let pos = from;
  while (pos < tend) {
    const record = validateRecord(reader, pos, tpos, tend, tidBytes, fail);
    reader.oids.push(record.oid);
    reader.positions.push(record.deletion ? -pos : pos);
    pos += record.bytes;
  }
  if (pos !== tend) throw fail('the data records do not add up to the transaction length', tpos);
}

/** Checks the data record at `pos` of the transaction at `tpos` (see FORMAT.md, "Rules"). */
function validateRecord(
  reader: TransactionReader,
  pos: number,
  tpos: number,
  tend: number,
  tidBytes: Uint8Array,
  fail: (message: string, at?: number) => CorruptedDataError,
): { oid: Oid; bytes: number; deletion: boolean } {
  const { window } = reader;
  const r = window.at(pos, DATA_HEADER_BYTES);
  if (r < 0 || pos + DATA_HEADER_BYTES > tend) {
    throw fail('a data record header extends past the end of its transaction', pos);
  }
  const buf = window.buffer;
  const oid = readOidOrInvalid(buf, r);
  const prev = readPosition(buf, r + 16);
  const tloc = readPosition(buf, r + 24);
  const versionBytes = (buf[r + 32]! << 8) | buf[r + 33]!;
  const dataBytes = readPosition(buf, r + 34);
  if (oid < 0) throw fail('a data record has an oid past 2^53', pos);
  const what = `the data record of oid ${oidRepr(oid)}`;
  if (!equalBytes8(buf, r + 8, tidBytes, 0))
    throw fail(`${what} has another transaction's tid`, pos);
  if (tloc !== tpos) throw fail(`${what} points to transaction ${tloc}`, pos);
  if (versionBytes !== 0) throw fail(`${what} has a version`, pos);
  const expectedPrev = reader.index.get(oid) ?? 0;
  if (prev !== expectedPrev) {
    throw fail(`${what} has previous-record pointer ${prev}, expected ${expectedPrev}`, pos);
  }
  const bytes = DATA_HEADER_BYTES + (dataBytes === 0 ? BACK_POINTER_BYTES : dataBytes);
  if (!(pos + bytes <= tend)) throw fail(`${what} extends past its transaction`, pos);
  if (dataBytes > 0) return { oid, bytes, deletion: false };
  const b = window.at(pos + DATA_HEADER_BYTES, BACK_POINTER_BYTES);
  const back = b < 0 ? Infinity : readPosition(window.buffer, b);
  if (!(back < pos))
    throw fail(`the back pointer of oid ${oidRepr(oid)} does not point backwards`, pos);
  return { oid, bytes, deletion: back === 0 };
}
