/**
 * The numbers of the record format: prefix bytes, flags, MessagePack
 * extension type codes, structure tags and binary kinds.
 *
 * `FORMAT.md` beside this file is the specification; every constant here is
 * listed there. Changing any value is a format change and needs a new
 * {@link RECORD_FORMAT_VERSION}.
 *
 * @module
 */

/** First byte of every record: ASCII `Z`. */
export const RECORD_MAGIC = 0x5a;

/** Second byte of every record: the format version this module writes and reads. */
export const RECORD_FORMAT_VERSION = 1;

/** Size of the fixed prefix (magic, version, flags) before the MessagePack header value. */
export const RECORD_PREFIX_BYTES = 3;

/**
 * Flag bit (third byte): the state contains structure tags or back-references,
 * so a decoder must run the structure pass (see FORMAT.md, "Structures").
 */
export const FLAG_STRUCTURED = 0x01;

/** Every flag bit this version defines; any other bit set means corrupted data. */
export const KNOWN_FLAGS = FLAG_STRUCTURED;

/** Bytes per entry of the header's reference table: 8-byte oid, 2-byte class index. */
export const REFERENCE_ENTRY_BYTES = 10;

/**
 * MessagePack extension type codes written by this format.
 *
 * msgpackr's extension table is process-wide, so these codes avoid the ones
 * msgpackr itself defines (0, 0x42, 0x62, 0x65, 0x69, 0x70, 0x72, 0x73, 0x74,
 * 0x78, -1).
 */
export const ExtType = {
  /** Reference to a persistent object of this database: index into the header's reference table. */
  reference: 0x20,
  /** Reference to a persistent object of another database: oid, class index, database name. */
  crossReference: 0x21,
  /** Structure tag: the first element of an array that stands for a Map, Set, value object or special object. */
  tag: 0x22,
  /** Back-reference to an object met earlier in the same state (shared or cyclic structure). */
  backReference: 0x23,
  /** A bigint outside the 64-bit integer ranges: two's complement, big-endian. */
  bigint: 0x24,
  /** Binary data: a kind byte, then the raw bytes (typed arrays, ArrayBuffer, DataView, Buffer). */
  binary: 0x25,
  /** A regular expression: UTF-8 of `flags/source`. */
  regexp: 0x26,
  /** An invalid Date (`new Date(NaN)`). */
  invalidDate: 0x27,
  /** A string that is not well-formed UTF-16 (lone surrogates): UTF-16LE code units. */
  utf16String: 0x28,
  /** The header's reference table: per distinct reference, 8-byte oid and 2-byte class index. */
  referenceTable: 0x29,
} as const;

/** MessagePack's own timestamp extension type (-1, byte 0xff), used for valid Dates. */
export const TIMESTAMP_EXT_TYPE = -1;

/** The kind byte of a structure tag (extension {@link ExtType.tag}). */
export const TagKind = {
  /** `[tag, key1, value1, key2, value2, ...]` is a Map, in insertion order. */
  map: 1,
  /** `[tag, item1, item2, ...]` is a Set, in insertion order. */
  set: 2,
  /** `[tag, classIndex, state]` is an instance of a registered value class. */
  value: 3,
  /** `[tag, prototypeIsNull, key1, value1, ...]` is a plain object needing exact rebuilding. */
  object: 4,
} as const;

/** The kind byte of binary data (extension {@link ExtType.binary}); elements are little-endian. */
export const BinaryKind = {
  arrayBuffer: 0,
  int8: 1,
  uint8: 2,
  uint8Clamped: 3,
  int16: 4,
  uint16: 5,
  int32: 6,
  uint32: 7,
  float32: 8,
  float64: 9,
  bigInt64: 10,
  bigUint64: 11,
  dataView: 12,
  /** Node's Buffer (comes back as a Buffer where `Buffer` exists, else a Uint8Array). */
  buffer: 13,
} as const;
