/**
 * The client cache's revision rules (PROTOCOL.md, "Client-side rules"),
 * its byte bound and the persistent cache file.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCacheFile, saveCacheFile } from '../../src/client/cache-file.js';
import { ClientCache } from '../../src/client/client-cache.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('ClientCache', () => {
  it('serves an open revision to snapshots up to the last known transaction only', () => {
    const cache = new ClientCache(1 << 20, 10n);
    cache.store(1, 5n, null, bytes('a'));
    expect(cache.lookup(1, 5n)?.serial).toBe(5n);
    expect(cache.lookup(1, 10n)?.serial).toBe(5n);
    expect(cache.lookup(1, 11n)).toBeUndefined();
    expect(cache.lookup(1, 4n)).toBeUndefined();
  });

  it('ends the open revision at an invalidation and then serves it only before that tid', () => {
    const cache = new ClientCache(1 << 20, 10n);
    cache.store(1, 5n, null, bytes('a'));
    cache.invalidate(12n, [1]);
    expect(cache.lastTid).toBe(12n);
    expect(cache.lookup(1, 11n)?.data).toEqual(bytes('a'));
    expect(cache.lookup(1, 12n)).toBeUndefined();
  });

  it('does not end a revision newer than the invalidation', () => {
    const cache = new ClientCache(1 << 20, 20n);
    cache.store(1, 15n, null, bytes('new'));
    cache.invalidate(12n, [1]);
    expect(cache.lookup(1, 20n)?.serial).toBe(15n);
  });

  it('keeps several revisions of one object and picks the one current at the snapshot', () => {
    const cache = new ClientCache(1 << 20, 30n);
    cache.store(1, 5n, 10n, bytes('old'));
    cache.store(1, 10n, null, bytes('new'));
    expect(cache.lookup(1, 7n)?.data).toEqual(bytes('old'));
    expect(cache.lookup(1, 10n)?.data).toEqual(bytes('new'));
    expect(cache.revision(1, 5n)?.data).toEqual(bytes('old'));
  });

  it('counts hits and misses', () => {
    const cache = new ClientCache(1 << 20, 10n);
    cache.store(1, 5n, null, bytes('a'));
    cache.lookup(1, 10n);
    cache.lookup(2, 10n);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, revisions: 1 });
  });

  it('evicts least recently used objects beyond its byte limit', () => {
    const cache = new ClientCache(3 * (100 + 64), 10n);
    for (let oid = 1; oid <= 3; oid++) cache.store(oid, 5n, null, new Uint8Array(100));
    cache.lookup(1, 10n); // 1 becomes the most recently used
    cache.store(4, 5n, null, new Uint8Array(100));
    expect(cache.lookup(2, 10n)).toBeUndefined();
    expect(cache.lookup(1, 10n)).toBeDefined();
    expect(cache.stats().bytes).toBeLessThanOrEqual(cache.bytesMax);
  });

  it('caches nothing with a size of zero', () => {
    const cache = new ClientCache(0, 10n);
    cache.store(1, 5n, null, bytes('a'));
    expect(cache.lookup(1, 10n)).toBeUndefined();
  });
});

describe('persistent cache file', () => {
  const directories: string[] = [];
  const tempFile = (): string => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-client-cache-'));
    directories.push(directory);
    return path.join(directory, 'client.zec');
  };
  afterEach(() => {
    for (const d of directories.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('round-trips revisions, deletions and the last transaction', () => {
    const file = tempFile();
    const cache = new ClientCache(1 << 20, 42n);
    cache.store(1, 5n, 9n, bytes('old'));
    cache.store(1, 9n, null, bytes('new'));
    cache.store(2, 7n, null, null);
    saveCacheFile(file, cache);
    const loaded = loadCacheFile(file, 1 << 20);
    expect(loaded?.lastTid).toBe(42n);
    expect(loaded?.lookup(1, 6n)?.data).toEqual(bytes('old'));
    expect(loaded?.lookup(1, 42n)?.data).toEqual(bytes('new'));
    expect(loaded?.lookup(2, 42n)).toMatchObject({ serial: 7n, data: null });
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
  });

  it('reads a missing, truncated or foreign file as a cold cache', () => {
    const file = tempFile();
    expect(loadCacheFile(file, 1 << 20)).toBeUndefined();
    const cache = new ClientCache(1 << 20, 42n);
    cache.store(1, 5n, null, bytes('data'));
    saveCacheFile(file, cache);
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 3));
    expect(loadCacheFile(file, 1 << 20)).toBeUndefined();
    fs.writeFileSync(file, 'not a cache file at all, but long enough');
    expect(loadCacheFile(file, 1 << 20)).toBeUndefined();
  });
});
