/**
 * Framing: every message is a 4-byte big-endian payload length followed by
 * the payload (PROTOCOL.md, "Framing"). {@link encodeFrame} writes one;
 * {@link FrameDecoder} cuts a byte stream arriving in arbitrary pieces back
 * into payloads, refusing empty and oversized frames before reading them.
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import { FRAME_HEADER_BYTES, MAX_FRAME_BYTES_DEFAULT } from './limits.js';

/** The frame (length prefix + payload) carrying `payload`. */
export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length === 0) throw new RangeError('a frame payload cannot be empty');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Incremental frame reader. Feed it the chunks of a stream with
 * {@link FrameDecoder.push}; it returns the payloads completed by each chunk.
 * A payload is copied once into a buffer of its exact size, so a large frame
 * arriving in many chunks costs no repeated concatenation.
 */
export class FrameDecoder {
  /** Largest accepted payload, in bytes. */
  readonly maxFrameBytes: number;
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private payload: Buffer | undefined;
  private payloadFill = 0;
  private failed: ProtocolError | undefined;

  constructor(maxFrameBytes: number = MAX_FRAME_BYTES_DEFAULT) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > 0xffff_ffff) {
      throw new RangeError(`maxFrameBytes must be an integer in 1..2^32-1, got ${maxFrameBytes}`);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes of an incomplete frame held so far. */
  get bufferedBytes(): number {
    return this.headerFill + this.payloadFill;
  }

  /**
   * Consumes `chunk` and returns the payloads it completed, in order.
   *
   * @throws ProtocolError for a frame announcing 0 bytes or more than
   *   `maxFrameBytes`; the decoder then refuses every later chunk too.
   */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failed !== undefined) throw this.failed;
    const frames: Buffer[] = [];
    const length = chunk.length;
    let offset = 0;
    while (offset < length) {
      if (this.payload === undefined) {
        if (this.headerFill === 0 && length - offset >= FRAME_HEADER_BYTES) {
          // The common case: the whole header is in this chunk.
          const size =
            (chunk[offset]! * 0x100_0000 +
              ((chunk[offset + 1]! << 16) | (chunk[offset + 2]! << 8) | chunk[offset + 3]!)) >>>
            0;
          offset += FRAME_HEADER_BYTES;
          this.startPayload(size);
        } else {
          while (this.headerFill < FRAME_HEADER_BYTES && offset < length) {
            this.header[this.headerFill++] = chunk[offset++]!;
          }
          if (this.headerFill < FRAME_HEADER_BYTES) break;
          this.startPayload(this.header.readUInt32BE(0));
        }
      }
      const payload = this.payload as Buffer;
      const take = Math.min(payload.length - this.payloadFill, length - offset);
      copyBytes(chunk, offset, take, payload, this.payloadFill);
      this.payloadFill += take;
      offset += take;
      if (this.payloadFill === payload.length) {
        frames.push(payload);
        this.payload = undefined;
        this.payloadFill = 0;
        this.headerFill = 0;
      }
    }
    return frames;
  }

  private startPayload(length: number): void {
    if (length === 0 || length > this.maxFrameBytes) {
      this.failed = new ProtocolError(
        length === 0
          ? 'a frame announced an empty payload'
          : `a frame announced ${length} bytes, more than the limit of ${this.maxFrameBytes}`,
      );
      throw this.failed;
    }
    this.payload = Buffer.allocUnsafe(length);
  }
}

/** Bytes below which a plain loop beats a native copy (which needs a view object of its own). */
const SMALL_COPY_BYTES = 64;

/** Copies `count` bytes of `from` at `fromOffset` into `to` at `toOffset`. */
function copyBytes(
  from: Uint8Array,
  fromOffset: number,
  count: number,
  to: Buffer,
  toOffset: number,
): void {
  if (count < SMALL_COPY_BYTES) {
    for (let i = 0; i < count; i++) to[toOffset + i] = from[fromOffset + i]!;
    return;
  }
  to.set(from.subarray(fromOffset, fromOffset + count), toOffset);
}
