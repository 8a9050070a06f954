/** Iteration, and what happens when keys are added or removed during it. */
import { describe, expect, it } from 'vitest';
import type { IIBucket } from '../../src/btrees/index.js';
import { DB } from '../../src/connection/db.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';
import {
  BucketChangedSizeError,
  IIBTree,
  IISet,
  IITreeSet,
  OOBTree,
} from '../../src/btrees/index.js';

describe('iteration', () => {
  it('iterating a mapping yields [key, value] entries in key order; a set yields keys', () => {
    expect([
      ...new IIBTree([
        [2, 20],
        [1, 10],
      ]),
    ]).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect([...new IITreeSet([3, 1, 2])]).toEqual([1, 2, 3]);
  });

  it('replacing values while iterating is allowed', () => {
    const t = new IIBTree(Array.from({ length: 500 }, (_, i) => [i, i] as [number, number]));
    for (const [k, v] of t) t.set(k, v * 2);
    expect([...t.values()].slice(0, 3)).toEqual([0, 2, 4]);
  });

  it('removing keys during iteration throws BucketChangedSizeError at the next step', () => {
    const s = new IISet(Array.from({ length: 10 }, (_, i) => i));
    const seen: number[] = [];
    const run = () => {
      for (const i of s) {
        seen.push(i);
        s.remove(i);
      }
    };
    expect(run).toThrow(BucketChangedSizeError);
    expect(seen).toEqual([0]);
  });

  it('adding keys to a BTree during iteration throws at the next step', () => {
    const t = new OOBTree<string, number>([
      ['a', 1],
      ['c', 3],
    ]);
    const it = t.keys()[Symbol.iterator]();
    expect(it.next().value).toBe('a');
    t.set('b', 2);
    let error: unknown;
    try {
      it.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BucketChangedSizeError);
    expect(error).toMatchObject({ expectedSize: 2, actualSize: 3, structure: 'OOBucket' });
  });

  it('iterating over a copy of the keys is the safe way to remove them', () => {
    const s = new IISet(Array.from({ length: 10 }, (_, i) => i));
    for (const i of [...s.keys()]) s.remove(i);
    expect(s.size).toBe(0);
  });

  it('an iterator over an empty range is done at once', () => {
    const t = new IIBTree();
    expect(t.keys()[Symbol.iterator]().next()).toEqual({ value: undefined, done: true });
    expect([...new IIBTree([[1, 1]]).keys({ min: 2 })]).toEqual([]);
  });

  it('an iterator loads a ghost bucket only when it reaches it', async () => {
    const db = new DB(new MappingStorage());
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const tree = new IIBTree(Array.from({ length: 1000 }, (_, i) => [i, i] as [number, number]));
    conn.root.tree = tree;
    await tm.commit();
    conn.cacheMinimize();
    const iterator = tree.keys()[Symbol.iterator]();
    expect(iterator.next().value).toBe(0);
    const first = tree._firstBucket!;
    first._p_activate();
    const second = first._next!;
    expect(second._p_status).toBe('ghost');
    // Reading the last item of a bucket steps into the next one (loading it).
    for (let i = 1; i < first._len - 1; i++) expect(iterator.next().value).toBe(i);
    expect(second._p_status).toBe('ghost');
    expect(iterator.next().value).toBe(first._len - 1);
    expect(second._p_status).toBe('saved');
    expect(iterator.next().value).toBe(first._len);
    await db.close();
  });

  it('a bucket of a tree, iterated on its own, yields only its own keys', () => {
    const t = new IIBTree(Array.from({ length: 500 }, (_, i) => [i, i] as [number, number]));
    const first = t._firstBucket as unknown as IIBucket;
    const own = first._len;
    expect([...first.keys()]).toHaveLength(own);
    expect([...first]).toHaveLength(own);
    expect(first.keys().length).toBe(own);
    expect(first.keys().last()).toBe(own - 1);
  });
});
