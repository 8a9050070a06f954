/**
 * The read cache of loads: it serves the same bytes as the file, never
 * holds bytes past the owner's limit, and writes, truncations and a
 * concurrent writer in another "process" (a second storage object on the
 * same path) never make it serve stale bytes.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import { DataFile } from '../../../src/storage/file/data-file.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import { READ_CACHE_BLOCK_BYTES } from '../../../src/storage/file/limits.js';
import { BlockCache } from '../../../src/storage/file/read-cache.js';
import { commit, record, txnMeta, valueAt } from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-read-cache');

/** A file of `length` bytes where byte i is `i % 251` (so every offset is recognisable). */
function patternFile(length: number): { file: DataFile; bytes: Uint8Array } {
  const bytes = Uint8Array.from({ length }, (_, i) => i % 251);
  const path = freshPath();
  fs.writeFileSync(path, bytes);
  return { file: DataFile.open(path, 'write'), bytes };
}

function cachedBytes(file: DataFile, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  return out.subarray(0, file.readCached(out, position, length));
}

/** A fill function over `source` that records the positions it was called at. */
function filler(source: Uint8Array, fills: number[] = []) {
  return (into: Uint8Array, position: number, length: number): number => {
    fills.push(position);
    const n = Math.max(0, Math.min(length, source.length - position));
    into.set(source.subarray(position, position + n));
    return n;
  };
}

describe('BlockCache', () => {
  it('leaves an isolated miss to the caller and fills blocks once misses come near each other', () => {
    const source = Uint8Array.from({ length: 200 }, (_, i) => i);
    const fills: number[] = [];
    const fill = filler(source, fills);
    const cache = new BlockCache(16, 8);
    const out = new Uint8Array(40);
    expect(cache.read(out, 0, 100, 4, 200, fill)).toBe(0);
    expect(cache.read(out, 0, 10, 40, 200, fill)).toBe(0);
    expect(fills).toEqual([]);
    expect(cache.read(out, 0, 10, 40, 200, fill)).toBe(40);
    expect([...out]).toEqual([...source.subarray(10, 50)]);
    expect(cache.read(out, 0, 20, 20, 200, fill)).toBe(20);
    expect(fills).toEqual([0, 16, 32, 48]);
  });

  it('locates a range inside one cached block without reading, and declines anything else', () => {
    const source = Uint8Array.from({ length: 200 }, (_, i) => i);
    const fills: number[] = [];
    const fill = filler(source, fills);
    const cache = new BlockCache(16, 8);
    expect(cache.locate(20, 4, 200)).toBe(-1); // not cached: nothing read
    expect(fills).toEqual([]);
    const out = new Uint8Array(32);
    cache.read(out, 0, 16, 4, 200, fill);
    cache.read(out, 0, 16, 32, 200, fill); // a nearby miss: blocks 1 and 2 are filled
    expect(fills).toEqual([16, 32]);
    const at = cache.locate(20, 8, 200);
    expect(at).toBe(4);
    expect([...cache.locatedBytes.subarray(at, at + 8)]).toEqual([...source.subarray(20, 28)]);
    expect(cache.locatedView.getUint8(at)).toBe(20);
    expect(cache.locate(28, 8, 200)).toBe(-1); // crosses into the next block
    expect(cache.locate(36, 8, 40)).toBe(-1); // reaches the limit
    expect(cache.locate(100, 4, 200)).toBe(-1); // another, uncached block
    expect(fills).toEqual([16, 32]);
  });

  it('stops at the limit and at the end of the data', () => {
    const source = Uint8Array.from({ length: 40 }, (_, i) => i);
    const fill = filler(source);
    const cache = new BlockCache(16, 8);
    const out = new Uint8Array(30);
    cache.read(out, 0, 0, 1, 100, fill); // a first miss, left to the caller
    expect(cache.read(out, 0, 0, 30, 20, fill)).toBe(20);
    expect(cache.read(out, 0, 30, 30, 100, fill)).toBe(10);
    expect([...out.subarray(0, 10)]).toEqual([...source.subarray(30, 40)]);
  });

  it('keeps at most its capacity of blocks, evicting the oldest', () => {
    const cache = new BlockCache(16, 2);
    const fills: number[] = [];
    const fill = filler(new Uint8Array(1000), fills);
    const out = new Uint8Array(1);
    for (const position of [0, 0, 16, 32, 16, 0, 0]) cache.read(out, 0, position, 1, 1000, fill);
    expect(cache.blockCount).toBe(2);
    expect(fills).toEqual([0, 16, 32, 0]);
  });
});

describe('DataFile.readCached', () => {
  it('reads nothing from the cache past cacheableEnd (0 by default): the same bytes as the file', () => {
    const { file, bytes } = patternFile(3 * READ_CACHE_BLOCK_BYTES);
    expect(cachedBytes(file, 100, 50)).toEqual(bytes.subarray(100, 150));
    file.cacheableEnd = READ_CACHE_BLOCK_BYTES + 10;
    const across = cachedBytes(file, READ_CACHE_BLOCK_BYTES - 5, 100);
    expect(across).toEqual(bytes.subarray(READ_CACHE_BLOCK_BYTES - 5, READ_CACHE_BLOCK_BYTES + 95));
    file.release();
  });

  it('serves bytes written through the file after caching them, not the cached ones', () => {
    const { file } = patternFile(2 * READ_CACHE_BLOCK_BYTES);
    file.cacheableEnd = 2 * READ_CACHE_BLOCK_BYTES;
    for (let i = 0; i < 2; i++) cachedBytes(file, 0, 100); // the second miss fills the block
    file.write(new Uint8Array([7, 7, 7]), 50);
    expect([...cachedBytes(file, 49, 5)]).toEqual([49, 7, 7, 7, 53]);
    file.release();
  });

  it('does not serve bytes cut off by a truncation, nor the old bytes rewritten after it', () => {
    const { file } = patternFile(2 * READ_CACHE_BLOCK_BYTES);
    file.cacheableEnd = 2 * READ_CACHE_BLOCK_BYTES;
    for (let i = 0; i < 2; i++) cachedBytes(file, 1000, 10);
    file.truncate(1000);
    expect(file.cacheableEnd).toBe(1000);
    expect(cachedBytes(file, 1000, 10).length).toBe(0);
    fs.writeSync(fs.openSync(file.path, 'r+'), new Uint8Array(10).fill(9), 0, 10, 1000);
    file.cacheableEnd = 1010;
    expect([...cachedBytes(file, 1000, 10)]).toEqual(new Array(10).fill(9));
    file.release();
  });
});

describe('FileStorage loads through the read cache', () => {
  it('lets a read-only storage see a transaction written over an aborted one of another writer', async () => {
    const path = freshPath();
    const writer = new FileStorage(path);
    await commit(writer, [{ oid: ROOT_OID, data: record('root'), serial: ZERO_TID }]);
    const reader = new FileStorage(path, { readOnly: true });
    const [oid, big] = [writer.newOid(), writer.newOid()];
    const padding = 'x'.repeat(2000); // so that a whole record read of `oid` lies in the cached block
    const aborted = txnMeta();
    await writer.tpcBegin(aborted);
    writer.store(oid, ZERO_TID, record('aborted'), aborted);
    writer.store(big, ZERO_TID, record(padding), aborted);
    await writer.tpcVote(aborted);
    reader.sync();
    for (let i = 0; i < 2; i++) expect(valueAt(reader, ROOT_OID)).toBe('root'); // the second miss caches the block
    await writer.tpcAbort(aborted);
    await commit(writer, [
      { oid, data: record('kept'), serial: ZERO_TID },
      { oid: big, data: record(padding), serial: ZERO_TID },
    ]);
    reader.sync();
    expect(valueAt(reader, oid)).toBe('kept');
    expect(reader.loadAt(oid, MAX_TID)?.serial).toBe(writer.lastTransaction());
    await reader.close();
    await writer.close();
  });

  it('loads every revision correctly while commits append to the cached last block', async () => {
    const s = new FileStorage(freshPath());
    const oids = [ROOT_OID, s.newOid(), s.newOid()];
    for (let round = 0; round < 50; round++) {
      await commit(
        s,
        oids.map((oid) => ({ oid, data: record(`${oid}:${round}`) })),
      );
      for (const oid of oids) expect(valueAt(s, oid)).toBe(`${oid}:${round}`);
    }
    await s.close();
  });
});
