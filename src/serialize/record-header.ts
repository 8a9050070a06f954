/**
 * The record prefix and header: reading a record's class name and references
 * without decoding its state ({@link readRecordHeader}, {@link referencesOf}).
 *
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import type { Oid } from '../ids.js';
import { MalformedRecord, decodeError } from './decode-failures.js';
import { readReferenceEntries } from './ext-readers.js';
import {
  ExtType,
  KNOWN_FLAGS,
  REFERENCE_ENTRY_BYTES,
  RECORD_FORMAT_VERSION,
  RECORD_MAGIC,
  RECORD_PREFIX_BYTES,
} from './format.js';
import { HeaderCursor } from './header-cursor.js';
import type { RecordHeader } from './interfaces.js';

/**
 * Checks the 3-byte prefix and returns the flags.
 *
 * @throws CorruptedDataError for a short record, a wrong magic byte, an
 *   unknown version or unknown flag bits.
 * @throws TypeError if `data` is not a Uint8Array.
 */
export function readPrefix(data: Uint8Array): number {
  if (!(data instanceof Uint8Array))
    throw new TypeError(`a record must be a Uint8Array, got ${typeof data}`);
  if (data.byteLength < RECORD_PREFIX_BYTES) {
    throw new CorruptedDataError(
      `record of ${data.byteLength} bytes is shorter than its ${RECORD_PREFIX_BYTES}-byte prefix`,
      {
        offset: data.byteLength,
      },
    );
  }
  if (data[0] !== RECORD_MAGIC) {
    throw new CorruptedDataError(
      `not a record: first byte is 0x${hex(data[0]!)}, expected 0x${hex(RECORD_MAGIC)} ("Z")`,
      {
        offset: 0,
      },
    );
  }
  if (data[1] !== RECORD_FORMAT_VERSION) {
    throw new CorruptedDataError(
      `record format version ${data[1]} is not supported (this code reads version ${RECORD_FORMAT_VERSION})`,
      { offset: 1 },
    );
  }
  const flags = data[2]!;
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new CorruptedDataError(`record flags 0x${hex(flags)} have unknown bits set`, {
      offset: 2,
    });
  }
  return flags;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** A header being read: {@link parseHeaderInto} sets every field. */
export interface HeaderTarget {
  className: string;
  classes: readonly string[];
  referenceOids: readonly Oid[];
  referenceClasses: readonly number[];
}

/** The class table and reference table of records that have none (never changed by anyone). */
const NO_CLASSES: readonly string[] = Object.freeze([]);
const NO_OIDS: readonly Oid[] = Object.freeze([]);
const NO_INDEXES: readonly number[] = Object.freeze([]);

/** The one cursor of header reads (a header read calls nothing that could start another). */
const cursor = new HeaderCursor(new Uint8Array(0), 0);

/**
 * Reads the header that follows the prefix, `[className, classes,
 * referenceTable]`, into `target`, and returns the offset where the state
 * starts. Empty tables are shared frozen arrays.
 *
 * @throws MalformedRecord at the offset of the damage.
 */
export function parseHeaderInto(data: Uint8Array, target: HeaderTarget): number {
  cursor.reset(data, RECORD_PREFIX_BYTES);
  try {
    if (cursor.arrayLength('the header') !== 3) {
      throw new MalformedRecord('the header is not an array of 3 values', RECORD_PREFIX_BYTES);
    }
    const className = cursor.string('the class name');
    if (className === '') throw new MalformedRecord('the class name is empty', cursor.offset - 1);
    target.className = className;
    const classes = readClassTable();
    target.classes = classes;
    readReferences(target, classes.length);
    return cursor.offset;
  } finally {
    cursor.release();
  }
}

/** Reads the class table: the shared empty one, or an array of the names. */
function readClassTable(): readonly string[] {
  const classCount = cursor.arrayLength('the class table');
  if (classCount === 0) return NO_CLASSES;
  // The count comes from the record: an array of that length is made only
  // once the names are read (a damaged count must not allocate).
  const first = classTableName(0);
  if (classCount === 1) return [first];
  const classes = [first];
  for (let i = 1; i < classCount; i++) classes.push(classTableName(i));
  return classes;
}

/** Reads entry `index` of the class table. */
function classTableName(index: number): string {
  const name = cursor.string('the class table');
  if (name === '')
    throw new MalformedRecord(`class #${index} of the class table is empty`, cursor.offset - 1);
  return name;
}

/** Reads the reference table into `target`, checking its class indexes against `classCount`. */
function readReferences(target: HeaderTarget, classCount: number): void {
  const tableOffset = cursor.offset;
  const length = cursor.extensionLength(ExtType.referenceTable, 'the reference table');
  if (length === 0) {
    target.referenceOids = NO_OIDS;
    target.referenceClasses = NO_INDEXES;
    return;
  }
  // Arrays of the final length: pushing onto an empty array reserves 17 slots.
  const count = Math.floor(length / REFERENCE_ENTRY_BYTES);
  const oids = new Array<Oid>(count);
  const classIndexes = new Array<number>(count);
  readReferenceEntries(cursor.bytes, cursor.offset - length, length, oids, classIndexes);
  for (let i = 0; i < classIndexes.length; i++) {
    if (classIndexes[i]! >= classCount) {
      throw new MalformedRecord(
        `reference ${i} names class #${classIndexes[i]} of ${classCount}`,
        tableOffset,
      );
    }
  }
  target.referenceOids = oids;
  target.referenceClasses = classIndexes;
}

/**
 * Reads a record's class name and the oids it references, without decoding
 * the state: fast, and needs none of the application's classes (pack, GC,
 * the CLI).
 *
 * @throws CorruptedDataError when the prefix or header is malformed.
 * @throws TypeError if `data` is not a Uint8Array.
 */
export function readRecordHeader(data: Uint8Array): RecordHeader {
  readPrefix(data);
  try {
    const header: HeaderTarget = {
      className: '',
      classes: NO_CLASSES,
      referenceOids: NO_OIDS,
      referenceClasses: NO_INDEXES,
    };
    parseHeaderInto(data, header);
    return { className: header.className, references: [...header.referenceOids] };
  } catch (error) {
    throw decodeError(error, 'record header is corrupted');
  }
}

/** The oids of the persistent objects of this database a record references (ZODB's `referencesf`), for pack and GC. */
export function referencesOf(data: Uint8Array): Oid[] {
  return readRecordHeader(data).references;
}
