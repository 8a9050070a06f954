/** The mapping API of BTrees and Buckets, beyond what the model-based suite covers. */
import { describe, expect, it } from 'vitest';
import { IFBTree, IIBTree, IIBucket, OIBTree, OOBTree, OOBucket } from '../../src/btrees/index.js';
import { registerClass } from '../../src/serialize/class-registry.js';

class TinyOOBTree<K extends string | number, V> extends OOBTree<K, V> {
  static override maxLeafSize = 2;
  static override maxInternalSize = 2;
}
registerClass(TinyOOBTree, 'test.btrees.TinyOOBTree');

describe('the programming guide example, in TypeScript', () => {
  it('behaves as documented', () => {
    const t = new OOBTree<number, string>();
    t.update([
      [1, 'red'],
      [2, 'green'],
      [3, 'blue'],
      [4, 'spades'],
    ]);
    expect(t.size).toBe(4);
    expect(t.get(2)).toBe('green');
    const s = t.keys();
    expect(s.length).toBe(4);
    expect(s.at(-2)).toBe(3);
    expect([...s]).toEqual([1, 2, 3, 4]);
    expect([...t.values()]).toEqual(['red', 'green', 'blue', 'spades']);
    expect([...t.values({ min: 1, max: 2 })]).toEqual(['red', 'green']);
    expect([...t.values({ min: 2 })]).toEqual(['green', 'blue', 'spades']);
    expect([...t.values({ min: 1, max: 4, excludeMin: true, excludeMax: true })]).toEqual([
      'green',
      'blue',
    ]);
    expect(t.minKey()).toBe(1);
    expect(t.minKey(1.5)).toBe(2);
    expect([...t]).toEqual([
      [1, 'red'],
      [2, 'green'],
      [3, 'blue'],
      [4, 'spades'],
    ]);
    expect(t.has(4)).toBe(true);
    expect(t.has(5)).toBe(false);
  });
});

describe('BTree and Bucket mappings', () => {
  for (const make of [
    () => new TinyOOBTree<string, number>(),
    () => new OOBucket<string, number>(),
  ]) {
    const name = make().constructor.name;

    it(`${name}: get returns the fallback for absent keys`, () => {
      const m = make();
      m.set('a', 1);
      expect(m.get('a', 0)).toBe(1);
      expect(m.get('b')).toBeUndefined();
      expect(m.get('b', 0)).toBe(0);
    });

    it(`${name}: insert adds only absent keys and says whether it did`, () => {
      const m = make();
      expect(m.insert('a', 1)).toBe(true);
      expect(m.insert('a', 2)).toBe(false);
      expect(m.get('a')).toBe(1);
    });

    it(`${name}: pop removes and returns; without a fallback a missing key is a RangeError`, () => {
      const m = make();
      m.set('a', 1);
      expect(m.pop('a')).toBe(1);
      expect(m.pop('a', -1)).toBe(-1);
      expect(() => m.pop('a')).toThrow(RangeError);
    });

    it(`${name}: popItem removes the smallest key first`, () => {
      const m = make();
      m.update([
        ['b', 2],
        ['a', 1],
      ]);
      expect(m.popItem()).toEqual(['a', 1]);
      expect(m.popItem()).toEqual(['b', 2]);
      expect(() => m.popItem()).toThrow(RangeError);
    });

    it(`${name}: setDefault keeps an existing value`, () => {
      const m = make();
      expect(m.setDefault('a', 1)).toBe(1);
      expect(m.setDefault('a', 2)).toBe(1);
    });

    it(`${name}: update takes pairs, Maps, other mappings and plain objects`, () => {
      const m = make();
      m.update([['a', 1]]);
      m.update(new Map([['b', 2]]));
      m.update(new OOBucket([['c', 3]]));
      m.update({ d: 4 });
      expect([...m.keys()]).toEqual(['a', 'b', 'c', 'd']);
    });

    it(`${name}: forEach visits entries in key order`, () => {
      const m = make();
      m.update([
        ['b', 2],
        ['a', 1],
      ]);
      const seen: unknown[] = [];
      m.forEach((v, k, self) => seen.push([k, v, self === m]));
      expect(seen).toEqual([
        ['a', 1, true],
        ['b', 2, true],
      ]);
    });

    it(`${name}: clear empties it`, () => {
      const m = make();
      m.update([['a', 1]]);
      m.clear();
      expect(m.size).toBe(0);
      expect(m.isEmpty()).toBe(true);
      expect(m.minKey()).toBeUndefined();
    });
  }
});

describe('ranges and lazy views', () => {
  const tree = new TinyOOBTree<number, string>(
    Array.from({ length: 20 }, (_, i) => [i * 10, `v${i}`] as [number, string]),
  );

  it('excludeMin without min drops the smallest key, excludeMax without max the largest', () => {
    expect(tree.keys({ excludeMin: true }).first()).toBe(10);
    expect(tree.keys({ excludeMax: true }).last()).toBe(180);
    expect(tree.keys({ excludeMin: true, excludeMax: true }).length).toBe(18);
  });

  it('bounds need not be keys of the tree', () => {
    expect([...tree.keys({ min: 15, max: 41 })]).toEqual([20, 30, 40]);
    expect([...tree.keys({ min: 15, max: 19 })]).toEqual([]);
    expect([...tree.keys({ min: 200 })]).toEqual([]);
    expect([...tree.keys({ max: -1 })]).toEqual([]);
    expect([...tree.keys({ min: 50, max: 40 })]).toEqual([]);
  });

  it('views index from both ends and return undefined out of range', () => {
    const view = tree.items({ min: 30, max: 60 });
    expect(view.length).toBe(4);
    expect(view.at(0)).toEqual([30, 'v3']);
    expect(view.at(-1)).toEqual([60, 'v6']);
    expect(view.at(3)).toEqual([60, 'v6']);
    expect(view.at(4)).toBeUndefined();
    expect(view.at(-5)).toBeUndefined();
    expect([3, 2, 1, 0].map((i) => view.at(i)?.[0])).toEqual([60, 50, 40, 30]);
    expect(view.toArray()).toHaveLength(4);
  });

  it('entries() is items()', () => {
    expect([...tree.entries({ max: 10 })]).toEqual([
      [0, 'v0'],
      [10, 'v1'],
    ]);
  });

  it('minKey and maxKey take bounds and return undefined when no key qualifies', () => {
    expect(tree.minKey(11)).toBe(20);
    expect(tree.maxKey(11)).toBe(10);
    expect(tree.maxKey(-1)).toBeUndefined();
    expect(tree.minKey(191)).toBeUndefined();
    expect(new OOBTree().minKey()).toBeUndefined();
  });

  it('a view is lazy: nothing is read before it is used', () => {
    const t = new TinyOOBTree<number, number>([[1, 1]]);
    const view = t.keys();
    t.set(0, 0);
    expect([...view]).toEqual([0, 1]);
  });
});

describe('byValue', () => {
  it('lists (value, key) pairs with value >= min, largest first', () => {
    const t = new OIBTree<string>([
      ['a', 3],
      ['b', 1],
      ['c', 5],
      ['d', 3],
    ]);
    expect(t.byValue(3)).toEqual([
      [1, 'c'],
      [1, 'd'],
      [1, 'a'],
    ]);
    expect(
      new OOBTree([
        ['x', 'p'],
        ['y', 'q'],
      ]).byValue('q'),
    ).toEqual([['q', 'y']]);
  });

  it('normalises float values by real division', () => {
    const t = new IFBTree([
      [1, 1.5],
      [2, 3],
    ]);
    expect(t.byValue(1.5)).toEqual([
      [2, 2],
      [1, 1],
    ]);
  });
});

describe('integer families', () => {
  it('reject non-integers and out-of-range numbers with TypeError and RangeError', () => {
    const t = new IIBTree();
    expect(() => t.set(1.5, 1)).toThrow(TypeError);
    expect(() => t.set(1, 2 ** 31)).toThrow(RangeError);
    expect(() => t.set(2 ** 31, 1)).toThrow(
      /32-bit signed integer between -2147483648 and 2147483647/,
    );
    expect(() => new IIBucket().set(1n as never, 1)).toThrow(/convert bigints with Number\(\)/);
  });

  it('store numbers equal to the ones given', () => {
    const t = new IIBTree([[-(2 ** 31), 2 ** 31 - 1]]);
    expect([...t]).toEqual([[-(2 ** 31), 2 ** 31 - 1]]);
  });
});
