/**
 * The index holds far more objects than a JS Map's 2^24-entry ceiling.
 * Default run: 20 million oids; `ZODB_BIG_TESTS=1` runs 50 million.
 * The bytes per object are printed for the record (no timing assertions).
 */

import { describe, expect, it } from 'vitest';
import { OidIndex } from '../../../src/storage/file/index.js';

const big = process.env['ZODB_BIG_TESTS'] === '1';
const COUNT = big ? 50_000_000 : 20_000_000;
const MAP_CEILING = 2 ** 24;

describe('OidIndex at scale', () => {
  it(`holds ${COUNT / 1e6} million dense oids (past the 2^24 Map ceiling) at about 4 bytes per object`, () => {
    const before = process.memoryUsage().arrayBuffers;
    const index = new OidIndex();
    // Positions grow like a real Data.fs with ~120-byte records: past 4 GiB for the last ones.
    for (let oid = 0; oid < COUNT; oid++) index.set(oid, 4 + oid * 120);
    const bytesPerObject = (process.memoryUsage().arrayBuffers - before) / COUNT;
    process.stdout.write(
      `OidIndex: ${COUNT} oids, ${(index.byteSize() / COUNT).toFixed(2)} bytes/object by its arrays, ` +
        `${bytesPerObject.toFixed(2)} bytes/object measured (arrayBuffers)\n`,
    );
    expect(COUNT).toBeGreaterThan(MAP_CEILING);
    expect(index.size).toBe(COUNT);
    expect(index.byteSize() / COUNT).toBeLessThan(7);
    for (let oid = 0; oid < COUNT; oid += 1_000_003) expect(index.get(oid)).toBe(4 + oid * 120);
    expect(index.get(COUNT - 1)).toBe(4 + (COUNT - 1) * 120);
    expect(index.get(COUNT)).toBeUndefined();
  });
});
