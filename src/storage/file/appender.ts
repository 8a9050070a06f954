/**
 * Buffered sequential writing of a new file (pack output, recovery output):
 * small appends are gathered into large writes.
 *
 * @module
 */

import type { DataFile } from './data-file.js';
import { writePosition } from './format.js';
import { COPY_CHUNK_BYTES } from './limits.js';

/** Appends to `file` from `position` on, through a buffer. */
export class Appender {
  private readonly buffer = new Uint8Array(COPY_CHUNK_BYTES);
  private used = 0;
  private written: number;
  private readonly file: DataFile;
  private readonly scratch = new Uint8Array(8);

  /** Appends to `file` starting at `position`. */
  constructor(file: DataFile, position: number) {
    this.file = file;
    this.written = position;
  }

  /** The file position of the next appended byte. */
  get position(): number {
    return this.written + this.used;
  }

  /** Appends a copy of `bytes` (the caller may reuse them at once). */
  append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) {
      this.file.write(bytes, this.written);
      this.written += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /**
   * Overwrites already appended bytes at `position` (still buffered or
   * already written).
   */
  patch(position: number, bytes: Uint8Array): void {
    if (position >= this.written) {
      this.buffer.set(bytes, position - this.written);
      return;
    }
    this.flush();
    this.file.write(bytes, position);
  }

  /** Overwrites the 8-byte position field at `position` with `value`. */
  patchPosition(position: number, value: number): void {
    writePosition(value, this.scratch, 0);
    this.patch(position, this.scratch);
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.used === 0) return;
    this.file.write(this.buffer.subarray(0, this.used), this.written);
    this.written += this.used;
    this.used = 0;
  }
}
