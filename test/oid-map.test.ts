import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OidMap } from '../src/oid-map.js';

describe('OidMap', () => {
  it('behaves like a Map of oids, iterated in ascending oid order', () => {
    const oid = fc.oneof(
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 2 ** 31 - 3, max: 2 ** 31 + 3 }),
      fc.constantFrom(2 ** 40, Number.MAX_SAFE_INTEGER),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), oid, value: fc.integer() }),
      fc.record({ kind: fc.constant('delete' as const), oid }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const map = new OidMap<number>();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            map.set(o.oid, o.value);
            model.set(o.oid, o.value);
          } else {
            expect(map.delete(o.oid)).toBe(model.delete(o.oid));
          }
          expect(map.size).toBe(model.size);
          expect(map.get(o.oid)).toBe(model.get(o.oid));
          expect(map.has(o.oid)).toBe(model.has(o.oid));
        }
        const expected = [...model].sort((a, b) => a[0] - b[0]);
        expect([...map]).toEqual(expected);
        expect([...map.keys()]).toEqual(expected.map(([k]) => k));
        expect([...map.values()]).toEqual(expected.map(([, v]) => v));
      }),
    );
  });

  it('allows deleting and replacing entries while iterating', () => {
    const map = new OidMap<string>();
    for (let oid = 0; oid < 3000; oid++) map.set(oid, `v${oid}`);
    for (const [oid] of map) {
      if (oid % 2 === 0) map.delete(oid);
      else map.set(oid, 'odd');
    }
    expect(map.size).toBe(1500);
    expect(map.get(2)).toBeUndefined();
    expect(map.get(2999)).toBe('odd');
  });

  it('is empty after clear', () => {
    const map = new OidMap<number>();
    map.set(1, 1).set(2 ** 45, 2);
    map.clear();
    expect(map.size).toBe(0);
    expect([...map]).toEqual([]);
    expect(map.get(2 ** 45)).toBeUndefined();
  });
});
