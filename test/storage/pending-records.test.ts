import { describe, expect, it } from 'vitest';
import { OidMap } from '../../src/oid-map.js';
import { PendingRecords } from '../../src/storage/mapping/pending-records.js';
import type { PendingRevision } from '../../src/storage/mapping/pending-records.js';

function meta() {
  return { tid: 1n, user: '', description: '', extension: {} };
}

function revision(oid: number, m: ReturnType<typeof meta>, byte: number): PendingRevision {
  const data = new Uint8Array([byte]);
  return { oid, tid: m.tid, serial: m.tid, data, dataTxn: undefined, meta: m, position: 0 };
}

describe("a MappingStorage transaction's pending records", () => {
  it('keep store order, and a second store of an oid replaces the first in its place', () => {
    const m = meta();
    const records = new PendingRecords(new OidMap(), m);
    records.set(revision(7, m, 1));
    records.set(revision(3, m, 2));
    records.set(revision(7, m, 3));
    expect(records.size).toBe(2);
    expect(records.values().map((r) => [r.oid, r.data![0]])).toEqual([
      [7, 3],
      [3, 2],
    ]);
    expect(records.get(7)!.data![0]).toBe(3);
    expect(records.get(4)).toBeUndefined();
  });

  it("never take another transaction's entry of the shared index for their own", () => {
    const index = new OidMap<PendingRevision>();
    const first = meta();
    const earlier = new PendingRecords(index, first);
    earlier.set(revision(5, first, 1));
    // The earlier transaction ended without releasing its entries.
    const second = meta();
    const records = new PendingRecords(index, second);
    expect(records.get(5)).toBeUndefined();
    records.set(revision(5, second, 2));
    expect(records.size).toBe(1);
    expect(records.values()[0]!.data![0]).toBe(2);
  });

  it('leave nothing in the shared index once released', () => {
    const index = new OidMap<PendingRevision>();
    const m = meta();
    const records = new PendingRecords(index, m);
    for (let oid = 0; oid < 100; oid++) records.set(revision(oid, m, oid));
    records.release();
    expect(index.size).toBe(0);
  });
});
