/**
 * {@link readPlainState}: a MessagePack reader for the states of records
 * without structures, the common case (BTree buckets and nodes, objects
 * of plain values), that does without msgpackr's per-call setup.
 *
 * It reads the forms this format writes into a non-structured state (nil,
 * booleans, integers, float 64, str, arrays, maps with string keys, and
 * the extensions), with the same results as the record codec's msgpackr
 * unpacker. On anything else (bytes this format never writes there, such
 * as bin, float 32, other libraries' extensions, a `__proto__` map key)
 * and on any malformed or truncated value, it gives up and the state is
 * read again by msgpackr, which decodes it or reports the error as
 * before: the two readers cannot disagree on an error message.
 *
 * Giving up after side effects is safe: the only callback made while
 * reading is reference resolution, which the decode remembers per
 * reference (a second read gets the same objects, without calling the
 * caller again); cross-database references, whose resolution is not
 * remembered, are read by msgpackr from the start.
 *
 * Strings: ASCII strings are made from the bytes directly (one flat
 * one-byte string each, nothing else allocated; map keys come from a
 * small cache); others go through a UTF-8 decoder, which replaces
 * invalid sequences with U+FFFD.
 *
 * @module
 */

import { binaryFromBytes, sharedBinaryFromBytes } from './binary-kinds.js';
import { MalformedRecord } from './decode-failures.js';
import type { DecodeRun } from './ext-readers.js';
import {
  readBackReference,
  readBigInt,
  readInvalidDate,
  readRegExp,
  readTag,
  readUtf16String,
  parseReferenceTable,
} from './ext-readers.js';
import { ExtType } from './format.js';
import { unpackState } from './state-unpack.js';

/** Thrown inside the reader to hand the state to msgpackr. */
const GIVE_UP: unique symbol = Symbol('read with msgpackr');

/** msgpackr's code for `undefined` (fixext 1 of type 0) and the timestamp extension. */
const EXT_UNDEFINED = 0x00;
const EXT_TIMESTAMP = 0xff;

const utf8 = new TextDecoder('utf-8');

/** Scratch for float 64: its 8 bytes in host order, read as a number. */
const floatBytes = new Uint8Array(8);
const floatValue = new Float64Array(floatBytes.buffer);
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The read in progress (one at a time: a read started while another runs,
// from a reference callback, goes to msgpackr).
let bytes: Uint8Array = new Uint8Array(0);
let position = 0;
let end = 0;
/** Array and map entries the rest of the record can still hold (a damaged length must not allocate). */
let budget = 0;
let run: DecodeRun | undefined;
/** Whether the record's class lets its typed arrays share a buffer ({@link sharedBinaryFromBytes}). */
let shareBinaries = false;
let reading = false;

/**
 * Reads the state at `data[start..]`, which must end exactly at the end of
 * `data`, of a record that `run` (published to the extension readers)
 * flags as not structured. Returns what {@link unpackState} returns, but
 * with `sharedBinaries` the small typed arrays it reads itself are views
 * on shared slabs ({@link sharedBinaryFromBytes}).
 *
 * @throws what msgpackr and the extension readers throw for bad bytes, and
 *   what the run's reference resolution throws.
 */
export function readPlainState(
  data: Uint8Array,
  start: number,
  decodeRun: DecodeRun,
  sharedBinaries = false,
): unknown {
  if (reading) return unpackState(data, start);
  shareBinaries = sharedBinaries;
  bytes = data;
  position = start;
  end = data.byteLength;
  budget = end - start;
  run = decodeRun;
  reading = true;
  let value: unknown;
  try {
    value = readValue();
    if (position !== end) value = GIVE_UP;
  } catch (error) {
    if (error !== GIVE_UP) throw error;
    value = GIVE_UP;
  } finally {
    reading = false;
    run = undefined;
    bytes = NO_BYTES;
  }
  return value === GIVE_UP ? unpackState(data, start) : value;
}

const NO_BYTES = new Uint8Array(0);

function readValue(): unknown {
  if (position >= end) throw GIVE_UP;
  const token = bytes[position++]!;
  if (token < 0x80) return token;
  if (token < 0x90) return readMap(token & 0x0f);
  if (token < 0xa0) return readArray(token & 0x0f);
  if (token < 0xc0) return readString(token & 0x1f);
  if (token >= 0xe0) return token - 0x100;
  switch (token) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc7:
      return readExtension(readUnsigned(1));
    case 0xc8:
      return readExtension(readUnsigned(2));
    case 0xc9:
      return readExtension(readUnsigned(4));
    case 0xcb:
      return readFloat64();
    case 0xcc:
      return readUnsigned(1);
    case 0xcd:
      return readUnsigned(2);
    case 0xce:
      return readUnsigned(4);
    case 0xcf:
      return readUint64();
    case 0xd0:
      return (readUnsigned(1) << 24) >> 24;
    case 0xd1:
      return (readUnsigned(2) << 16) >> 16;
    case 0xd2:
      return readUnsigned(4) | 0;
    case 0xd3:
      return BigInt.asIntN(64, readUint64());
    case 0xd4:
      return readExtension(1);
    case 0xd5:
      return readExtension(2);
    case 0xd6:
      return readExtension(4);
    case 0xd7:
      return readExtension(8);
    case 0xd8:
      return readExtension(16);
    case 0xd9:
      return readString(readUnsigned(1));
    case 0xda:
      return readString(readUnsigned(2));
    case 0xdb:
      return readString(readUnsigned(4));
    case 0xdc:
      return readArray(readUnsigned(2));
    case 0xdd:
      return readArray(readUnsigned(4));
    case 0xde:
      return readMap(readUnsigned(2));
    case 0xdf:
      return readMap(readUnsigned(4));
    default:
      // 0xc1, bin 8/16/32, float 32: never written in a state.
      throw GIVE_UP;
  }
}

/** Reads a `size`-byte big-endian unsigned integer (size 1, 2 or 4). */
function readUnsigned(size: number): number {
  const at = position;
  if (size > end - at) throw GIVE_UP;
  position = at + size;
  if (size === 1) return bytes[at]!;
  if (size === 2) return (bytes[at]! << 8) | bytes[at + 1]!;
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}

function readUint64(): bigint {
  const high = readUnsigned(4);
  const low = readUnsigned(4);
  return (BigInt(high) << 32n) | BigInt(low);
}

function readFloat64(): number {
  const at = position;
  if (8 > end - at) throw GIVE_UP;
  position = at + 8;
  if (HOST_IS_LITTLE_ENDIAN) for (let i = 0; i < 8; i++) floatBytes[i] = bytes[at + 7 - i]!;
  else for (let i = 0; i < 8; i++) floatBytes[i] = bytes[at + i]!;
  return floatValue[0]!;
}

/** Claims `count` entries of the record's budget (each takes at least a byte). */
function spend(count: number): void {
  if (count > end - position || (budget -= count) < 0) throw GIVE_UP;
}

function readArray(length: number): unknown[] {
  spend(length);
  const array = new Array<unknown>(length);
  for (let i = 0; i < length; i++) array[i] = readValue();
  return array;
}

function readMap(length: number): Record<string, unknown> {
  spend(length);
  const object: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    const key = readKey();
    object[key] = readValue();
  }
  return object;
}

function readKey(): string {
  if (position >= end) throw GIVE_UP;
  const token = bytes[position++]!;
  let key: string;
  if (token >= 0xa0 && token < 0xc0) key = readCachedKey(token & 0x1f);
  else if (token === 0xd9) key = readString(readUnsigned(1));
  else if (token === 0xda) key = readString(readUnsigned(2));
  else if (token === 0xdb) key = readString(readUnsigned(4));
  else throw GIVE_UP;
  // msgpackr renames this key; leave such maps to it.
  if (key === '__proto__') throw GIVE_UP;
  return key;
}

/** Reads `length` bytes of UTF-8 as a string. */
function readString(length: number): string {
  const start = position;
  if (length > end - start) throw GIVE_UP;
  position = start + length;
  if (length <= SHORT_STRING_MAX) {
    const text = shortAscii(start, length);
    if (text !== undefined) return text;
  }
  return utf8.decode(bytes.subarray(start, start + length));
}

/** Strings up to this length are made by String.fromCharCode when ASCII. */
const SHORT_STRING_MAX = 16;

/**
 * The ASCII string of `bytes[start, start + length)` (length at most
 * {@link SHORT_STRING_MAX}), or undefined when a byte is not ASCII. One
 * call with the bytes as arguments makes a flat one-byte string and
 * nothing else (measured: 21-38 ns for 11 bytes, against 45 for Buffer's
 * latin1Slice and 90 for a TextDecoder).
 */
function shortAscii(start: number, length: number): string | undefined {
  const b = bytes;
  const s = start;
  let high = 0;
  for (let i = s; i < s + length; i++) high |= b[i]!;
  if (high >= 0x80) return undefined;
  const char = String.fromCharCode;
  // One case per length, each on one line.
  // prettier-ignore
  switch (length) {
    case 0: return '';
    case 1: return char(b[s]!);
    case 2: return char(b[s]!, b[s + 1]!);
    case 3: return char(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16: return char(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
    default: return undefined;
  }
}

/** Map keys read recently, by a hash of their bytes: keys repeat from object to object. */
const KEY_CACHE_SIZE = 512;
const keyBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEY_CACHE_SIZE);
const keyTexts: string[] = new Array<string>(KEY_CACHE_SIZE);

function readCachedKey(length: number): string {
  const start = position;
  if (length > end - start) throw GIVE_UP;
  let hash = length;
  for (let i = start; i < start + length; i++) hash = (hash * 31 + bytes[i]!) | 0;
  const slot = (hash >>> 0) % KEY_CACHE_SIZE;
  const known = keyBytes[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known[i] === bytes[start + i]) i++;
    if (i === length) {
      position = start + length;
      return keyTexts[slot]!;
    }
  }
  const text = readString(length);
  // A copy (a Buffer's slice would be a view of the record).
  keyBytes[slot] = Uint8Array.prototype.slice.call(bytes, start, start + length);
  keyTexts[slot] = text;
  return text;
}

/** Reads an extension whose payload is `length` bytes (after its type byte). */
function readExtension(length: number): unknown {
  const typeAt = position;
  if (length + 1 > end - typeAt) throw GIVE_UP;
  const type = bytes[typeAt]!;
  const start = typeAt + 1;
  position = start + length;
  switch (type) {
    case ExtType.reference:
      return run!.resolveReference(readIndex(start, length));
    case ExtType.binary:
      return readBinary(start, length);
    case EXT_UNDEFINED:
      return undefined;
    case EXT_TIMESTAMP:
      return readTimestamp(start, length);
    case ExtType.crossReference:
      // Its resolution is not remembered: a later give-up would call the caller twice.
      throw GIVE_UP;
    default:
      return readOtherExtension(type, bytes.subarray(start, start + length));
  }
}

/** A reference or back-reference index: 1, 2 or 4 bytes. */
function readIndex(start: number, length: number): number {
  const b = bytes;
  if (length === 1) return b[start]!;
  if (length === 2) return (b[start]! << 8) | b[start + 1]!;
  if (length === 4)
    return ((b[start]! << 24) | (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!) >>> 0;
  throw new MalformedRecord(`reference payload of ${length} bytes (expected 1, 2 or 4)`);
}

function readBinary(start: number, length: number): object {
  if (length === 0) throw new MalformedRecord('binary value without a kind byte');
  const payload = bytes.subarray(start + 1, start + length);
  const value = shareBinaries
    ? sharedBinaryFromBytes(bytes[start]!, payload)
    : binaryFromBytes(bytes[start]!, payload);
  if (typeof value === 'string') throw new MalformedRecord(value);
  return value;
}

function readOtherExtension(type: number, payload: Uint8Array): unknown {
  switch (type) {
    case ExtType.tag:
      return readTag(payload);
    case ExtType.backReference:
      return readBackReference(payload);
    case ExtType.bigint:
      return readBigInt(payload);
    case ExtType.regexp:
      return readRegExp(payload);
    case ExtType.invalidDate:
      return readInvalidDate();
    case ExtType.utf16String:
      return readUtf16String(payload);
    case ExtType.referenceTable:
      return parseReferenceTable(payload);
    default:
      throw GIVE_UP;
  }
}

/** The timestamp extension (-1), as msgpackr reads it: 32, 64 or 96 bits. */
function readTimestamp(start: number, length: number): Date {
  const b = bytes;
  const s = start;
  if (length === 4) return new Date(readUint32At(s) * 1000);
  if (length === 8) {
    const nanoseconds = readUint32At(s) >>> 2;
    const seconds = (b[s + 3]! & 0x3) * 0x1_0000_0000 + readUint32At(s + 4);
    return new Date(nanoseconds / 1e6 + seconds * 1000);
  }
  if (length === 12) {
    // msgpackr reads the seconds' low 48 bits and their sign bit.
    const nanoseconds = readUint32At(s) | 0;
    const seconds =
      (b[s + 4]! & 0x80 ? -0x1_0000_0000_0000 : 0) +
      b[s + 6]! * 0x100_0000_0000 +
      b[s + 7]! * 0x1_0000_0000 +
      readUint32At(s + 8);
    return new Date(nanoseconds / 1e6 + seconds * 1000);
  }
  return new Date(Number.NaN);
}

function readUint32At(at: number): number {
  const b = bytes;
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
