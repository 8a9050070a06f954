/**
 * Encoding of a transaction's extension (extended info) in the transaction
 * header: MessagePack via msgpackr, the project's record codec. An empty
 * extension is stored as zero bytes, as ZODB does, so files without
 * extended info are byte-compatible with ZODB's layout.
 *
 * @module
 */

import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, moreTypes: true, mapsAsObjects: true });

const EMPTY = new Uint8Array(0);

/** The bytes stored for `extension` (empty for an empty object). */
export function encodeExtension(extension: Readonly<Record<string, unknown>>): Uint8Array {
  if (isEmpty(extension)) return EMPTY;
  return packr.pack(extension);
}

/** True when `object` has no own enumerable property (without building the list of keys). */
function isEmpty(object: Readonly<Record<string, unknown>>): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return false;
  return true;
}

/**
 * The extension stored as `bytes`. Bytes that are not a MessagePack map
 * (for example a pickle written by Python's ZODB) decode as `{}`: the
 * extension is informational and must never make history unreadable.
 */
export function decodeExtension(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return {};
  return value as Record<string, unknown>;
}
