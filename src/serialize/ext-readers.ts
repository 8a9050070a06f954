/**
 * Decode-side handlers of the record's extension types, called by msgpackr
 * while it reads a state, and the markers they leave for the structure pass.
 *
 * msgpackr's extension table is process-wide and its handlers get no
 * per-call context, so the decode in progress is published in a
 * module-level slot ({@link enterDecodeRun}) for the duration of the
 * synchronous msgpackr call, and restored afterwards (decodes may nest: a
 * callback may decode another record).
 *
 * @module
 */

import { readOid } from '../ids.js';
import type { Oid } from '../ids.js';
import { binaryFromBytes } from './binary-kinds.js';
import { MalformedRecord } from './decode-failures.js';
import { REFERENCE_ENTRY_BYTES, TagKind } from './format.js';
import { stringFromUtf16 } from './utf16.js';

/** A structure tag as read: the first element of an array standing for a Map, Set, ... */
export class DecodedTag {
  constructor(readonly kind: number) {}
}

/** A back-reference as read: the number of an object met earlier. */
export class DecodedBackReference {
  constructor(readonly id: number) {}
}

/** A reference to this database as read, left for the structure pass. */
export class DecodedReference {
  constructor(readonly index: number) {}
}

/** A cross-database reference as read, left for the structure pass. */
export class DecodedCrossReference {
  constructor(
    readonly oid: Oid,
    readonly classIndex: number,
    readonly database: string,
  ) {}
}

/** The header's reference table as read. */
export class ReferenceTable {
  constructor(
    readonly oids: readonly Oid[],
    readonly classIndexes: readonly number[],
  ) {}
}

/** What the handlers need from the decode in progress. */
export interface DecodeRun {
  /** The record is flagged structured: references are left as markers for the structure pass. */
  readonly structured: boolean;
  /** The object for entry `index` of the reference table. */
  resolveReference(index: number): unknown;
  /** The object for a cross-database reference. */
  resolveCrossReference(oid: Oid, classIndex: number, database: string): unknown;
}

let activeRun: DecodeRun | undefined;

/**
 * Publishes `run` to the handlers and returns the run it replaces, to give
 * back to {@link leaveDecodeRun} in a `finally` (what {@link withDecodeRun}
 * does, without a closure per decode).
 */
export function enterDecodeRun(run: DecodeRun): DecodeRun | undefined {
  const outer = activeRun;
  activeRun = run;
  return outer;
}

/** Restores the run {@link enterDecodeRun} replaced. */
export function leaveDecodeRun(outer: DecodeRun | undefined): void {
  activeRun = outer;
}

const DECODED_TAGS = new Map<number, DecodedTag>(
  Object.values(TagKind).map((kind) => [kind, new DecodedTag(kind)]),
);

function readIndex(data: Uint8Array, what: string): number {
  switch (data.byteLength) {
    case 1:
      return data[0]!;
    case 2:
      return (data[0]! << 8) | data[1]!;
    case 4:
      return ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
    default:
      throw new MalformedRecord(`${what} payload of ${data.byteLength} bytes (expected 1, 2 or 4)`);
  }
}

function requireStructured(what: string): void {
  if (activeRun !== undefined && !activeRun.structured) {
    throw new MalformedRecord(`${what} in a record whose flags say it has no structures`);
  }
}

/** Extension 0x20: reference to this database. */
export function readReference(data: Uint8Array): unknown {
  const index = readIndex(data, 'reference');
  const run = activeRun;
  return run === undefined || run.structured
    ? new DecodedReference(index)
    : run.resolveReference(index);
}

/** Extension 0x21: cross-database reference. */
export function readCrossReference(data: Uint8Array): unknown {
  if (data.byteLength < 11)
    throw new MalformedRecord(`cross-database reference of ${data.byteLength} bytes`);
  let oid: Oid;
  try {
    oid = readOid(data, 0);
  } catch {
    throw new MalformedRecord('cross-database reference oid beyond 2^53');
  }
  const classIndex = (data[8]! << 8) | data[9]!;
  const database = utf8Text(data.subarray(10), 'cross-database reference database name');
  const run = activeRun;
  return run === undefined || run.structured
    ? new DecodedCrossReference(oid, classIndex, database)
    : run.resolveCrossReference(oid, classIndex, database);
}

/**
 * Extension 0x29: the header's reference table. The decoder reads the
 * header itself; this handler serves code that decodes a record with
 * msgpackr directly.
 */
export function parseReferenceTable(data: Uint8Array): ReferenceTable {
  const oids: Oid[] = [];
  const classIndexes: number[] = [];
  readReferenceEntries(data, 0, data.byteLength, oids, classIndexes);
  return new ReferenceTable(oids, classIndexes);
}

/**
 * Stores the entries of the reference table payload `bytes[start, start +
 * length)` in `oids` and `classIndexes`, from index 0 (arrays of the entry
 * count, or empty ones to append to).
 *
 * @throws MalformedRecord when the payload is not whole entries or an oid
 *   is beyond 2^53.
 */
export function readReferenceEntries(
  bytes: Uint8Array,
  start: number,
  length: number,
  oids: Oid[],
  classIndexes: number[],
): void {
  if (length % REFERENCE_ENTRY_BYTES !== 0) {
    throw new MalformedRecord(
      `reference table of ${length} bytes is not made of ${REFERENCE_ENTRY_BYTES}-byte entries`,
    );
  }
  const end = start + length;
  for (let at = start; at < end; at += REFERENCE_ENTRY_BYTES) {
    const high =
      ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    if (high > 0x1f_ffff) {
      throw new MalformedRecord(
        `reference ${(at - start) / REFERENCE_ENTRY_BYTES} has an oid beyond 2^53`,
      );
    }
    const low =
      ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>>
      0;
    const entry = (at - start) / REFERENCE_ENTRY_BYTES;
    oids[entry] = high * 0x1_0000_0000 + low;
    classIndexes[entry] = (bytes[at + 8]! << 8) | bytes[at + 9]!;
  }
}

/** Extension 0x22: structure tag. */
export function readTag(data: Uint8Array): DecodedTag {
  requireStructured('a structure tag');
  const tag = data.byteLength === 1 ? DECODED_TAGS.get(data[0]!) : undefined;
  if (tag === undefined) throw new MalformedRecord(`unknown structure tag ${data[0] ?? '(empty)'}`);
  return tag;
}

/** Extension 0x23: back-reference. */
export function readBackReference(data: Uint8Array): DecodedBackReference {
  requireStructured('a back-reference');
  return new DecodedBackReference(readIndex(data, 'back-reference'));
}

/** Extension 0x24: bigint beyond 64 bits, two's complement big-endian. */
export function readBigInt(data: Uint8Array): bigint {
  if (data.byteLength === 0) throw new MalformedRecord('empty bigint');
  let value = 0n;
  for (const byte of data) value = (value << 8n) | BigInt(byte);
  return data[0]! & 0x80 ? value - (1n << BigInt(8 * data.byteLength)) : value;
}

/** Extension 0x25: binary data. */
export function readBinary(data: Uint8Array): object {
  if (data.byteLength === 0) throw new MalformedRecord('binary value without a kind byte');
  const value = binaryFromBytes(data[0]!, data.subarray(1));
  if (typeof value === 'string') throw new MalformedRecord(value);
  return value;
}

/** Extension 0x26: regular expression. */
export function readRegExp(data: Uint8Array): RegExp {
  const text = utf8Text(data, 'regular expression');
  const slash = text.indexOf('/');
  if (slash < 0) throw new MalformedRecord('regular expression without a "/" after its flags');
  try {
    return new RegExp(text.slice(slash + 1), text.slice(0, slash));
  } catch (error) {
    throw new MalformedRecord(`invalid regular expression: ${(error as Error).message}`);
  }
}

/** Extension 0x27: invalid Date. */
export function readInvalidDate(): Date {
  return new Date(Number.NaN);
}

/** Extension 0x28: string with unpaired surrogates, UTF-16LE. */
export function readUtf16String(data: Uint8Array): string {
  const text = stringFromUtf16(data);
  if (text === undefined)
    throw new MalformedRecord(`UTF-16 string of odd length ${data.byteLength}`);
  return text;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Text(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MalformedRecord(`${what} is not valid UTF-8`);
  }
}
