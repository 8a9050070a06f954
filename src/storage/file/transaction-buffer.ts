/**
 * The bytes of the transaction being committed, gathered during the first
 * phase of two-phase commit (its metadata at `tpcBegin`, then the records of
 * `store`, `restore`, `deleteObject`, `undo`) and written to the Data.fs at
 * vote, in one write when they are all in memory.
 *
 * Bytes are kept in one reused memory block up to
 * {@link TRANSACTION_BUFFER_MEMORY_BYTES_MAX}; the rest goes to `Data.fs.tmp`
 * (ZODB's first-phase file), so a very large transaction costs bounded
 * memory. Offsets are relative to the start of the transaction.
 *
 * Spilled bytes are gathered in a staging block of {@link COPY_CHUNK_BYTES}
 * and written to the spill file a block at a time: one write per record
 * (a system call each, ~20 µs on a virtual machine) was 40% of the commit of
 * a 10^6-key OOBTree (48,000 records, 21.7 MB: 5,000 of them past the
 * memory cap). Staged bytes are written before anything reads the spill
 * file, so a write error still surfaces before the transaction's vote
 * ends.
 *
 * @module
 */

import * as fs from 'node:fs';
import type { DataFile } from './data-file.js';
import { ioError } from './data-file.js';
import { COPY_CHUNK_BYTES, TRANSACTION_BUFFER_MEMORY_BYTES_MAX } from './limits.js';

/** The memory block doubles up to this size, then grows to its cap in one step. */
const GROW_BY_DOUBLING_MAX = 1 << 20;

/** The first-phase record buffer; see the module comment. */
export class TransactionBuffer {
  private memory = new Uint8Array(4096);
  private memoryUsed = 0;
  private spillFd: number | undefined;
  /** Spilled bytes, written or staged. */
  private spillUsed = 0;
  /** The staging block of spilled bytes not yet written (see the module comment). */
  private spillStage: Uint8Array | undefined;
  /** Bytes in {@link spillStage}: the last ones of {@link spillUsed}. */
  private spillStaged = 0;
  private readonly spillPath: string;
  private readonly memoryMax: number;

  /** `spillPath` is the `.tmp` file used past `memoryMax` bytes. */
  constructor(spillPath: string, memoryMax = TRANSACTION_BUFFER_MEMORY_BYTES_MAX) {
    this.spillPath = spillPath;
    this.memoryMax = memoryMax;
  }

  /** Bytes gathered so far. */
  get length(): number {
    return this.memoryUsed + this.spillUsed;
  }

  /**
   * Forgets everything gathered (the spill file is kept open for reuse). A
   * large memory block is kept while transactions fill a good part of it
   * (a run of large commits reuses it instead of mapping fresh pages each
   * time), and let go after a transaction that needed little of it.
   */
  reset(): void {
    const used = this.memoryUsed;
    this.memoryUsed = 0;
    this.spillUsed = 0;
    this.spillStaged = 0;
    if (this.memory.length > GROW_BY_DOUBLING_MAX && used < this.memory.length / 8) {
      this.memory = new Uint8Array(4096);
    }
  }

  /** Appends `bytes`. */
  append(bytes: Uint8Array): void {
    if (this.spillUsed === 0 && this.memoryUsed + bytes.length <= this.memoryMax) {
      this.ensureMemory(this.memoryUsed + bytes.length);
      this.memory.set(bytes, this.memoryUsed);
      this.memoryUsed += bytes.length;
      return;
    }
    if (this.spillStaged + bytes.length > COPY_CHUNK_BYTES) this.flushSpill();
    if (bytes.length >= COPY_CHUNK_BYTES) {
      this.writeSpill(bytes, this.spillUsed);
    } else {
      this.spillStage ??= new Uint8Array(COPY_CHUNK_BYTES);
      this.spillStage.set(bytes, this.spillStaged);
      this.spillStaged += bytes.length;
    }
    this.spillUsed += bytes.length;
  }

  /** Writes the staged spilled bytes to the spill file. */
  private flushSpill(): void {
    if (this.spillStaged === 0) return;
    const staged = this.spillStaged;
    this.writeSpill(this.spillStage!.subarray(0, staged), this.spillUsed - staged);
    this.spillStaged = 0;
  }

  private writeSpill(bytes: Uint8Array, position: number): void {
    const fd = this.openSpill();
    try {
      let done = 0;
      while (done < bytes.length) {
        done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
      }
    } catch (error) {
      throw ioError(`cannot write ${this.spillPath}`, error);
    }
  }

  /**
   * Appends `length` bytes for the caller to fill in place, in
   * {@link memoryBlock} from the returned offset on (no copy); -1 when they
   * would not stay in memory, and then nothing is appended (use
   * {@link append}). The block may be replaced by the next append or
   * reserve, so fill the bytes before either.
   */
  reserve(length: number): number {
    if (this.spillUsed !== 0 || this.memoryUsed + length > this.memoryMax) return -1;
    this.ensureMemory(this.memoryUsed + length);
    const at = this.memoryUsed;
    this.memoryUsed += length;
    return at;
  }

  /** The memory block holding the gathered bytes kept in memory (see {@link reserve}). */
  get memoryBlock(): Uint8Array {
    return this.memory;
  }

  /** Reads `length` bytes at `offset` (which must lie within the gathered bytes). */
  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || offset + length > this.length) {
      throw new RangeError(`transaction buffer read ${offset}+${length} past ${this.length}`);
    }
    const out = new Uint8Array(length);
    const fromMemory = Math.max(0, Math.min(length, this.memoryUsed - offset));
    if (fromMemory > 0) out.set(this.memory.subarray(offset, offset + fromMemory));
    if (fromMemory < length) {
      this.flushSpill();
      const spillOffset = offset + fromMemory - this.memoryUsed;
      try {
        fs.readSync(this.openSpill(), out, fromMemory, length - fromMemory, spillOffset);
      } catch (error) {
        throw ioError(`cannot read ${this.spillPath}`, error);
      }
    }
    return out;
  }

  /** Replaces gathered bytes at `offset` with `bytes`; the range must be in memory (the start is). */
  overwrite(offset: number, bytes: Uint8Array): void {
    if (offset < 0 || offset + bytes.length > this.memoryUsed) {
      throw new RangeError(
        `transaction buffer overwrite ${offset}+${bytes.length} past ${this.memoryUsed} bytes in memory`,
      );
    }
    this.memory.set(bytes, offset);
  }

  /**
   * Writes everything gathered, then `tail`, into `file` at `position`: one
   * write when nothing was spilled.
   */
  writeTo(file: DataFile, position: number, tail: Uint8Array): void {
    if (this.spillUsed === 0) {
      this.ensureMemory(this.memoryUsed + tail.length);
      this.memory.set(tail, this.memoryUsed);
      file.write(this.memory.subarray(0, this.memoryUsed + tail.length), position);
      return;
    }
    file.write(this.memory.subarray(0, this.memoryUsed), position);
    this.writeSpillTo(file, position + this.memoryUsed);
    file.write(tail, position + this.length);
  }

  private writeSpillTo(file: DataFile, position: number): void {
    this.flushSpill();
    const chunk = new Uint8Array(Math.min(COPY_CHUNK_BYTES, this.spillUsed));
    const fd = this.openSpill();
    for (let done = 0; done < this.spillUsed;) {
      const want = Math.min(chunk.length, this.spillUsed - done);
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, want, done);
      } catch (error) {
        throw ioError(`cannot read ${this.spillPath}`, error);
      }
      if (n <= 0) throw ioError(`${this.spillPath} is shorter than what was written to it`, null);
      file.write(chunk.subarray(0, n), position + done);
      done += n;
    }
  }

  /** Closes and removes the spill file, if one was made. */
  close(): void {
    if (this.spillFd === undefined) return;
    fs.closeSync(this.spillFd);
    this.spillFd = undefined;
    fs.rmSync(this.spillPath, { force: true });
  }

  private ensureMemory(needed: number): void {
    if (needed <= this.memory.length) return;
    let size = this.memory.length * 2;
    while (size < needed) size *= 2;
    // Past 1 MiB the block goes straight to the cap: a large block's
    // untouched pages cost nothing (the system maps them on first write),
    // while each doubling copies everything gathered into fresh pages.
    if (size > GROW_BY_DOUBLING_MAX) size = Math.max(needed, this.memoryMax);
    const grown = new Uint8Array(Math.min(size, Math.max(needed, this.memoryMax)));
    grown.set(this.memory.subarray(0, this.memoryUsed));
    this.memory = grown;
  }

  private openSpill(): number {
    if (this.spillFd !== undefined) return this.spillFd;
    try {
      const fd = fs.openSync(this.spillPath, 'w+');
      this.spillFd = fd;
      return fd;
    } catch (error) {
      throw ioError(`cannot create ${this.spillPath}`, error);
    }
  }
}
