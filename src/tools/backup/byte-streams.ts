/**
 * Streaming byte copies with a running SHA-256, for backups and restores:
 * a range of a file into a (possibly gzip-compressed) file, and a
 * (possibly compressed) file's bytes and checksum.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { Readable, Transform, Writable } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { ProgressCallback } from '../progress.js';

/** A pass-through stream that hashes and counts what goes through. */
class Measure extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly onBytes?: (bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }
  /** The bytes and checksum, once the stream has ended. */
  result(): Measured {
    return { bytes: this.bytes, checksum: this.hash.digest('hex') };
  }
}

/** Bytes and SHA-256 (hex) of what was read or copied. */
export interface Measured {
  readonly bytes: number;
  readonly checksum: string;
}

/** Options of {@link copyFileRange}. */
export interface RangeCopyOptions {
  readonly compress: boolean;
  readonly onProgress?: ProgressCallback;
}

/** A readable stream of bytes `[start, end)` of `file`. */
function rangeReader(file: string, start: number, end: number): Readable {
  return end > start ? fs.createReadStream(file, { start, end: end - 1 }) : Readable.from([]);
}

/** A writable that drops what it is given. */
function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** A writable that appends to an open file and leaves it open. */
function appendTo(handle: fs.promises.FileHandle): Writable {
  return new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      handle.write(chunk).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
  });
}

/** Flushes a written file to the disk. */
function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies bytes `[start, end)` of `source` into a new file `destination`
 * (gzip-compressed with `compress`), through a temporary file that is
 * synced and renamed at the end, so `destination` is never partial.
 */
export async function copyFileRange(
  source: string,
  start: number,
  end: number,
  destination: string,
  options: RangeCopyOptions,
): Promise<Measured> {
  const measure = new Measure((bytes) => options.onProgress?.(bytes, end - start));
  const temporary = `${destination}.tmp`;
  try {
    const input = rangeReader(source, start, end);
    const output = fs.createWriteStream(temporary);
    if (options.compress) await pipeline(input, measure, createGzip(), output);
    else await pipeline(input, measure, output);
    syncFile(temporary);
    fs.renameSync(temporary, destination);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return measure.result();
}

/** Bytes and checksum of bytes `[start, end)` of a file. */
export async function measureFileRange(
  file: string,
  start: number,
  end: number,
): Promise<Measured> {
  const measure = new Measure();
  await pipeline(rangeReader(file, start, end), measure, sink());
  return measure.result();
}

/**
 * Streams a backup file's (uncompressed) bytes into the open file `output`
 * (or nowhere) and measures them.
 */
export async function readBackupFile(
  file: string,
  compressed: boolean,
  output?: fs.promises.FileHandle,
  onBytes?: (bytes: number) => void,
): Promise<Measured> {
  const measure = new Measure(onBytes);
  const target = output === undefined ? sink() : appendTo(output);
  const input = fs.createReadStream(file);
  if (compressed) await pipeline(input, createGunzip(), measure, target);
  else await pipeline(input, measure, target);
  return measure.result();
}

/** Syncs and closes an output file written with {@link readBackupFile}. */
export async function finishOutput(output: fs.promises.FileHandle): Promise<void> {
  await output.sync();
  await output.close();
}
