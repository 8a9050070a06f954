/**
 * Reading data records of a Data.fs at known positions: headers, data,
 * back-pointer chains, and walks along an object's `prev` chain. All reads
 * are synchronous (`DESIGN.md`: reads are synchronous) and go through the
 * file's read cache (`read-cache.ts`); a record inside a cached block is
 * decoded in place there, and only its data is copied out. Every inconsistency
 * met on the way (a record of the wrong oid, a back pointer that does not
 * point backwards) is a {@link CorruptedDataError} naming file and offset.
 *
 * @module
 */

import { CorruptedDataError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr } from '../../ids.js';
import type { DataFile } from './data-file.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  EMPTY_DATA_MARKER,
  readOidOrInvalid,
  readPosition,
} from './format.js';
import { LOAD_READ_GUESS_BYTES } from './limits.js';

/** A data record's header with its position and back pointer. */
export interface RecordHeader {
  /** Position of the record. */
  readonly pos: number;
  readonly oid: Oid;
  readonly tid: Tid;
  /** Position of the previous record of the same oid, 0 when none. */
  readonly prev: number;
  /** Position of the enclosing transaction header. */
  readonly tloc: number;
  /** Data length; 0 for a back-pointer record or a deletion. */
  readonly dataBytes: number;
  /** For `dataBytes === 0`: position of the record holding the data, 0 for a deletion. */
  readonly backPointer: number;
}

/** A record header with its data already read, when it fitted in the first read. */
interface RecordWithData {
  readonly header: RecordHeader;
  /** The record's own data bytes, or `undefined` if not read yet (or a back pointer). */
  readonly data: Uint8Array | undefined;
}

const scratch = new Uint8Array(DATA_HEADER_BYTES + LOAD_READ_GUESS_BYTES);
const scratchView = new DataView(scratch.buffer);

/**
 * Reads the record at `pos`: in place from the read cache when its block
 * is cached, else with one read of the header and up to
 * {@link LOAD_READ_GUESS_BYTES} of data. `oid`, when given, must match.
 */
export function readRecord(file: DataFile, pos: number, oid?: Oid): RecordWithData {
  const at = file.locateCached(pos, DATA_HEADER_BYTES + BACK_POINTER_BYTES);
  if (at >= 0) {
    const bytes = file.cachedBytes;
    const header = headerFrom(file, bytes, file.cachedView, at, pos, bytes.length - at, oid);
    let data: Uint8Array | undefined;
    if (header.dataBytes > 0) {
      const dataAt = file.locateCached(pos, DATA_HEADER_BYTES + header.dataBytes);
      if (dataAt >= 0) {
        const start = dataAt + DATA_HEADER_BYTES;
        data = file.cachedBytes.slice(start, start + header.dataBytes);
      }
    }
    return { header, data };
  }
  const n = file.readCached(scratch, pos, scratch.length);
  if (n < DATA_HEADER_BYTES) {
    throw new CorruptedDataError(
      `data record header${oid === undefined ? '' : ` of oid ${oidRepr(oid)}`} is cut short by the end of the file`,
      { path: file.path, offset: pos },
    );
  }
  const header = headerFrom(file, scratch, scratchView, 0, pos, n, oid);
  let data: Uint8Array | undefined;
  if (header.dataBytes > 0 && DATA_HEADER_BYTES + header.dataBytes <= n) {
    data = scratch.slice(DATA_HEADER_BYTES, DATA_HEADER_BYTES + header.dataBytes);
  }
  return { header, data };
}

/** Reads only the header (and back pointer) of the record at `pos`. */
export function readRecordHeader(file: DataFile, pos: number, oid?: Oid): RecordHeader {
  const bytes = DATA_HEADER_BYTES + BACK_POINTER_BYTES;
  const at = file.locateCached(pos, bytes);
  if (at >= 0) {
    const block = file.cachedBytes;
    return headerFrom(file, block, file.cachedView, at, pos, block.length - at, oid);
  }
  const n = file.readCached(scratch, pos, bytes);
  if (n < DATA_HEADER_BYTES) {
    throw new CorruptedDataError('data record header is cut short by the end of the file', {
      path: file.path,
      offset: pos,
    });
  }
  return headerFrom(file, scratch, scratchView, 0, pos, n, oid);
}

/**
 * Decodes and checks the header at offset `base` of `buf` (`view` over the
 * same memory; `available` bytes from `base` on) of the record at `pos`.
 */
function headerFrom(
  file: DataFile,
  buf: Uint8Array,
  view: DataView,
  base: number,
  pos: number,
  available: number,
  oid: Oid | undefined,
): RecordHeader {
  const recordOid = readOidOrInvalid(buf, base);
  if (oid !== undefined && recordOid !== oid) {
    throw new CorruptedDataError(
      `expected a data record of oid ${oidRepr(oid)}, found ${recordOid < 0 ? 'an invalid oid' : `oid ${oidRepr(recordOid)}`}`,
      { path: file.path, offset: pos },
    );
  }
  const prev = readPosition(buf, base + 16);
  const tloc = readPosition(buf, base + 24);
  const versionBytes = (buf[base + 32]! << 8) | buf[base + 33]!;
  const dataBytes = readPosition(buf, base + 34);
  if (versionBytes !== 0 || prev >= pos || tloc >= pos) {
    throw new CorruptedDataError(
      `damaged data record header (version length ${versionBytes}, prev ${prev}, transaction ${tloc})`,
      { path: file.path, offset: pos },
    );
  }
  let backPointer = 0;
  if (dataBytes === 0) {
    if (available < DATA_HEADER_BYTES + BACK_POINTER_BYTES) {
      throw new CorruptedDataError('back pointer is cut short by the end of the file', {
        path: file.path,
        offset: pos + DATA_HEADER_BYTES,
      });
    }
    backPointer = readPosition(buf, base + DATA_HEADER_BYTES);
    if (backPointer >= pos) {
      throw new CorruptedDataError(`back pointer ${backPointer} does not point backwards`, {
        path: file.path,
        offset: pos + DATA_HEADER_BYTES,
      });
    }
  }
  // One bigint for the tid (readTid builds it from two halves).
  const tid = view.getBigUint64(base + 8);
  return { pos, oid: recordOid, tid, prev, tloc, dataBytes, backPointer };
}

/**
 * The data of the record `header`, following back pointers; `null` when the
 * record (or the end of its chain) is a deletion.
 */
export function readRecordData(file: DataFile, header: RecordHeader): Uint8Array | null {
  let h = header;
  while (h.dataBytes === 0) {
    if (h.backPointer === 0) return null;
    if (h.backPointer === EMPTY_DATA_MARKER) return new Uint8Array(0);
    h = readRecordHeader(file, h.backPointer, header.oid);
  }
  return file.readExactly(
    h.pos + DATA_HEADER_BYTES,
    h.dataBytes,
    `data of oid ${oidRepr(h.oid)}`,
    true,
  );
}

/** Like {@link readRecordData} for a record read with {@link readRecord}. */
export function dataOf(file: DataFile, record: RecordWithData): Uint8Array | null {
  return record.data ?? readRecordData(file, record.header);
}

/**
 * The first record of `oid` with `tid <= at` (and `<= visible`), walking
 * the `prev` chain from the record at `pos`; `null` when none qualifies.
 * {@link findRevision} without the next revision's tid.
 */
export function findRecordAt(
  file: DataFile,
  pos: number,
  oid: Oid,
  at: Tid,
  visible: Tid,
): RecordWithData | null {
  let p = pos;
  while (p !== 0) {
    const record = readRecord(file, p, oid);
    const tid = record.header.tid;
    if (tid <= at && tid <= visible) return record;
    p = record.header.prev;
  }
  return null;
}

/**
 * Walks the `prev` chain of `oid` from the record at `pos` (newest first)
 * and returns the first record with `tid <= at`, with the tid of the record
 * after it on the chain (`nextTid`, `null` for the newest), skipping records
 * newer than `visible` entirely. `null` when no record qualifies.
 */
export function findRevision(
  file: DataFile,
  pos: number,
  oid: Oid,
  at: Tid,
  visible: Tid,
): { record: RecordWithData; nextTid: Tid | null } | null {
  let nextTid: Tid | null = null;
  let p = pos;
  while (p !== 0) {
    const record = readRecord(file, p, oid);
    const tid = record.header.tid;
    if (tid <= at && tid <= visible) return { record, nextTid };
    if (tid <= visible) nextTid = tid;
    p = record.header.prev;
  }
  return null;
}

/**
 * The record of `oid` written by transaction `serial`, walking the `prev`
 * chain from `pos` and ignoring records newer than `visible`; `undefined`
 * when there is none.
 */
export function findSerial(
  file: DataFile,
  pos: number,
  oid: Oid,
  serial: Tid,
  visible: Tid,
): RecordWithData | undefined {
  let p = pos;
  while (p !== 0) {
    const record = readRecord(file, p, oid);
    const tid = record.header.tid;
    if (tid === serial && tid <= visible) return record;
    if (tid < serial) return undefined;
    p = record.header.prev;
  }
  return undefined;
}
