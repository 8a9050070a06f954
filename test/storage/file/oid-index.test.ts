import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OID_INDEX_VALUE_MAX, OidIndex } from '../../../src/storage/file/index.js';

describe('OidIndex', () => {
  it('maps oids to positions, overwrites, deletes, and reports its size', () => {
    const index = new OidIndex();
    index.set(0, 4);
    index.set(7, 100);
    index.set(7, 200);
    expect(index.get(0)).toBe(4);
    expect(index.get(7)).toBe(200);
    expect(index.get(8)).toBeUndefined();
    expect(index.size).toBe(2);
    expect(index.delete(7)).toBe(true);
    expect(index.delete(7)).toBe(false);
    expect(index.has(7)).toBe(false);
    expect(index.size).toBe(1);
  });

  it('holds positions up to 2^48 - 1 and oids up to 2^53 - 1', () => {
    const index = new OidIndex();
    const big = Number.MAX_SAFE_INTEGER;
    index.set(1, OID_INDEX_VALUE_MAX);
    index.set(big, 2 ** 40 + 3);
    index.set(2 ** 32 + 5, 9);
    expect(index.get(1)).toBe(OID_INDEX_VALUE_MAX);
    expect(index.get(big)).toBe(2 ** 40 + 3);
    expect(index.get(2 ** 32 + 5)).toBe(9);
    expect(index.maxOid).toBe(big);
  });

  it('rejects values it cannot store', () => {
    const index = new OidIndex();
    expect(() => index.set(1, 0)).toThrow(RangeError);
    expect(() => index.set(1, 2 ** 48)).toThrow(RangeError);
    expect(() => index.set(-1, 5)).toThrow(RangeError);
    expect(() => index.set(1.5, 5)).toThrow(RangeError);
  });

  it('iterates in increasing oid order across dense pages and sparse oids', () => {
    const index = new OidIndex();
    const oids = [5, 2 ** 40, 3, 4096 * 3 + 1, 2 ** 33, 0];
    for (let oid = 10_000; oid < 12_000; oid++) oids.push(oid); // promotes a dense page
    for (const oid of oids) index.set(oid, oid + 10);
    const sorted = [...oids].sort((a, b) => a - b);
    expect([...index.entries()].map(([oid]) => oid)).toEqual(sorted);
    expect([...index.keysFrom(11_000)]).toEqual(sorted.filter((oid) => oid >= 11_000));
    for (const [oid, value] of index.entries()) expect(value).toBe(oid + 10);
  });

  it('behaves like a Map under any sequence of sets and deletes', () => {
    const oid = fc.oneof(
      fc.integer({ min: 0, max: 6000 }),
      fc.integer({ min: 0, max: 2 ** 53 - 1 }),
    );
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        oid,
        value: fc.integer({ min: 1, max: 2 ** 48 - 1 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), oid }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), fc.nat(3000), (ops, burst) => {
        const index = new OidIndex();
        const model = new Map<number, number>();
        // A burst of consecutive oids promotes pages from the hash table to dense pages.
        for (let oid = 0; oid < burst; oid++) {
          index.set(oid, oid + 1);
          model.set(oid, oid + 1);
        }
        for (const o of ops) {
          if (o.kind === 'set') {
            index.set(o.oid, o.value);
            model.set(o.oid, o.value);
          } else {
            expect(index.delete(o.oid)).toBe(model.delete(o.oid));
          }
        }
        expect(index.size).toBe(model.size);
        expect([...index.entries()]).toEqual([...model.entries()].sort((a, b) => a[0] - b[0]));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps dense oids in 4 bytes per object once positions stay below 4 GiB', () => {
    const index = new OidIndex();
    const count = 1_000_000;
    for (let oid = 0; oid < count; oid++) index.set(oid, 4 + oid * 100);
    expect(index.size).toBe(count);
    expect(index.byteSize() / count).toBeLessThan(4.2);
    for (let oid = 0; oid < count; oid += 9973) expect(index.get(oid)).toBe(4 + oid * 100);
  });
});
