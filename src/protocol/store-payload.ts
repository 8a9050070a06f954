/**
 * A fast reader of `store` notification payloads, the bulk of what a
 * committing client sends: `[3, "store", [txnId, oid, oldSerial, data]]`
 * in the encoding `frame-batch.ts` (and msgpackr) writes, read straight
 * from the bytes with no intermediate values. Anything else, including a
 * store spelled another valid way, is left to the general decoder.
 *
 * @module
 */

import { MAX_OID, readTid } from '../ids.js';
import type { ClientNotifications } from './messages.js';

/** The first 9 bytes of a store payload: `fixarray 3, 3, fixstr "store", fixarray 4`. */
const STORE_PREFIX = [0x93, 0x03, 0xa5, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x94] as const;

/** Largest txnId (an unsigned 32-bit integer, PROTOCOL.md). */
const TXN_ID_MAX = 0xffff_ffff;

/** Bytes of an encoded tid: `bin 8` marker, length 8, the 8 bytes. */
const TID_BYTES = 10;

/**
 * The arguments of the store notification `payload` holds, or `undefined`
 * when it is not a store written the usual way (the caller then decodes it
 * in general, which also reports a malformed one). `data` is a view of
 * `payload`.
 */
export function readStorePayload(payload: Buffer): ClientNotifications['store'] | undefined {
  const end = payload.length;
  if (end < STORE_PREFIX.length + 2 + TID_BYTES + 2) return undefined;
  for (let i = 0; i < STORE_PREFIX.length; i++) {
    if (payload[i] !== STORE_PREFIX[i]) return undefined;
  }
  let at = STORE_PREFIX.length;
  const txnIdBytes = uintBytes(payload, at);
  if (txnIdBytes === 0) return undefined;
  const txnId = uintAt(payload, at);
  at += txnIdBytes;
  const oidBytes = uintBytes(payload, at);
  if (oidBytes === 0) return undefined;
  const oid = uintAt(payload, at);
  at += oidBytes;
  if (txnId > TXN_ID_MAX || !(oid >= 0 && oid <= MAX_OID) || !Number.isInteger(oid)) {
    return undefined;
  }
  if (at + TID_BYTES > end || payload[at] !== 0xc4 || payload[at + 1] !== 8) return undefined;
  const oldSerial = readTid(payload, at + 2);
  at += TID_BYTES;
  const headerBytes = binHeaderBytes(payload, at);
  if (headerBytes === 0 || at + headerBytes + binLength(payload, at) !== end) return undefined;
  return [txnId, oid, oldSerial, payload.subarray(at + headerBytes, end)];
}

/** Bytes of the unsigned integer at `at` in an encoding msgpackr writes (0: none, or truncated). */
function uintBytes(payload: Buffer, at: number): number {
  const marker = payload[at];
  let size: number;
  if (marker === undefined) return 0;
  if (marker < 0x80) size = 1;
  else if (marker === 0xcc) size = 2;
  else if (marker === 0xcd) size = 3;
  else if (marker === 0xce) size = 5;
  else if (marker === 0xcb) size = 9;
  else return 0;
  return at + size <= payload.length ? size : 0;
}

/** The number at `at`, whose size {@link uintBytes} checked (a float 64 may be any number). */
function uintAt(payload: Buffer, at: number): number {
  const marker = payload[at]!;
  if (marker < 0x80) return marker;
  if (marker === 0xcc) return payload[at + 1]!;
  if (marker === 0xcd) return payload.readUInt16BE(at + 1);
  if (marker === 0xce) return payload.readUInt32BE(at + 1);
  return payload.readDoubleBE(at + 1);
}

/** Bytes of the `bin 8/16/32` header at `at` (0: none, or truncated). */
function binHeaderBytes(payload: Buffer, at: number): number {
  const marker = payload[at];
  const size = marker === 0xc4 ? 2 : marker === 0xc5 ? 3 : marker === 0xc6 ? 5 : 0;
  return at + size <= payload.length ? size : 0;
}

/** The length the `bin` header at `at` announces (its size checked by {@link binHeaderBytes}). */
function binLength(payload: Buffer, at: number): number {
  const marker = payload[at];
  if (marker === 0xc4) return payload[at + 1]!;
  if (marker === 0xc5) return payload.readUInt16BE(at + 1);
  return payload.readUInt32BE(at + 1);
}
