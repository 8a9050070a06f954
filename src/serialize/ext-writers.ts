/**
 * Encode-side markers: objects the state encoder puts in the tree it hands
 * to msgpackr wherever the record needs bytes that plain MessagePack values
 * do not give (references, tags, Dates, binary, -0, ...). One msgpackr
 * extension matches the {@link Encoded} base class and lets each marker
 * write its own bytes.
 *
 * @module
 */

import { writeOid } from '../ids.js';
import type { Oid } from '../ids.js';
import {
  ExtType,
  RECORD_FORMAT_VERSION,
  RECORD_MAGIC,
  REFERENCE_ENTRY_BYTES,
  TIMESTAMP_EXT_TYPE,
} from './format.js';
import { utf16Bytes } from './utf16.js';

/** Space msgpackr hands an extension to write into (its `allocateForWrite` result). */
export interface WriteWindow {
  target: Uint8Array;
  targetView: DataView;
  position: number;
}

/** msgpackr's `allocateForWrite`: reserves `bytes` at the current position; call it once, first. */
export type AllocateForWrite = (bytes: number) => WriteWindow;

/** msgpackr's inner `pack`: appends one value at the current position. */
export type PackValue = (value: unknown) => void;

/** A value that writes its own MessagePack bytes. */
export abstract class Encoded {
  /** Writes this value: `allocate` exactly once first, then any number of `pack` calls. */
  abstract write(allocate: AllocateForWrite, pack: PackValue): void;
}

function extHeaderBytes(length: number): number {
  if (length === 1 || length === 2 || length === 4 || length === 8 || length === 16) return 2;
  return length < 0x100 ? 3 : length < 0x1_0000 ? 4 : 6;
}

/**
 * Allocates and writes the header of an extension with a `length`-byte
 * payload (fixext when the length allows, else ext 8/16/32), returning where
 * the payload goes.
 */
function beginExt(allocate: AllocateForWrite, type: number, length: number): WriteWindow {
  const window = allocate(extHeaderBytes(length) + length);
  const { target } = window;
  let p = window.position;
  if (length === 1) target[p++] = 0xd4;
  else if (length === 2) target[p++] = 0xd5;
  else if (length === 4) target[p++] = 0xd6;
  else if (length === 8) target[p++] = 0xd7;
  else if (length === 16) target[p++] = 0xd8;
  else if (length < 0x100) {
    target[p++] = 0xc7;
    target[p++] = length;
  } else if (length < 0x1_0000) {
    target[p++] = 0xc8;
    target[p++] = length >>> 8;
    target[p++] = length & 0xff;
  } else {
    target[p++] = 0xc9;
    window.targetView.setUint32(p, length);
    p += 4;
  }
  target[p++] = type & 0xff;
  // msgpackr hands out a fresh window per extension and never reads it back.
  window.position = p;
  return window;
}

/** Writes an extension whose payload is an unsigned index in 1, 2 or 4 bytes (big-endian). */
function writeIndexExt(allocate: AllocateForWrite, type: number, index: number): void {
  const width = index < 0x100 ? 1 : index < 0x1_0000 ? 2 : 4;
  const { target, targetView, position } = beginExt(allocate, type, width);
  if (width === 1) target[position] = index;
  else if (width === 2) targetView.setUint16(position, index);
  else targetView.setUint32(position, index);
}

/** A reference to a persistent object of this database: index into the header's reference table. */
export class ReferenceWriter extends Encoded {
  constructor(readonly index: number) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    writeIndexExt(allocate, ExtType.reference, this.index);
  }
}

const CACHED_REFERENCE_WRITERS = 1024;
const referenceWriters: ReferenceWriter[] = [];
for (let i = 0; i < CACHED_REFERENCE_WRITERS; i++) referenceWriters.push(new ReferenceWriter(i));

/** The (shared, immutable) writer of a reference to table entry `index`. */
export function referenceWriter(index: number): ReferenceWriter {
  return referenceWriters[index] ?? new ReferenceWriter(index);
}

/** A reference into another database: 8-byte oid, 2-byte class index, UTF-8 database name. */
export class CrossReferenceWriter extends Encoded {
  constructor(
    readonly oid: Oid,
    readonly classIndex: number,
    readonly database: Uint8Array,
  ) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const { target, targetView, position } = beginExt(
      allocate,
      ExtType.crossReference,
      10 + this.database.length,
    );
    writeOid(this.oid, target, position);
    targetView.setUint16(position + 8, this.classIndex);
    target.set(this.database, position + 10);
  }
}

/** The structure tag opening an array that stands for a Map, Set, value object or special object. */
export class TagWriter extends Encoded {
  constructor(readonly kind: number) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const { target, position } = beginExt(allocate, ExtType.tag, 1);
    target[position] = this.kind;
  }
}

/** A back-reference to the object numbered `id` (see FORMAT.md, "Structures"). */
export class BackReferenceWriter extends Encoded {
  constructor(readonly id: number) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    writeIndexExt(allocate, ExtType.backReference, this.id);
  }
}

/** A bigint outside the 64-bit ranges, as minimal two's complement big-endian bytes. */
export class BigIntWriter extends Encoded {
  constructor(readonly value: bigint) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const negative = this.value < 0n;
    let hex = (negative ? -this.value - 1n : this.value).toString(16);
    if (hex.length % 2 === 1) hex = '0' + hex;
    if (Number.parseInt(hex[0]!, 16) >= 8) hex = '00' + hex;
    const length = hex.length / 2;
    const { target, position } = beginExt(allocate, ExtType.bigint, length);
    for (let i = 0; i < length; i++) {
      const byte = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      target[position + i] = negative ? ~byte & 0xff : byte;
    }
  }
}

/** Binary data: a kind byte, then the bytes. */
export class BinaryWriter extends Encoded {
  constructor(
    readonly kind: number,
    readonly bytes: Uint8Array,
  ) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const { target, position } = beginExt(allocate, ExtType.binary, 1 + this.bytes.byteLength);
    target[position] = this.kind;
    target.set(this.bytes, position + 1);
  }
}

const utf8 = new TextEncoder();

/** A regular expression as UTF-8 `flags/source`. */
export class RegExpWriter extends Encoded {
  constructor(readonly pattern: RegExp) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const bytes = utf8.encode(`${this.pattern.flags}/${this.pattern.source}`);
    const { target, position } = beginExt(allocate, ExtType.regexp, bytes.byteLength);
    target.set(bytes, position);
  }
}

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_34 = 0x4_0000_0000;

/** A Date as a MessagePack timestamp (32, 64 or 96), or the invalid-Date extension. */
export class DateWriter extends Encoded {
  constructor(readonly time: number) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    if (Number.isNaN(this.time)) {
      const { target, position } = beginExt(allocate, ExtType.invalidDate, 1);
      target[position] = 0;
      return;
    }
    const seconds = Math.floor(this.time / 1000);
    const nanoseconds = (this.time - seconds * 1000) * 1_000_000;
    if (nanoseconds === 0 && seconds >= 0 && seconds < TWO_POW_32) {
      const { targetView, position } = beginExt(allocate, TIMESTAMP_EXT_TYPE, 4);
      targetView.setUint32(position, seconds);
    } else if (seconds >= 0 && seconds < TWO_POW_34) {
      const { targetView, position } = beginExt(allocate, TIMESTAMP_EXT_TYPE, 8);
      targetView.setUint32(position, nanoseconds * 4 + Math.floor(seconds / TWO_POW_32));
      targetView.setUint32(position + 4, seconds >>> 0);
    } else {
      const { targetView, position } = beginExt(allocate, TIMESTAMP_EXT_TYPE, 12);
      targetView.setUint32(position, nanoseconds);
      targetView.setBigInt64(position + 4, BigInt(seconds));
    }
  }
}

/** Negative zero as a float 64 (msgpackr would write it as the integer 0). */
export class NegativeZeroWriter extends Encoded {
  write(allocate: AllocateForWrite): void {
    const { target, targetView, position } = allocate(9);
    target[position] = 0xcb;
    targetView.setFloat64(position + 1, -0);
  }
}

/** The one negative-zero writer. */
export const NEGATIVE_ZERO = new NegativeZeroWriter();

/** A string with unpaired surrogates, as UTF-16LE code units. */
export class Utf16StringWriter extends Encoded {
  constructor(readonly text: string) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const bytes = utf16Bytes(this.text);
    const { target, position } = beginExt(allocate, ExtType.utf16String, bytes.byteLength);
    target.set(bytes, position);
  }
}

/**
 * The header's reference table (extension 0x29): per entry, the 8-byte
 * big-endian oid and the 2-byte big-endian class index, written straight
 * into msgpackr's buffer.
 */
export class ReferenceTableWriter extends Encoded {
  constructor(
    readonly oids: readonly Oid[],
    readonly classIndexes: readonly number[],
  ) {
    super();
  }
  write(allocate: AllocateForWrite): void {
    const window = beginExt(
      allocate,
      ExtType.referenceTable,
      this.oids.length * REFERENCE_ENTRY_BYTES,
    );
    const { target, targetView } = window;
    let at = window.position;
    for (let i = 0; i < this.oids.length; i++) {
      writeOid(this.oids[i]!, target, at);
      targetView.setUint16(at + 8, this.classIndexes[i]!);
      at += REFERENCE_ENTRY_BYTES;
    }
  }
}

/** A whole record: prefix, header array `[className, classes, references]`, state. */
export class RecordWriter extends Encoded {
  constructor(
    readonly flags: number,
    readonly className: string,
    readonly classes: readonly string[],
    readonly references: ReferenceTableWriter,
    readonly state: unknown,
  ) {
    super();
  }
  write(allocate: AllocateForWrite, pack: PackValue): void {
    const { target, position } = allocate(4);
    target[position] = RECORD_MAGIC;
    target[position + 1] = RECORD_FORMAT_VERSION;
    target[position + 2] = this.flags;
    target[position + 3] = 0x93;
    pack(this.className);
    pack(this.classes);
    pack(this.references);
    pack(this.state);
  }
}
