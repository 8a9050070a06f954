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

/** One open file; see the module comment. */
export class DataFile {
  /** The path the file was opened from. */
  readonly path: string;
  private fd: number;
  private holders = 1;

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
   * Reads exactly `length` bytes at `position`; a short read (the file ends
   * first) is a {@link CorruptedDataError} naming `what` was expected there.
   */
  readExactly(position: number, length: number, what: string): Uint8Array {
    const out = new Uint8Array(length);
    const n = this.readInto(out, position, length);
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
