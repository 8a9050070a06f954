/**
 * The `Data.fs.index` file: a snapshot of the in-memory index, so that
 * opening a large storage does not scan the whole Data.fs.
 *
 * Layout (documented in FORMAT.md, "The index file"):
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | magic `FSX2` |
 * | 4 | 8 | data file position the snapshot is valid up to (end of its last transaction) |
 * | 12 | 8 | tid of the transaction ending there (0 for an empty storage) |
 * | 20 | 8 | number of index entries |
 * | 28 | 8 | number of deleted oids |
 * | 36 | … | the index (oid -> position), then the deleted oids (oid -> 1), as sections (`index-sections.ts`) |
 * | end-4 | 4 | CRC-32 of every byte before it |
 *
 * Integers of the header are big-endian. A section stores the index's
 * dense pages as its in-memory arrays (4,096 oids a page, 4 bytes per oid,
 * 6 when positions pass 4 GiB), so a load checks the CRC and makes views
 * of the bytes read, with no work per entry. Files of the older run-length
 * layout (magic `FSX1`) are not read: the index is then rebuilt by
 * scanning, and saved in this layout.
 *
 * The file is written to `Data.fs.index_tmp`, flushed, and renamed over the
 * old one, so a crash leaves either the old or the new snapshot. On open it
 * is trusted only if its CRC checks and the Data.fs still has a transaction
 * with the recorded tid ending at the recorded position (see `open-data-file.ts`).
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { StorageSystemError } from '../../errors.js';
import type { Tid } from '../../ids.js';
import { readTid, writeTid } from '../../ids.js';
import { ioError, syncDirectory } from './data-file.js';
import { readPosition, writePosition } from './format.js';
import { readIndexSection, writeIndexSection } from './index-sections.js';
import { OidIndex } from './oid-index.js';

const INDEX_MAGIC = [0x46, 0x53, 0x58, 0x32]; // "FSX2"
const HEADER_BYTES = 36;
const WRITE_BUFFER_BYTES = 1 << 20;

/** The content of an index file. */
export interface SavedIndex {
  /** Data file position the snapshot is valid up to. */
  readonly end: number;
  /** Tid of the last transaction before `end`. */
  readonly lastTid: Tid;
  /** oid -> position of its newest record. */
  readonly index: OidIndex;
  /** oids whose newest record is a deletion. */
  readonly deleted: OidIndex;
}

/** Writes `saved` to `indexPath` atomically (temporary file, fsync, rename). */
export function saveIndexFile(indexPath: string, saved: SavedIndex): void {
  const temporary = `${indexPath}_tmp`;
  let fd: number;
  try {
    fd = fs.openSync(temporary, 'w');
  } catch (error) {
    throw ioError(`cannot create ${temporary}`, error);
  }
  try {
    const writer = new ChunkWriter(fd, temporary);
    const header = new Uint8Array(HEADER_BYTES);
    header.set(INDEX_MAGIC, 0);
    writePosition(saved.end, header, 4);
    writeTid(saved.lastTid, header, 12);
    writePosition(saved.index.size, header, 20);
    writePosition(saved.deleted.size, header, 28);
    writer.write(header);
    writeIndexSection(saved.index, (bytes) => writer.write(bytes));
    writeIndexSection(saved.deleted, (bytes) => writer.write(bytes));
    writer.finish();
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error instanceof StorageSystemError ? error : ioError(`cannot write ${temporary}`, error);
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temporary, indexPath);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw ioError(`cannot rename ${temporary} to ${indexPath}`, error);
  }
  syncDirectory(path.dirname(indexPath));
}

/**
 * Reads an index file; `undefined` when it is missing, of another format,
 * or damaged (a bad CRC or structure): the caller then rebuilds by scanning.
 */
export function loadIndexFile(indexPath: string): SavedIndex | undefined {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(indexPath);
  } catch {
    return undefined;
  }
  if (bytes.length < HEADER_BYTES + 4) return undefined;
  if (!INDEX_MAGIC.every((b, i) => bytes[i] === b)) return undefined;
  const body = bytes.subarray(0, bytes.length - 4);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0);
  if (crc32(body) !== stored) return undefined;
  const end = readPosition(bytes, 4);
  const lastTid = readTid(bytes, 12);
  const entries = readPosition(bytes, 20);
  const deletedEntries = readPosition(bytes, 28);
  const index = new OidIndex();
  const deleted = new OidIndex();
  let at = readIndexSection(body, HEADER_BYTES, index, entries);
  if (at < 0) return undefined;
  at = readIndexSection(body, at, deleted, deletedEntries);
  if (at !== body.length) return undefined;
  return { end, lastTid, index, deleted };
}

/** Buffers small writes into large ones and keeps a running CRC-32. */
class ChunkWriter {
  private readonly buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  private used = 0;
  private position = 0;
  private crc = 0;
  constructor(
    private readonly fd: number,
    private readonly path: string,
  ) {}

  write(bytes: Uint8Array): void {
    this.crc = crc32(bytes, this.crc);
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) {
      this.writeOut(bytes);
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  finish(): void {
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, this.crc >>> 0);
    this.flush();
    this.writeOut(tail);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeOut(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(bytes: Uint8Array): void {
    let done = 0;
    try {
      while (done < bytes.length) {
        done += fs.writeSync(this.fd, bytes, done, bytes.length - done, this.position + done);
      }
    } catch (error) {
      throw ioError(`cannot write ${this.path}`, error);
    }
    this.position += bytes.length;
  }
}
