/**
 * The persistent client cache file: the revisions of a {@link ClientCache}
 * and the last transaction they are current at, so a restarted client
 * starts warm (its cache is then verified at `register`).
 *
 * | offset | size | field                                                   |
 * | ------ | ---- | ------------------------------------------------------- |
 * | 0      | 8    | magic `ZTSCACHE`                                        |
 * | 8      | 4    | format version (1), big-endian                          |
 * | 12     | 8    | lastTid                                                 |
 * | 20     | ...  | records, each: oid (8), serial (8), end (8, zero: open), data length (4, `0xffffffff`: deletion), data |
 * | end-12 | 4    | record count, big-endian                                |
 * | end-8  | 8    | magic `ZTSCACHE` (a file cut short lacks it)            |
 *
 * Records are written least recently used first, so reading them back in
 * order restores the LRU order. The file is written to `path.tmp`, synced,
 * then renamed over `path`: a crash leaves the old file or the new one.
 * A file that cannot be read (missing, cut short, wrong magic) means a
 * cold cache; it is never an error.
 *
 * @module
 */

import * as fs from 'node:fs';
import { readOid, readTid, writeOid, writeTid, ZERO_TID } from '../ids.js';
import type { Tid } from '../ids.js';
import { ClientCache } from './client-cache.js';

const MAGIC = Buffer.from('ZTSCACHE', 'latin1');
const VERSION = 1;
const HEADER_BYTES = 20;
const TRAILER_BYTES = 12;
const RECORD_HEADER_BYTES = 28;
const DELETION_LENGTH = 0xffffffff;

/** Writes `cache` to `path` crash-safely (temporary file, fsync, rename). */
export function saveCacheFile(path: string, cache: ClientCache): void {
  const chunks: Uint8Array[] = [];
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(VERSION, 8);
  writeTid(cache.lastTid, header, 12);
  chunks.push(header);
  let count = 0;
  for (const revision of cache.revisions()) {
    const head = Buffer.alloc(RECORD_HEADER_BYTES);
    writeOid(revision.oid, head, 0);
    writeTid(revision.serial, head, 8);
    writeTid(revision.end ?? ZERO_TID, head, 16);
    head.writeUInt32BE(revision.data === null ? DELETION_LENGTH : revision.data.byteLength, 24);
    chunks.push(head);
    if (revision.data !== null) chunks.push(revision.data);
    count++;
  }
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32BE(count, 0);
  MAGIC.copy(trailer, 4);
  chunks.push(trailer);
  const temporary = `${path}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writevSync(fd, chunks);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, path);
}

/**
 * Reads the cache file at `path` into a new cache of `bytesMax` bytes, or
 * returns undefined when there is no usable file.
 */
export function loadCacheFile(path: string, bytesMax: number): ClientCache | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch {
    return undefined;
  }
  if (!isWellFramed(bytes)) return undefined;
  const cache = new ClientCache(bytesMax, readTid(bytes, 12));
  const count = bytes.readUInt32BE(bytes.length - TRAILER_BYTES);
  const end = bytes.length - TRAILER_BYTES;
  let offset = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (offset + RECORD_HEADER_BYTES > end) return undefined;
    const oid = readOid(bytes, offset);
    const serial = readTid(bytes, offset + 8);
    const endTid: Tid = readTid(bytes, offset + 16);
    const length = bytes.readUInt32BE(offset + 24);
    offset += RECORD_HEADER_BYTES;
    let data: Uint8Array | null = null;
    if (length !== DELETION_LENGTH) {
      if (offset + length > end) return undefined;
      data = new Uint8Array(bytes.subarray(offset, offset + length));
      offset += length;
    }
    cache.store(oid, serial, endTid === ZERO_TID ? null : endTid, data);
  }
  return offset === end ? cache : undefined;
}

function isWellFramed(bytes: Buffer): boolean {
  return (
    bytes.length >= HEADER_BYTES + TRAILER_BYTES &&
    bytes.subarray(0, 8).equals(MAGIC) &&
    bytes.readUInt32BE(8) === VERSION &&
    bytes.subarray(bytes.length - 8).equals(MAGIC)
  );
}
