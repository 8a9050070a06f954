/**
 * The Data.fs layout (ZODB's FileStorage format, magic `FS30`): constants,
 * and encoders/decoders of the two fixed-size headers. `FORMAT.md` beside
 * this file documents the layout with offset tables and a worked example.
 *
 * All integers are big-endian and unsigned. File positions are JS numbers
 * (exact up to 2^53); a decoded position that does not fit is reported as
 * `Infinity` so that every bounds check on it fails and the caller reports
 * corruption instead of reading a wrong place.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import { readTid, writeOid, writeTid } from '../../ids.js';

/** The 4 bytes at offset 0 of every Data.fs: `FS30` (ZODB 4 and later). */
export const FILE_MAGIC = new Uint8Array([0x46, 0x53, 0x33, 0x30]);

/** Size of the file header (the magic). The first transaction starts here. */
export const FILE_HEADER_BYTES = 4;

/** Size of a transaction header before its user, description and extension bytes. */
export const TRANSACTION_HEADER_BYTES = 23;

/** Size of a data record header. */
export const DATA_HEADER_BYTES = 42;

/** Size of the redundant transaction length that ends every transaction record. */
export const TRANSACTION_TRAILER_BYTES = 8;

/** Size of a back pointer (written instead of data when the data length is 0). */
export const BACK_POINTER_BYTES = 8;

/**
 * The back pointer of a record whose data is empty (0 bytes). A data length
 * of 0 means "back pointer follows", so an empty record cannot be written as
 * data; it is written as a back pointer to position 1, which no record can
 * have (the magic fills 0..3). ZODB never stores empty records (a pickle is
 * never empty), so its files never contain this value.
 */
export const EMPTY_DATA_MARKER = 1;

/** True when `backPointer` points at a record (not 0 = deletion, not the empty-data marker). */
export function pointsAtRecord(backPointer: number): boolean {
  return backPointer >= FILE_HEADER_BYTES;
}

/** Offset of the status byte inside a transaction header. */
export const STATUS_OFFSET = 16;

/** Transaction status bytes. */
export const Status = {
  /** A committed transaction. */
  committed: 0x20, // ' '
  /** A transaction written by pack (its non-current records were removed). */
  packed: 0x70, // 'p'
  /** Checkpoint: written at vote, not yet finished. Only ever the last transaction. */
  checkpoint: 0x63, // 'c'
  /** Obsolete "undone" status of old ZODB versions; readers skip its records. */
  undone: 0x75, // 'u'
} as const;

/** A decoded transaction header (the fixed 23 bytes). */
export interface TransactionHeader {
  readonly tid: Tid;
  /** Length of the transaction record without its 8-byte trailer. */
  readonly length: number;
  /** The status byte, see {@link Status}. */
  readonly status: number;
  readonly userBytes: number;
  readonly descriptionBytes: number;
  readonly extensionBytes: number;
}

/** A decoded data record header (the fixed 42 bytes, plus the back pointer if any). */
export interface DataHeader {
  /** The oid, or -1 when the 8 bytes exceed 2^53 (corruption). */
  readonly oid: Oid;
  readonly tid: Tid;
  /** Position of the previous record of this oid, 0 when none. */
  readonly prev: number;
  /** Position of the enclosing transaction header. */
  readonly tloc: number;
  /** Version length: always 0 (ZODB versions were removed). */
  readonly versionBytes: number;
  /** Data length; 0 means a back pointer follows instead of data. */
  readonly dataBytes: number;
}

/** Length of the metadata part (header, user, description, extension) of a transaction. */
export function transactionMetadataBytes(h: TransactionHeader): number {
  return TRANSACTION_HEADER_BYTES + h.userBytes + h.descriptionBytes + h.extensionBytes;
}

/** Length of a data record (header plus data or back pointer). */
export function dataRecordBytes(dataBytes: number): number {
  return DATA_HEADER_BYTES + (dataBytes === 0 ? BACK_POINTER_BYTES : dataBytes);
}

/** Reads an unsigned 64-bit big-endian position; `Infinity` past 2^53. */
export function readPosition(buf: Uint8Array, offset: number): number {
  const high = readUint32(buf, offset);
  const low = readUint32(buf, offset + 4);
  if (high > 0x1f_ffff) return Infinity;
  return high * 0x1_0000_0000 + low;
}

/** Writes a position as 8 big-endian bytes. */
export function writePosition(value: number, buf: Uint8Array, offset: number): void {
  writeUint32(Math.floor(value / 0x1_0000_0000), buf, offset);
  writeUint32(value >>> 0, buf, offset + 4);
}

/** Reads an oid; -1 when it does not fit in 2^53 (a damaged record). */
export function readOidOrInvalid(buf: Uint8Array, offset: number): Oid {
  const high = readUint32(buf, offset);
  if (high > 0x1f_ffff) return -1;
  return high * 0x1_0000_0000 + readUint32(buf, offset + 4);
}

/** Decodes the 23-byte transaction header at `offset` of `buf`. */
export function decodeTransactionHeader(buf: Uint8Array, offset = 0): TransactionHeader {
  return {
    tid: readTid(buf, offset),
    length: readPosition(buf, offset + 8),
    status: buf[offset + STATUS_OFFSET]!,
    userBytes: readUint16(buf, offset + 17),
    descriptionBytes: readUint16(buf, offset + 19),
    extensionBytes: readUint16(buf, offset + 21),
  };
}

/** Encodes a transaction header into `buf` at `offset`. */
export function encodeTransactionHeader(h: TransactionHeader, buf: Uint8Array, offset = 0): void {
  writeTid(h.tid, buf, offset);
  writePosition(h.length, buf, offset + 8);
  buf[offset + STATUS_OFFSET] = h.status;
  writeUint16(h.userBytes, buf, offset + 17);
  writeUint16(h.descriptionBytes, buf, offset + 19);
  writeUint16(h.extensionBytes, buf, offset + 21);
}

/** Decodes the 42-byte data record header at `offset` of `buf`. */
export function decodeDataHeader(buf: Uint8Array, offset = 0): DataHeader {
  return {
    oid: readOidOrInvalid(buf, offset),
    tid: readTid(buf, offset + 8),
    prev: readPosition(buf, offset + 16),
    tloc: readPosition(buf, offset + 24),
    versionBytes: readUint16(buf, offset + 32),
    dataBytes: readPosition(buf, offset + 34),
  };
}

/** Encodes a data record header into `buf` at `offset` (version length 0). */
export function encodeDataHeader(
  h: Omit<DataHeader, 'versionBytes'>,
  buf: Uint8Array,
  offset = 0,
): void {
  writeOid(h.oid, buf, offset);
  writeTid(h.tid, buf, offset + 8);
  writePosition(h.prev, buf, offset + 16);
  writePosition(h.tloc, buf, offset + 24);
  writeUint16(0, buf, offset + 32);
  writePosition(h.dataBytes, buf, offset + 34);
}

/** A tid as its two 32-bit halves, for {@link encodeDataHeaderFields}. */
export interface TidHalves {
  readonly high: number;
  readonly low: number;
}

/** Splits `tid` into the halves {@link encodeDataHeaderFields} takes. */
export function tidHalves(tid: Tid): TidHalves {
  return { high: Number(tid >> 32n), low: Number(tid & 0xffff_ffffn) };
}

/**
 * {@link encodeDataHeader} from separate fields, with the tid split once
 * beforehand ({@link tidHalves}): the records of a transaction share their
 * tid, and this runs once per stored record without allocating.
 */
export function encodeDataHeaderFields(
  buf: Uint8Array,
  offset: number,
  oid: Oid,
  tid: TidHalves,
  prev: number,
  tloc: number,
  dataBytes: number,
): void {
  writeUint32(Math.floor(oid / 0x1_0000_0000), buf, offset);
  writeUint32(oid >>> 0, buf, offset + 4);
  writeUint32(tid.high, buf, offset + 8);
  writeUint32(tid.low, buf, offset + 12);
  writePosition(prev, buf, offset + 16);
  writePosition(tloc, buf, offset + 24);
  buf[offset + 32] = 0;
  buf[offset + 33] = 0;
  writePosition(dataBytes, buf, offset + 34);
}

/**
 * A whole data record: header, then `data`, or a back pointer when `data`
 * is `null` (`backPointer`, 0 for a deletion) or empty ({@link EMPTY_DATA_MARKER}).
 */
export function encodeRecord(
  h: { oid: Oid; tid: Tid; prev: number; tloc: number },
  data: Uint8Array | null,
  backPointer = 0,
): Uint8Array {
  const dataBytes = data === null ? 0 : data.length;
  const out = new Uint8Array(
    DATA_HEADER_BYTES + (dataBytes === 0 ? BACK_POINTER_BYTES : dataBytes),
  );
  encodeDataHeader({ ...h, dataBytes }, out, 0);
  if (dataBytes > 0) out.set(data!, DATA_HEADER_BYTES);
  else writePosition(data === null ? backPointer : EMPTY_DATA_MARKER, out, DATA_HEADER_BYTES);
  return out;
}

/** True when the 8 bytes at `a[ai]` and `b[bi]` are equal (tid comparison without bigints). */
export function equalBytes8(a: Uint8Array, ai: number, b: Uint8Array, bi: number): boolean {
  for (let i = 0; i < 8; i++) if (a[ai + i] !== b[bi + i]) return false;
  return true;
}

/** A printable name of a status byte, for messages (`' '`, `'p'`, `0x07`). */
export function statusName(status: number): string {
  return status >= 0x20 && status < 0x7f
    ? `'${String.fromCharCode(status)}'`
    : `0x${status.toString(16).padStart(2, '0')}`;
}

function readUint32(buf: Uint8Array, offset: number): number {
  return (
    ((buf[offset]! << 24) |
      (buf[offset + 1]! << 16) |
      (buf[offset + 2]! << 8) |
      buf[offset + 3]!) >>>
    0
  );
}

function writeUint32(value: number, buf: Uint8Array, offset: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
}

function readUint16(buf: Uint8Array, offset: number): number {
  return (buf[offset]! << 8) | buf[offset + 1]!;
}

function writeUint16(value: number, buf: Uint8Array, offset: number): void {
  buf[offset] = (value >>> 8) & 0xff;
  buf[offset + 1] = value & 0xff;
}
