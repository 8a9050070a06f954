/**
 * The msgpackr instances of the record codec and the registration of the
 * record's extension types (process-wide in msgpackr, done once on import).
 *
 * Packing: `useRecords: false` (no shared record structures: every record is
 * self-describing), `variableMapSize: true` (the smallest map header, so
 * encodings are canonical). msgpackr's own `moreTypes` encodings are not
 * used: every non-plain value reaches msgpackr as an {@link Encoded} marker
 * that writes the bytes FORMAT.md specifies.
 *
 * Unpacking: maps become plain objects, `bin` values (which this format
 * never writes, but other writers may) are copied so they never alias the
 * record, 64-bit integers become bigints.
 *
 * @module
 */

import { Packr, Unpackr, addExtension } from 'msgpackr';
import {
  readBackReference,
  readBigInt,
  readBinary,
  readCrossReference,
  readInvalidDate,
  readReference,
  parseReferenceTable,
  readRegExp,
  readTag,
  readUtf16String,
} from './ext-readers.js';
import { Encoded } from './ext-writers.js';
import type { AllocateForWrite, PackValue } from './ext-writers.js';
import { ExtType } from './format.js';

type MsgpackrExtension = Parameters<typeof addExtension>[0];

/**
 * msgpackr calls an extension's `pack(value, allocateForWrite, pack)` with
 * three arguments, and `unpack(payload)`; its type declarations name only
 * the first argument of each, hence the casts at registration.
 */
function register(extension: {
  type: number;
  Class?: typeof Encoded;
  pack?: (value: Encoded, allocate: AllocateForWrite, pack: PackValue) => void;
  unpack: (payload: Uint8Array) => unknown;
}): void {
  addExtension(extension as unknown as MsgpackrExtension);
}

register({ type: ExtType.crossReference, unpack: readCrossReference });
register({ type: ExtType.tag, unpack: readTag });
register({ type: ExtType.backReference, unpack: readBackReference });
register({ type: ExtType.bigint, unpack: readBigInt });
register({ type: ExtType.binary, unpack: readBinary });
register({ type: ExtType.regexp, unpack: readRegExp });
register({ type: ExtType.invalidDate, unpack: readInvalidDate });
register({ type: ExtType.utf16String, unpack: readUtf16String });
register({ type: ExtType.referenceTable, unpack: parseReferenceTable });
// Registered last so it is the first class msgpackr checks while packing.
register({
  type: ExtType.reference,
  Class: Encoded,
  pack: (value, allocate, pack) => value.write(allocate, pack),
  unpack: readReference,
});

/** The packer of records. */
export const recordPackr = new Packr({ useRecords: false, variableMapSize: true });

/** The unpacker of records. */
export const recordUnpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  int64AsType: 'bigint',
});
