/**
 * `Blob`: a persistent object whose data is a file managed by the storage
 * ("ZODB blobs are database-managed files"). Its record holds no data; the
 * storage keeps one file per committed revision, and uncommitted data lives
 * in the storage's temporary directory until the commit renames it in.
 *
 * @module
 */

import { copyFileSync, createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { ZERO_TID } from '../ids.js';
import type { Oid } from '../ids.js';
import { Persistent } from '../persistent/persistent.js';
import type { TrackingMode } from '../persistent/persistent.js';
import { slotOf } from '../persistent/slot.js';
import { registerClass } from '../serialize/class-registry.js';
import { BLOB_CLASS_NAME } from '../storage/blob/blob-copier.js';
import { moveFile, removeFile } from '../storage/blob/move-file.js';
import { BlobError } from './blob-error.js';
import { blobFiles, newBlobFileName } from './blob-files.js';
import { isBlobJar } from './blob-jar.js';
import type { BlobJar } from './blob-jar.js';

/**
 * Chunk size of blob streams: 1 MiB instead of Node's 64 KiB halves the CPU
 * time of streaming a large blob (16 times fewer chunks and callbacks).
 */
const STREAM_CHUNK_BYTES = 1024 * 1024;
/**
 * ZODB's blob open modes: `'r'` the data this transaction sees, `'w'`
 * replace, `'a'` append, `'c'` the committed file (read-only, usable after
 * the transaction ends).
 */
export type BlobMode = 'r' | 'w' | 'a' | 'c';

/**
 * A persistent file. Store it as an attribute of any persistent object (or
 * in a BTree); stream large data with `open`, small data with
 * `read`/`write`.
 *
 * @example
 * ```ts
 * const photo = new Blob();
 * await pipeline(createReadStream('photo.jpg'), photo.open('w'));
 * root.photo = photo;
 * await txn.commit();
 * ```
 */
export class Blob extends Persistent {
  static override _p_tracking: TrackingMode = 'explicit';

  /** A new blob, holding `data` when given. */
  constructor(data?: Uint8Array | string) {
    super();
    if (data !== undefined) {
      const file = newBlobFileName(undefined);
      writeFileSync(file, data);
      blobFiles(this).uncommitted = file;
    }
  }

  /**
   * Opens the blob: `'r'` and `'c'` give a read stream, `'w'` and `'a'` a
   * write stream (the blob is marked changed; it can be committed once the
   * stream is closed).
   * @throws BlobError when a writer is open (for any mode but `'c'`), or for
   *   `'c'` when the blob has uncommitted data or was never committed.
   */
  open(mode: 'r' | 'c'): ReadStream;
  open(mode: 'w' | 'a'): WriteStream;
  open(mode: BlobMode): ReadStream | WriteStream;
  open(mode: BlobMode): ReadStream | WriteStream {
    switch (mode) {
      case 'r':
        this.checkNotWriting('read');
        return createReadStream(this.currentFile(), { highWaterMark: STREAM_CHUNK_BYTES });
      case 'c':
        return createReadStream(this.committed(), { highWaterMark: STREAM_CHUNK_BYTES });
      case 'w':
      case 'a':
        return this.openWriter(mode);
      default:
        throw new BlobError(
          `unknown blob open mode ${JSON.stringify(mode)}: use 'r', 'w', 'a' or 'c'`,
        );
    }
  }

  /** The whole data, as this transaction sees it (for small blobs). */
  async read(): Promise<Buffer> {
    this.checkNotWriting('read');
    return readFile(this.currentFile());
  }

  /** Replaces the data with `data` (for small blobs). */
  async write(data: Uint8Array | string): Promise<void> {
    const stream = this.openWriter('w');
    stream.end(data);
    await finished(stream);
  }

  /**
   * The path of the committed file of the revision this transaction sees.
   * Never write to it.
   * @throws BlobError when the blob has uncommitted changes or was never committed.
   */
  committed(): string {
    this._p_activate();
    if (blobFiles(this).uncommitted !== undefined) {
      throw new BlobError(
        'the blob has uncommitted changes: commit them before asking for the committed file',
      );
    }
    const committed = this.committedFile();
    if (committed === undefined) throw new BlobError('the blob was never committed');
    return committed;
  }

  /**
   * Takes the existing file `path` as the blob's new data, moving it
   * (a rename when on the same file system, no copy). The file is gone from
   * `path` afterwards.
   * @throws BlobError when a writer is open.
   */
  consumeFile(path: string): void {
    this.checkNotWriting('replace');
    this._p_willChange();
    const files = blobFiles(this);
    const target = newBlobFileName(this.temporaryDirectory());
    moveFile(path, target);
    if (files.uncommitted !== undefined) removeFile(files.uncommitted);
    files.uncommitted = target;
  }

  /** A blob's record holds no data: its file is kept by the storage. */
  override __getstate__(): unknown {
    return null;
  }

  /** Nothing to install: the data is in the storage's blob file. */
  override __setstate__(_state: unknown): void {}

  private openWriter(mode: 'w' | 'a'): WriteStream {
    this.checkNotWriting('open for writing');
    this._p_willChange();
    const files = blobFiles(this);
    let file = files.uncommitted;
    if (file === undefined || mode === 'w') {
      const fresh = newBlobFileName(this.temporaryDirectory());
      const committed = mode === 'a' && file === undefined ? this.committedFile() : undefined;
      if (committed !== undefined) copyFileSync(committed, fresh);
      if (file !== undefined) removeFile(file);
      file = files.uncommitted = fresh;
    }
    const stream = createWriteStream(file, {
      flags: mode === 'a' ? 'a' : 'w',
      highWaterMark: STREAM_CHUNK_BYTES,
    });
    files.writing = true;
    stream.once('close', () => {
      files.writing = false;
    });
    return stream;
  }

  /** The file holding the data this transaction sees (an empty one for a new, empty blob). */
  private currentFile(): string {
    this._p_activate();
    const files = blobFiles(this);
    if (files.uncommitted !== undefined) return files.uncommitted;
    const committed = this.committedFile();
    if (committed !== undefined) return committed;
    const empty = newBlobFileName(this.temporaryDirectory());
    writeFileSync(empty, new Uint8Array(0));
    files.uncommitted = empty;
    return empty;
  }

  /** The committed file of the loaded revision, or `undefined` for a blob never committed. */
  private committedFile(): string | undefined {
    const slot = slotOf(this);
    if (slot.oid === undefined || slot.serial === ZERO_TID) return undefined;
    return this.jar().loadBlob(slot.oid as Oid, slot.serial);
  }

  private temporaryDirectory(): string | undefined {
    return slotOf(this).jar === undefined ? undefined : this.jar().blobTemporaryDirectory();
  }

  private jar(): BlobJar {
    const jar = slotOf(this).jar;
    if (!isBlobJar(jar)) throw new BlobError('the blob belongs to a jar without blob support');
    return jar;
  }

  private checkNotWriting(what: string): void {
    if (blobFiles(this).writing) {
      throw new BlobError(
        `cannot ${what} the blob: it is already open for writing in this transaction`,
      );
    }
  }
}

registerClass(Blob, BLOB_CLASS_NAME);
