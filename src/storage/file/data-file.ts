/**
 * A file opened by FileStorage: positioned synchronous reads and writes on
 * one descriptor, with short reads reported as corruption that names the
 * file and offset, and I/O failures as {@link StorageSystemError}.
 *
 * Several readers (iterators, loads) may share one `DataFile`; it is
 * reference-counted so that a pack can swap the storage to a new file while
 * an iterator still reads the old one: the descriptor closes when the last
 * holder releases it.
 *
 * @module
 */

import * as fs from 'node:fs';
import { CorruptedDataError, StorageSystemError } from '../../errors.js';
import { READ_CACHE_BLOCKS, READ_CACHE_BLOCK_BYTES } from './limits.js';
import { BlockCache } from './read-cache.js';

/** One open file; see the module comment. */
export class DataFile {
  /** The path the file was opened from. */
  readonly path: string;
  private fd: number;
  private holders = 1;
  private readonly cache = new BlockCache(READ_CACHE_BLOCK_BYTES, READ_CACHE_BLOCKS);
  private readonly fill = (into: Uint8Array, position: number, length: number): number =>
    this.readInto(into, position, length);
  private cacheLimit = 0;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Opens `path`: `'read'` read-only, `'write'` read-write (the file must
   * exist), `'create'` read-write, creating or truncating it.
   */
  static open(path: string, mode: 'read' | 'write' | 'create'): DataFile {
    const flags = mode === 'read' ? 'r' : mode === 'write' ? 'r+' : 'w+';
    try {
      return new DataFile(path, fs.openSync(path, flags));
    } catch (error) {
      throw ioError(`cannot open ${path}`, error);
    }
  }

  /**
   * Bytes below this position may be served from the read cache
   * (`readCached`): the owner promises they do not change while the file
   * is open other than through this object. FileStorage sets it to the end
   * of its last durable, published transaction; 0 (the default) disables
   * the cache. Lowering it drops what was cached past the new value.
   */
  get cacheableEnd(): number {
    return this.cacheLimit;
  }

  set cacheableEnd(end: number) {
    if (end < this.cacheLimit) this.cache.invalidate(end, this.cacheLimit - end);
    this.cacheLimit = end;
  }

  /** True until the last holder released the file. */
  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Current size of the file in bytes. */
  size(): number {
    try {
      return fs.fstatSync(this.checkedFd()).size;
    } catch (error) {
      throw ioError(`cannot stat ${this.path}`, error);
    }
  }

  /** The inode number, to notice when the path was replaced (by a pack). */
  inode(): number {
    return fs.fstatSync(this.checkedFd()).ino;
  }

  /**
   * Reads up to `length` bytes at `position` into `into` (from offset 0) and
   * returns how many were read (fewer only at the end of the file).
   */
  readInto(into: Uint8Array, position: number, length = into.length): number {
    const fd = this.checkedFd();
    let done = 0;
    try {
      while (done < length) {
        const n = fs.readSync(fd, into, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
    } catch (error) {
      throw ioError(`cannot read ${this.path} at offset ${position}`, error);
    }
    return done;
  }

  /**
   * {@link readInto} through the read cache: the bytes below
   * {@link cacheableEnd} come from cached blocks (a miss reads the whole
   * block), the rest from the file. Same result as `readInto`.
   */
  readCached(into: Uint8Array, position: number, length = into.length): number {
    if (position >= this.cacheLimit || length > READ_CACHE_BLOCK_BYTES) {
      return this.readInto(into, position, length);
    }
    this.checkedFd();
    const done = this.cache.read(into, 0, position, length, this.cacheLimit, this.fill);
    if (done === length) return done;
    return done + this.readInto(into.subarray(done), position + done, length - done);
  }

  /**
   * When `[position, position + length)` lies in one block already in the
   * read cache (see {@link readCached}), returns the offset of `position`
   * in {@link cachedBytes} (valid until the next read, write or
   * truncation), so the caller can decode in place; -1 otherwise, and then
   * the caller reads with {@link readCached}, which may fill the block.
   */
  locateCached(position: number, length: number): number {
    if (position + length > this.cacheLimit) return -1;
    this.checkedFd();
    return this.cache.locate(position, length, this.cacheLimit);
  }

  /** The cached block {@link locateCached} found last. */
  get cachedBytes(): Uint8Array {
    return this.cache.locatedBytes;
  }

  /** A view over {@link cachedBytes}. */
  get cachedView(): DataView {
    return this.cache.locatedView;
  }

  /**
   * Reads exactly `length` bytes at `position`; a short read (the file ends
   * first) is a {@link CorruptedDataError} naming `what` was expected there.
   * With `cached`, small reads go through the read cache (`readCached`).
   */
  readExactly(position: number, length: number, what: string, cached = false): Uint8Array {
    const out = new Uint8Array(length);
    const n = cached
      ? this.readCached(out, position, length)
      : this.readInto(out, position, length);
    if (n !== length) {
      throw new CorruptedDataError(
        `${what} of ${length} bytes is cut short: only ${n} bytes before the end of the file`,
        { path: this.path, offset: position },
      );
    }
    return out;
  }

  /** Writes all of `data` at `position`. */
  write(data: Uint8Array, position: number): void {
    const fd = this.checkedFd();
    this.cache.invalidate(position, data.length);
    let done = 0;
    try {
      while (done < data.length) {
        done += fs.writeSync(fd, data, done, data.length - done, position + done);
      }
    } catch (error) {
      throw ioError(`cannot write ${this.path} at offset ${position}`, error);
    }
  }

  /** Cuts the file to `length` bytes. */
  truncate(length: number): void {
    this.cacheableEnd = Math.min(this.cacheLimit, length);
    this.cache.invalidate(length, Number.MAX_SAFE_INTEGER - length);
    try {
      fs.ftruncateSync(this.checkedFd(), length);
    } catch (error) {
      throw ioError(`cannot truncate ${this.path} to ${length} bytes`, error);
    }
  }

  /** Flushes the file's data (and the metadata needed to read it) to the disk. */
  datasync(): void {
    try {
      fs.fdatasyncSync(this.checkedFd());
    } catch (error) {
      throw ioError(`cannot flush ${this.path} to disk (fdatasync)`, error);
    }
  }

  /** Adds a holder; each holder calls {@link release} once. */
  retain(): this {
    this.checkedFd();
    this.holders++;
    return this;
  }

  /** Drops a holder; the descriptor closes with the last one. */
  release(): void {
    if (this.holders <= 0) return;
    this.holders--;
    if (this.holders === 0 && this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      this.cache.clear();
      fs.closeSync(fd);
    }
  }

  private checkedFd(): number {
    if (this.fd < 0) throw new StorageSystemError(`${this.path} is closed`);
    return this.fd;
  }
}

/** Wraps a Node I/O error into a StorageSystemError with the cause kept. */
export function ioError(message: string, cause: unknown): StorageSystemError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new StorageSystemError(typeof code === 'string' ? `${message}: ${code}` : message, {
    cause,
  });
}

/** Flushes a directory entry change (rename, create) to disk; ignored where unsupported. */
export function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
