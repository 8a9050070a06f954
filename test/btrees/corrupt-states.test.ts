/** Damaged or foreign states are refused with CorruptedDataError, never installed. */
import { describe, expect, it } from 'vitest';
import {
  IIBTree,
  IIBucket,
  IISet,
  Length,
  LLBucket,
  OOBTree,
  OOBucket,
} from '../../src/btrees/index.js';
import { CorruptedDataError } from '../../src/errors.js';

const load = (target: { __setstate__(s: unknown): void }, state: unknown) => () =>
  target.__setstate__(state);

describe('corrupted states', () => {
  it('a bucket state of the wrong shape', () => {
    expect(load(new OOBucket(), 'x')).toThrow(CorruptedDataError);
    expect(load(new OOBucket(), [['a']])).toThrow(CorruptedDataError);
    expect(load(new OOBucket(), [['a'], [1], null, 'extra'])).toThrow(CorruptedDataError);
    expect(load(new IISet(), [Int32Array.of(1), null, null])).toThrow(CorruptedDataError);
  });

  it('keys and values counts that differ', () => {
    expect(load(new OOBucket(), [['a', 'b'], [1]])).toThrow(/2 keys but 1 values/);
  });

  it('keys or values of the wrong type', () => {
    expect(load(new OOBucket(), [[{}], [1]])).toThrow(CorruptedDataError);
    expect(load(new IIBucket(), [[1.5], [1]])).toThrow(CorruptedDataError);
    expect(load(new IIBucket(), [[1], ['x']])).toThrow(CorruptedDataError);
    expect(load(new IIBucket(), [Float64Array.of(2 ** 40), Int32Array.of(1)])).toThrow(
      CorruptedDataError,
    );
    expect(load(new LLBucket(), [Float64Array.of(1.5), Float64Array.of(1)])).toThrow(
      CorruptedDataError,
    );
    expect(load(new LLBucket(), [Float64Array.of(1), Float64Array.of(2 ** 60)])).toThrow(
      CorruptedDataError,
    );
  });

  it('a packed state (keys then values in one typed array) that does not pair up', () => {
    expect(load(new IIBucket(), [Int32Array.of(1, 2, 3)])).toThrow(/must pair up/);
    expect(load(new LLBucket(), [Float64Array.of(1, 2, 3)])).toThrow(CorruptedDataError);
  });

  it('a packed state with a key or value out of its type', () => {
    expect(load(new LLBucket(), [Float64Array.of(1.5, 1)])).toThrow(CorruptedDataError);
    expect(load(new LLBucket(), [Float64Array.of(1, 2 ** 60)])).toThrow(CorruptedDataError);
    expect(load(new IIBucket(), [Float64Array.of(1, 2)])).toThrow(CorruptedDataError);
  });

  it('a packed state with a next bucket that is not a bucket', () => {
    expect(load(new IIBucket(), [Int32Array.of(1, 2), 'next'])).toThrow(
      /next bucket is not a bucket/,
    );
  });

  it('a next bucket that is not a bucket', () => {
    expect(load(new OOBucket(), [['a'], [1], 'next'])).toThrow(/next bucket is not a bucket/);
    expect(load(new OOBucket(), [['a'], [1], new OOBTree()])).toThrow(CorruptedDataError);
  });

  it('tree states of the wrong shape', () => {
    expect(load(new OOBTree(), [1, 2])).toThrow(CorruptedDataError);
    expect(load(new OOBTree(), { children: [new OOBucket()], keys: ['a'] })).toThrow(
      /n - 1 separator keys/,
    );
    expect(load(new OOBTree(), { children: [new OOBucket(), new OOBTree()], keys: ['a'] })).toThrow(
      /all buckets or all nodes/,
    );
    expect(load(new OOBTree(), { children: ['x', 'y'], keys: ['a'] })).toThrow(CorruptedDataError);
    expect(load(new OOBTree(), { children: [new OOBucket()], keys: [], first: 'x' })).toThrow(
      /first bucket is not a bucket/,
    );
    expect(load(new IIBTree(), { size: 3 })).toThrow(/size counter is not a Length/);
    expect(load(new Length(), 'x')).toThrow(CorruptedDataError);
  });

  it('a refused state leaves a usable empty tree, not half a state', () => {
    const tree = new OOBTree<string, number>([['a', 1]]);
    expect(load(tree, { children: [new OOBucket(), new OOBTree()], keys: ['a'] })).toThrow(
      CorruptedDataError,
    );
    expect(tree.size).toBe(0);
    tree.set('b', 2);
    expect([...tree]).toEqual([['b', 2]]);
  });
});
