/** difference, union, intersection, weightedUnion, weightedIntersection, multiunion. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  difference,
  IF,
  IFBucket,
  II,
  IIBTree,
  IIBucket,
  IISet,
  IITreeSet,
  intersection,
  IO,
  IOBTree,
  LL,
  LLSet,
  OI,
  OO,
  OOBTree,
  OOSet,
  OOTreeSet,
  union,
  weightedIntersection,
  weightedUnion,
} from '../../src/btrees/index.js';

describe('difference', () => {
  it('of a mapping is a Bucket of its items whose keys are not in the second argument', () => {
    const result = difference(
      new IIBTree([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      new IISet([2]),
    );
    expect(result).toBeInstanceOf(II.Bucket);
    expect([...result]).toEqual([
      [1, 10],
      [3, 30],
    ]);
  });

  it('of a set is a Set', () => {
    const result = difference(new OOTreeSet(['a', 'b']), ['b', 'c']);
    expect(result).toBeInstanceOf(OOSet);
    expect([...result]).toEqual(['a']);
  });

  it('follows ZODB null rules: difference(c1, null) is c1, difference(null, c2) is null', () => {
    const c1 = new IISet([1]);
    expect(difference(c1, null)).toBe(c1);
    expect(difference(null, c1)).toBeNull();
  });
});

describe('union and intersection', () => {
  it('return Sets of keys of the first collection family', () => {
    const a = new IIBTree([
      [1, 1],
      [2, 2],
    ]);
    const b = new IITreeSet([2, 3]);
    const u = union(a, b);
    const i = intersection(a, b);
    expect(u).toBeInstanceOf(IISet);
    expect([...u]).toEqual([1, 2, 3]);
    expect([...i]).toEqual([2]);
  });

  it('return the other argument itself when one is null', () => {
    const a = new OOSet(['x']);
    expect(union(null, a)).toBe(a);
    expect(union(a, null)).toBe(a);
    expect(intersection(null, a)).toBe(a);
    expect(union(null, null)).toBeNull();
  });

  it('accept any iterable of keys as the other argument', () => {
    expect([...union(new OOSet(['b']), new Set(['a', 'c']))]).toEqual(['a', 'b', 'c']);
    expect([...intersection(['c', 'b', 'b'], new OOSet(['b', 'c', 'd']))]).toEqual(['b', 'c']);
  });

  it('family-bound versions give results of that family', () => {
    expect(IO.union(new IISet([1]), [2])).toBeInstanceOf(IO.Set);
    expect([...OO.intersection(['a', 'b'], ['b'])]).toEqual(['b']);
  });

  it('check keys from other families against the result family', () => {
    expect(() => II.union(new IISet([1]), new LLSet([2 ** 40]))).toThrow(RangeError);
  });

  it('agree with JavaScript Sets on random inputs', () => {
    const keys = fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 });
    fc.assert(
      fc.property(keys, keys, (a, b) => {
        const sa = new Set(a);
        const sb = new Set(b);
        const sorted = (s: Iterable<number>) => [...s].sort((x, y) => x - y);
        expect([...union(new IITreeSet(a), new IITreeSet(b))]).toEqual(
          sorted(new Set([...sa, ...sb])),
        );
        expect([...intersection(new IITreeSet(a), new IISet(b))]).toEqual(
          sorted([...sa].filter((x) => sb.has(x))),
        );
        expect([...difference(new IITreeSet(a), new IISet(b))]).toEqual(
          sorted([...sa].filter((x) => !sb.has(x))),
        );
      }),
      { numRuns: 60 },
    );
  });
});

describe('weightedUnion and weightedIntersection', () => {
  const m1 = new IIBucket([
    [1, 10],
    [2, 20],
  ]);
  const m2 = new IIBTree([
    [2, 5],
    [3, 7],
  ]);
  const s1 = new IISet([1, 2]);
  const s2 = new IITreeSet([2, 3]);

  it('weightedUnion of mappings values every key v1*w1 + v2*w2 (0 when absent)', () => {
    const [weight, result] = weightedUnion(m1, m2, 2, 3);
    expect(weight).toBe(1);
    expect(result).toBeInstanceOf(IIBucket);
    expect([...(result as IIBucket)]).toEqual([
      [1, 20],
      [2, 55],
      [3, 21],
    ]);
  });

  it('weightedUnion of a mapping and a set counts 1 for a set member', () => {
    const [, result] = weightedUnion(m1, s2, 1, 100);
    expect([...(result as IIBucket)]).toEqual([
      [1, 10],
      [2, 120],
      [3, 100],
    ]);
  });

  it('weightedUnion of two sets is (1, union)', () => {
    const [weight, result] = weightedUnion(s1, s2, 4, 5);
    expect(weight).toBe(1);
    expect(result).toBeInstanceOf(IISet);
    expect([...(result as IISet)]).toEqual([1, 2, 3]);
  });

  it('weightedIntersection of mappings keeps common keys valued v1*w1 + v2*w2', () => {
    const [weight, result] = weightedIntersection(m1, m2, 2, 3);
    expect(weight).toBe(1);
    expect([...(result as IIBucket)]).toEqual([[2, 55]]);
  });

  it('weightedIntersection of two sets is (w1 + w2, intersection)', () => {
    const [weight, result] = weightedIntersection(s1, s2, 4, 5);
    expect(weight).toBe(9);
    expect([...(result as IISet)]).toEqual([2]);
  });

  it('follow ZODB null rules', () => {
    expect(weightedUnion(null, null)).toEqual([0, null]);
    expect(weightedUnion(null, m2, 1, 7)).toEqual([7, m2]);
    expect(weightedIntersection(m1, null, 3, 1)).toEqual([3, m1]);
  });

  it('work with float values and float weights', () => {
    const [, result] = IF.weightedUnion(
      new IFBucket([[1, 0.5]]),
      new IFBucket([[1, 0.25]]),
      0.5,
      2,
    );
    expect([...(result as IFBucket)]).toEqual([[1, 0.75]]);
  });

  it('exist for object-keyed families with integer values', () => {
    const [, result] = OI.weightedUnion(new OI.Bucket([['a', 1]]), new OI.Set(['a', 'b']));
    expect([...(result as InstanceType<typeof OI.Bucket>)]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('refuse non-integer weights and overflowing results in integer families', () => {
    expect(() => weightedUnion(m1, m2, 1.5, 1)).toThrow(TypeError);
    expect(() => weightedUnion(new IIBucket([[1, 2 ** 30]]), null, 1, 1)).not.toThrow();
    expect(() => weightedUnion(new IIBucket([[1, 2 ** 30]]), new IISet([1]), 4, 1)).toThrow(
      RangeError,
    );
  });

  it('are refused for families with object values', () => {
    expect(() =>
      weightedUnion(new OOBTree([['a', 1]]) as never, new OOSet(['a']) as never),
    ).toThrow(TypeError);
  });
});

describe('multiunion', () => {
  it('unites integers, sets, mappings and iterables into one Set', () => {
    const result = II.multiunion([5, new IISet([3, 1]), new IIBTree([[2, 0]]), [9, 1], 5]);
    expect(result).toBeInstanceOf(IISet);
    expect([...result]).toEqual([1, 2, 3, 5, 9]);
  });

  it('exists for every integer-keyed family', () => {
    expect([...IO.multiunion([new IOBTree([[4, 'x']]), 2])]).toEqual([2, 4]);
    expect([...LL.multiunion([2 ** 50, 1])]).toEqual([1, 2 ** 50]);
    expect('multiunion' in OO).toBe(false);
  });

  it('refuses non-integers', () => {
    expect(() => II.multiunion([1.5])).toThrow(TypeError);
  });
});
