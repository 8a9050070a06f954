/**
 * Object ids (oids) and transaction ids (tids).
 *
 * Both are 8-byte big-endian values on disk and on the wire, as in ZODB. In
 * memory an oid is a `number` (exact up to 2^53, far past any database, and
 * the fastest Map key); a tid is a `bigint`, because a tid is a
 * {@link TimeStamp} whose 64-bit value exceeds 2^53. Tids are compared, not
 * used as hot keys.
 *
 * @module
 */

/** An object id. The root object's oid is 0. */
export type Oid = number;

/** A transaction id: a 64-bit TimeStamp value, strictly increasing per storage. */
export type Tid = bigint;

/** The root object's oid (ZODB's `z64`). */
export const ROOT_OID: Oid = 0;

/** The zero tid: the serial of an object that was never committed. */
export const ZERO_TID: Tid = 0n;

/** The largest tid; "load the current revision" is `loadAt(oid, MAX_TID)`. */
export const MAX_TID: Tid = 0xffff_ffff_ffff_ffffn;

/** The largest oid a `number` can hold exactly. */
export const MAX_OID: Oid = Number.MAX_SAFE_INTEGER;

/** Writes two 32-bit halves as 8 big-endian bytes. */
function writeHalves(high: number, low: number, out: Uint8Array, offset: number): void {
  out[offset] = high >>> 24;
  out[offset + 1] = (high >>> 16) & 0xff;
  out[offset + 2] = (high >>> 8) & 0xff;
  out[offset + 3] = high & 0xff;
  out[offset + 4] = low >>> 24;
  out[offset + 5] = (low >>> 16) & 0xff;
  out[offset + 6] = (low >>> 8) & 0xff;
  out[offset + 7] = low & 0xff;
}

/** Reads the unsigned 32-bit big-endian word at `offset`. */
function readWord(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) |
      (bytes[offset + 1]! << 16) |
      (bytes[offset + 2]! << 8) |
      bytes[offset + 3]!) >>>
    0
  );
}

/** Writes an oid as 8 big-endian bytes into `out` at `offset`. */
export function writeOid(oid: Oid, out: Uint8Array, offset = 0): void {
  writeHalves(Math.floor(oid / 0x1_0000_0000), oid >>> 0, out, offset);
}

/** Reads an oid from 8 big-endian bytes. Throws RangeError past 2^53. */
export function readOid(bytes: Uint8Array, offset = 0): Oid {
  const high = readWord(bytes, offset);
  if (high > 0x1f_ffff) throw new RangeError(`oid at offset ${offset} exceeds 2^53`);
  return high * 0x1_0000_0000 + readWord(bytes, offset + 4);
}

/** An oid as 8 bytes. */
export function oidToBytes(oid: Oid): Uint8Array {
  const out = new Uint8Array(8);
  writeOid(oid, out);
  return out;
}

/** Writes a tid as 8 big-endian bytes. */
export function writeTid(tid: Tid, out: Uint8Array, offset = 0): void {
  writeHalves(Number(tid >> 32n), Number(tid & 0xffff_ffffn), out, offset);
}

/** Reads a tid from 8 big-endian bytes. */
export function readTid(bytes: Uint8Array, offset = 0): Tid {
  return (BigInt(readWord(bytes, offset)) << 32n) | BigInt(readWord(bytes, offset + 4));
}

/** A tid as 8 bytes. */
export function tidToBytes(tid: Tid): Uint8Array {
  const out = new Uint8Array(8);
  writeTid(tid, out);
  return out;
}

/** `0x`-prefixed 16-digit hex, ZODB's `oid_repr` style, for messages. */
export function oidRepr(oid: Oid): string {
  return '0x' + oid.toString(16).padStart(16, '0');
}

/** `0x`-prefixed 16-digit hex of a tid, for messages. */
export function tidRepr(tid: Tid): string {
  return '0x' + tid.toString(16).padStart(16, '0');
}

/** Parses `0x...` hex or decimal into an oid; RangeError on anything else. */
export function parseOid(text: string): Oid {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t)
    ? Number.parseInt(t.slice(2), 16)
    : /^\d+$/.test(t)
      ? Number(t)
      : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not an oid: "${text}"`);
  return n;
}

/** Parses `0x...` hex or decimal into a tid; RangeError on anything else. */
export function parseTid(text: string): Tid {
  const t = text.trim();
  if (!/^(0x[0-9a-f]{1,16}|\d+)$/i.test(t)) throw new RangeError(`not a tid: "${text}"`);
  const v = BigInt(t);
  if (v > MAX_TID) throw new RangeError(`tid out of range: "${text}"`);
  return v;
}
