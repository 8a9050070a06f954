/**
 * The record prefix and header: reading a record's class name and references
 * without decoding its state ({@link readRecordHeader}, {@link referencesOf}).
 *
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import type { Oid } from '../ids.js';
import { MalformedRecord, decodeError } from './decode-failures.js';
import { ReferenceTable } from './ext-readers.js';
import { KNOWN_FLAGS, RECORD_FORMAT_VERSION, RECORD_MAGIC, RECORD_PREFIX_BYTES } from './format.js';
import type { RecordHeader } from './interfaces.js';
import { recordUnpackr } from './msgpack-codec.js';

/** The header as the decoder uses it. */
export interface ParsedHeader {
  className: string;
  /** The class table. */
  classes: string[];
  /** Oid of each reference-table entry. */
  referenceOids: readonly Oid[];
  /** Class-table index of each reference-table entry. */
  referenceClasses: readonly number[];
}

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

/** The MessagePack body after the prefix. */
export function recordBody(data: Uint8Array): Uint8Array {
  return data.subarray(RECORD_PREFIX_BYTES);
}

/** Validates the decoded header value `[className, classes, referenceTable]`. */
export function parseHeader(value: unknown): ParsedHeader {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new MalformedRecord('the header is not an array of 3 values', RECORD_PREFIX_BYTES);
  }
  const [className, classes, table] = value as [unknown, unknown, unknown];
  if (typeof className !== 'string' || className === '') {
    throw new MalformedRecord(
      'the header class name is not a non-empty string',
      RECORD_PREFIX_BYTES,
    );
  }
  if (
    !Array.isArray(classes) ||
    !classes.every((name) => typeof name === 'string' && name !== '')
  ) {
    throw new MalformedRecord(
      'the header class table is not an array of class names',
      RECORD_PREFIX_BYTES,
    );
  }
  if (!(table instanceof ReferenceTable)) {
    throw new MalformedRecord(
      'the header reference table is not a reference-table extension',
      RECORD_PREFIX_BYTES,
    );
  }
  for (let i = 0; i < table.classIndexes.length; i++) {
    if (table.classIndexes[i]! >= classes.length) {
      throw new MalformedRecord(
        `reference ${i} names class #${table.classIndexes[i]} of ${classes.length}`,
      );
    }
  }
  return {
    className,
    classes: classes as string[],
    referenceOids: table.oids,
    referenceClasses: table.classIndexes,
  };
}

/**
 * Reads a record's class name and the oids it references, without decoding
 * the state: fast, and needs none of the application's classes (pack, GC,
 * the CLI).
 *
 * @throws CorruptedDataError when the prefix or header is malformed.
 */
export function readRecordHeader(data: Uint8Array): RecordHeader {
  readPrefix(data);
  let header: ParsedHeader | undefined;
  try {
    recordUnpackr.unpackMultiple(recordBody(data), (value: unknown) => {
      header = parseHeader(value);
      return false;
    });
  } catch (error) {
    throw decodeError(error, 'record header is corrupted');
  }
  if (header === undefined)
    throw new CorruptedDataError('record has no header', { offset: RECORD_PREFIX_BYTES });
  return { className: header.className, references: [...header.referenceOids] };
}

/** The oids of the persistent objects of this database a record references (ZODB's `referencesf`), for pack and GC. */
export function referencesOf(data: Uint8Array): Oid[] {
  return readRecordHeader(data).references;
}
