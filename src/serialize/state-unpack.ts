/**
 * {@link unpackState}: msgpackr's read of a record's state, without a view
 * per record.
 *
 * msgpackr reads from a Uint8Array between a start and an end offset, and
 * attaches a DataView to the array it reads (as an own `dataView`
 * property) unless one is there. Handing it a `subarray` of each record
 * costs two objects per decode, and handing it the caller's array would add
 * a property to the caller's object. msgpackr also picks its string readers
 * by the end offset: below 140 (180 for map keys) it reads strings in
 * JavaScript and caches map keys, which is faster for small records. So:
 *
 * - a small record is copied into one scratch array (at offset 0: the same
 *   end offset, so the same string readers, as a view of the record);
 * - a large one is read through a view of the record's whole ArrayBuffer
 *   (records come in runs from one buffer: a storage's cached block, an
 *   encoder's slab, Node's Buffer pool), made once per buffer;
 * - the few in between, and reads nested in another read, through a view
 *   of the state as before.
 *
 * @module
 */

import { KEPT_BUFFER_BYTES_MAX } from './limits.js';
import { recordUnpackr } from './msgpack-codec.js';

/** msgpackr reads sources that end below this offset with its JavaScript string readers. */
const SMALL_SOURCE_END = 140;
/** msgpackr caches map keys for sources that end below this offset. */
const KEY_CACHE_SOURCE_END = 180;

/** The scratch copy of a small record (its DataView, attached by msgpackr, is reused too). */
const scratch = new Uint8Array(SMALL_SOURCE_END);
/** Whether a read of the scratch copy is under way (a nested read must not overwrite it). */
let scratchInUse = false;

/** The view of the whole buffer of the last record read (a buffer of at most KEPT_BUFFER_BYTES_MAX). */
let lastWhole: Uint8Array | undefined;

/** msgpackr's options object, reused: msgpackr reads `start` and `end` as it starts, before any nested read. */
const bounds = { start: 0, end: 0 };

/**
 * A view of all of `data`'s ArrayBuffer: the last one if it is the same
 * buffer, else a new one, kept for the next record when the buffer is small.
 */
function wholeView(data: Uint8Array): Uint8Array {
  const buffer = data.buffer;
  const last = lastWhole;
  if (last !== undefined && last.buffer === buffer) return last;
  const whole = new Uint8Array(buffer);
  lastWhole = buffer.byteLength <= KEPT_BUFFER_BYTES_MAX ? whole : undefined;
  return whole;
}

/**
 * Reads the one MessagePack value at `data[start..]` that must end exactly
 * at the end of `data`, with the record codec's unpacker. Safe to call from
 * inside another read (msgpackr saves and restores its state).
 *
 * @throws what msgpackr and the extension readers throw for bad bytes.
 */
export function unpackState(data: Uint8Array, start: number): unknown {
  if (data.byteLength < SMALL_SOURCE_END && !scratchInUse) {
    scratch.set(data);
    bounds.start = start;
    bounds.end = data.byteLength;
    scratchInUse = true;
    try {
      return recordUnpackr.unpack(scratch, bounds) as unknown;
    } finally {
      scratchInUse = false;
    }
  }
  if (data.byteLength - start < KEY_CACHE_SOURCE_END) {
    return recordUnpackr.unpack(data.subarray(start)) as unknown;
  }
  const whole = wholeView(data);
  bounds.start = data.byteOffset + start;
  bounds.end = data.byteOffset + data.byteLength;
  return recordUnpackr.unpack(whole, bounds) as unknown;
}
