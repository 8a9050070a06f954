/**
 * The message codec: MessagePack through msgpackr configured as PROTOCOL.md
 * says (plain maps and arrays, no record extension), with tids as 8-byte
 * big-endian binaries.
 *
 * Encoding converts every `bigint` found in a message (a tid) to its 8
 * bytes, so message builders write tids as `Tid`s. Decoding returns
 * `unknown`: the receiver narrows every field with `wire-values.ts`.
 *
 * @module
 */

import { Packr, Unpackr } from 'msgpackr';
import { ProtocolError } from '../errors.js';
import { tidToBytes } from '../ids.js';
import { encodeFrame } from './frame.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** `value` with every bigint (a tid) replaced by its 8 big-endian bytes. */
export function toWireValue(value: unknown): unknown {
  if (typeof value === 'bigint') return tidToBytes(value);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = toWireValue(item);
      if (converted !== item) {
        copy ??= value.slice();
        copy[i] = converted;
      }
    }
    return copy ?? value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = toWireValue(item);
  }
  return out;
}

/** The MessagePack payload of `message` (tids converted by {@link toWireValue}). */
export function encodeMessage(message: unknown): Uint8Array {
  return packr.pack(toWireValue(message));
}

/** The complete frame (length prefix and payload) of `message`. */
export function encodeMessageFrame(message: unknown): Buffer {
  return encodeFrame(encodeMessage(message));
}

/**
 * Decodes one payload. Binaries decode as `Buffer`s viewing `payload`.
 *
 * @throws ProtocolError when the payload is not exactly one well-formed
 *   MessagePack value (truncated, trailing bytes, unknown extension).
 */
export function decodeMessage(payload: Uint8Array): unknown {
  try {
    return unpackr.unpack(payload);
  } catch (error) {
    throw new ProtocolError(
      `a frame payload is not one well-formed MessagePack value: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}
