/** The total order of O-family keys (key-order.ts). */
import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  isObjectKey,
  OOBTree,
  OOSet,
  type ObjectKey,
} from '../../src/btrees/index.js';

const sign = (n: number) => Math.sign(n);

describe('the total order of O keys', () => {
  it('ranks types: null < booleans < numbers and bigints < Dates < strings < bytes < arrays', () => {
    const ordered = [
      null,
      false,
      true,
      -Infinity,
      -1n,
      0,
      2.5,
      3n,
      Infinity,
      new Date(0),
      new Date(1000),
      '',
      'A',
      'a',
      'ab',
      new Uint8Array([0]),
      new Uint8Array([0, 1]),
      new Uint8Array([2]),
      [],
      [null],
      [1, 'a'],
      [1, 'b'],
      ['a'],
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(sign(compareKeys(ordered[i], ordered[j])), `${i} vs ${j}`).toBe(sign(i - j));
      }
    }
  });

  it('treats numbers and bigints of equal value, and 0 and -0, as the same key', () => {
    expect(compareKeys(1, 1n)).toBe(0);
    expect(compareKeys(-0, 0)).toBe(0);
    const set = new OOSet<number | bigint>([1, 1n, 0, -0]);
    expect(set.size).toBe(2);
    expect(set.has(1n)).toBe(true);
  });

  it('compares strings by UTF-16 code units, as JavaScript does', () => {
    expect(sign(compareKeys('Z', 'a'))).toBe(-1);
    expect(sign(compareKeys('\u{1F600}', '\uFFFF'))).toBe(-1); // a surrogate pair sorts below U+FFFF
  });

  it('compares arrays element by element, a prefix first', () => {
    expect(sign(compareKeys(['a', 1], ['a', 1, null]))).toBe(-1);
    expect(sign(compareKeys(['a', [2]], ['a', [10]]))).toBe(-1);
    expect(compareKeys([new Date(5), 'x'], [new Date(5), 'x'])).toBe(0);
  });

  it('refuses values outside the order', () => {
    for (const bad of [
      undefined,
      NaN,
      {},
      new Map(),
      new Set(),
      Symbol('x'),
      () => 1,
      new Int32Array(1),
      new Date(NaN),
      [1, undefined],
      [[{}]],
    ]) {
      expect(isObjectKey(bad)).toBe(false);
      expect(() => new OOBTree().set(bad as never, 1)).toThrow(TypeError);
    }
  });

  it('names the structure and the refused key in the error message', () => {
    expect(() => new OOBTree().set({} as never, 1)).toThrow(
      /OOBTree key: an Object cannot be a BTree key/,
    );
  });

  it('is the same order everywhere: mixed keys sort alike in trees, sets and ranges', () => {
    const keys = ['b', 2, null, [1], new Date(3), true, 'a', 1n];
    const tree = new OOBTree(keys.map((k, i) => [k, i] as [ObjectKey, number]));
    const sorted = [...keys].sort(compareKeys);
    expect([...tree.keys()]).toEqual(sorted);
    expect([...new OOSet(keys)]).toEqual(sorted);
    expect([...tree.keys({ min: 1, max: 'a' })]).toEqual([1n, 2, new Date(3), 'a']);
    expect(tree.minKey()).toBe(null);
    expect(tree.maxKey()).toEqual([1]);
  });
});
