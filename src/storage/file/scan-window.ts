/**
 * A read-ahead window over a file for sequential scans (open, pack, check,
 * iteration, recovery): parsing reads headers out of one large buffer
 * instead of issuing a read per record.
 *
 * @module
 */

import type { DataFile } from './data-file.js';
import { SCAN_WINDOW_BYTES } from './limits.js';

/** A sliding read buffer over `file` up to `end`; see the module comment. */
export class ScanWindow {
  /** The window's bytes; valid from `offset(pos)` for the length asked. */
  buffer: Uint8Array;
  private start = 0;
  private filled = 0;
  private readonly file: DataFile;
  private readonly end: number;

  /** Scans `file` up to position `end` (exclusive). */
  constructor(file: DataFile, end: number, windowBytes = SCAN_WINDOW_BYTES) {
    this.file = file;
    this.end = end;
    this.buffer = new Uint8Array(windowBytes);
  }

  /**
   * Makes bytes `[pos, pos + length)` available and returns the offset of
   * `pos` in {@link buffer}; -1 when they extend past the scan's end.
   */
  at(pos: number, length: number): number {
    if (pos + length > this.end) return -1;
    if (pos >= this.start && pos + length <= this.start + this.filled) return pos - this.start;
    if (length > this.buffer.length) this.buffer = new Uint8Array(length);
    const want = Math.min(this.buffer.length, this.end - pos);
    const n = this.file.readInto(this.buffer, pos, want);
    this.start = pos;
    this.filled = n;
    return n >= length ? 0 : -1;
  }

  /**
   * Bytes `[pos, pos + length)` as a view into the window (no copy), valid
   * until the next call on this window; `undefined` past the end or when
   * longer than the window.
   */
  view(pos: number, length: number): Uint8Array | undefined {
    if (length > this.buffer.length) return undefined;
    const at = this.at(pos, length);
    return at < 0 ? undefined : this.buffer.subarray(at, at + length);
  }

  /** A copy of bytes `[pos, pos + length)`, or `undefined` past the end. */
  copy(pos: number, length: number): Uint8Array | undefined {
    if (length > this.buffer.length) {
      if (pos + length > this.end) return undefined;
      const out = new Uint8Array(length);
      return this.file.readInto(out, pos, length) === length ? out : undefined;
    }
    const at = this.at(pos, length);
    return at < 0 ? undefined : this.buffer.slice(at, at + length);
  }
}
