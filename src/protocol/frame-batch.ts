/**
 * Complete frames (length prefix and MessagePack payload) appended one
 * after another into one buffer, so that a run of commit notifications can
 * cross a thread boundary as a single transferable buffer and reach the
 * socket with one write.
 *
 * `store` notifications, by far the most common, are written by hand
 * (PROTOCOL.md, "Value encoding"): the record bytes are copied once, into
 * the batch, with no intermediate message object or MessagePack buffer.
 * The bytes are exactly what the codec reads back as
 * `[3, "store", [txnId, oid, oldSerial, data]]`. Any other message goes
 * through the codec ({@link encodeMessage}).
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { writeTid } from '../ids.js';
import { encodeMessage } from './codec.js';
import { FRAME_HEADER_BYTES } from './limits.js';

/** `fixarray 3, fixint 3, fixstr "store", fixarray 4`: the fixed start of every store payload. */
const STORE_PREFIX = Uint8Array.of(0x93, 0x03, 0xa5, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x94);
/** Most bytes a non-negative integer below 2^53 takes (`float 64` marker and 8 bytes). */
const UINT_BYTES_MAX = 9;
/** Bytes of a tid: `bin 8` marker, length and 8 bytes. */
const TID_BYTES = 10;
/** Most bytes of a `bin` header (`bin 32` marker and 4 length bytes). */
const BIN_HEADER_BYTES_MAX = 5;

/** A growing run of frames. */
export class FrameBatch {
  private buffer: Buffer | undefined;
  private used = 0;
  private frames = 0;

  /** @param capacityBytes the size of each new buffer (a larger frame gets a buffer of its own size) */
  constructor(private readonly capacityBytes: number) {
    if (!Number.isInteger(capacityBytes) || capacityBytes < 64) {
      throw new RangeError(
        `a frame batch needs a capacity of at least 64 bytes, got ${capacityBytes}`,
      );
    }
  }

  /** Bytes of the frames appended since the last {@link take}. */
  get byteLength(): number {
    return this.used;
  }

  /** Frames appended since the last {@link take}. */
  get count(): number {
    return this.frames;
  }

  /** Appends the frame of `[3, "store", [txnId, oid, oldSerial, data]]`. */
  appendStore(txnId: number, oid: Oid, oldSerial: Tid, data: Uint8Array): void {
    const most =
      STORE_PREFIX.length + 2 * UINT_BYTES_MAX + TID_BYTES + BIN_HEADER_BYTES_MAX + data.length;
    const out = this.reserve(FRAME_HEADER_BYTES + most);
    const start = this.used;
    let at = start + FRAME_HEADER_BYTES;
    out.set(STORE_PREFIX, at);
    at += STORE_PREFIX.length;
    at = writeUint(out, at, txnId);
    at = writeUint(out, at, oid);
    out[at] = 0xc4;
    out[at + 1] = 8;
    writeTid(oldSerial, out, at + 2);
    at = writeBinHeader(out, at + TID_BYTES, data.length);
    out.set(data, at);
    at += data.length;
    out.writeUInt32BE(at - start - FRAME_HEADER_BYTES, start);
    this.used = at;
    this.frames++;
  }

  /** Appends the frame of any message (encoded by the codec: tids as 8-byte binaries). */
  appendMessage(message: unknown): void {
    const payload = encodeMessage(message);
    const out = this.reserve(FRAME_HEADER_BYTES + payload.length);
    out.writeUInt32BE(payload.length, this.used);
    out.set(payload, this.used + FRAME_HEADER_BYTES);
    this.used += FRAME_HEADER_BYTES + payload.length;
    this.frames++;
  }

  /**
   * The frames appended so far, copied into a buffer of exactly their size
   * that no one else holds (its `buffer` may be transferred to another
   * thread), or `undefined` when there are none. The batch starts over,
   * reusing its own buffer.
   */
  take(): Uint8Array | undefined {
    const buffer = this.buffer;
    if (buffer === undefined || this.used === 0) return undefined;
    // Never a pooled buffer: the whole ArrayBuffer is handed over.
    const frames = Buffer.allocUnsafeSlow(this.used);
    buffer.copy(frames, 0, 0, this.used);
    this.used = 0;
    this.frames = 0;
    if (buffer.length > this.capacityBytes) this.buffer = undefined; // grown for a large record
    return new Uint8Array(frames.buffer, frames.byteOffset, frames.length);
  }

  /** A buffer with at least `bytes` free after what was written, keeping what was written. */
  private reserve(bytes: number): Buffer {
    const current = this.buffer;
    if (current !== undefined && current.length - this.used >= bytes) return current;
    const grown = Buffer.allocUnsafe(Math.max(this.capacityBytes, 2 * this.used + bytes));
    if (current !== undefined) current.copy(grown, 0, 0, this.used);
    this.buffer = grown;
    return grown;
  }
}

/** Writes `value` (an integer in 0..2^53-1) as msgpackr does; returns the offset after it. */
function writeUint(out: Buffer, at: number, value: number): number {
  if (value < 0x80) {
    out[at] = value;
    return at + 1;
  }
  if (value < 0x100) {
    out[at] = 0xcc;
    out[at + 1] = value;
    return at + 2;
  }
  if (value < 0x1_0000) {
    out[at] = 0xcd;
    out.writeUInt16BE(value, at + 1);
    return at + 3;
  }
  if (value < 0x1_0000_0000) {
    out[at] = 0xce;
    out.writeUInt32BE(value, at + 1);
    return at + 5;
  }
  // Above 32 bits msgpackr writes a float 64 (exact below 2^53), which it reads back as a number.
  out[at] = 0xcb;
  out.writeDoubleBE(value, at + 1);
  return at + 9;
}

/** Writes the `bin 8/16/32` header of `length` bytes; returns the offset after it. */
function writeBinHeader(out: Buffer, at: number, length: number): number {
  if (length < 0x100) {
    out[at] = 0xc4;
    out[at + 1] = length;
    return at + 2;
  }
  if (length < 0x1_0000) {
    out[at] = 0xc5;
    out.writeUInt16BE(length, at + 1);
    return at + 3;
  }
  out[at] = 0xc6;
  out.writeUInt32BE(length, at + 1);
  return at + 5;
}
