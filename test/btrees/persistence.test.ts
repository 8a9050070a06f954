/**
 * BTrees in a database: commit, reload in another connection, ghosting by
 * the cache, abort and savepoints, for every family.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, IIBTree, Length, OOBTree, OOTreeSet } from '../../src/btrees/index.js';
import { DB } from '../../src/connection/db.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Session, boundaryOps, isBoundary } from './support/db-harness.js';
import { FAMILIES } from './support/families.js';
import {
  applyMapOp,
  applySetOp,
  expectSameMapping,
  expectSameSet,
  mapOps,
  setOps,
  SortedModel,
} from './support/model.js';

async function twoConnections() {
  const db = new DB(null);
  const tm1 = new TransactionManager();
  const tm2 = new TransactionManager();
  const c1 = db.open({ transactionManager: tm1 });
  return { db, tm1, tm2, c1, open2: () => db.open({ transactionManager: tm2 }) };
}

describe('every family in a database', () => {
  for (const spec of FAMILIES) {
    it(`${spec.name}: a multi-level BTree and TreeSet reload in another connection`, async () => {
      const { db, tm1, c1, open2 } = await twoConnections();
      const keys = spec.sortedKeys(60);
      c1.root.tree = new spec.SmallBTree(keys.map((k, i) => [k, spec.valueOf(i)]));
      c1.root.set = new spec.SmallTreeSet(keys);
      await tm1.commit();
      const c2 = open2();
      const tree = c2.root.tree;
      const set = c2.root.set;
      expect(tree).toBeInstanceOf(spec.SmallBTree);
      expect([...tree]).toEqual(keys.map((k, i) => [k, spec.valueOf(i)]));
      expect([...set]).toEqual(keys);
      check(tree);
      check(set);
      await db.close();
    });
  }
});

describe('records and the cache', () => {
  it('a small tree keeps its only bucket inside its own record', async () => {
    const { db, tm1, c1, open2 } = await twoConnections();
    c1.root.tree = new OOBTree([['a', 1]]);
    await tm1.commit();
    const tree = open2().root.tree as OOBTree<string, number>;
    expect(tree.get('a')).toBe(1);
    expect(tree._firstBucket!._p_oid).toBeUndefined();
    await db.close();
  });

  it('a change to the inline bucket is saved with the tree', async () => {
    const { db, tm1, tm2, c1, open2 } = await twoConnections();
    c1.root.tree = new OOBTree([['a', 1]]);
    await tm1.commit();
    const c2 = open2();
    (c2.root.tree as OOBTree<string, number>).set('b', 2);
    await tm2.commit();
    await tm1.abort();
    expect([...(c1.root.tree as OOBTree<string, number>)]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    await db.close();
  });

  it('once it splits, its buckets are records of their own, and the cache ghosts them', async () => {
    const { db, tm1, c1 } = await twoConnections();
    const tree = new IIBTree(Array.from({ length: 1000 }, (_, i) => [i, i] as [number, number]));
    c1.root.tree = tree;
    await tm1.commit();
    const first = tree._firstBucket!;
    expect(first._p_oid).toBeDefined();
    c1.cacheMinimize();
    expect(first._p_status).toBe('ghost');
    expect(tree.get(5)).toBe(5);
    expect(first._p_status).toBe('saved');
    await db.close();
  });

  it('abort restores the committed tree, including split and emptied buckets', async () => {
    const { db, tm1, c1 } = await twoConnections();
    const tree = new IIBTree(Array.from({ length: 1000 }, (_, i) => [i, i] as [number, number]));
    c1.root.tree = tree;
    await tm1.commit();
    for (let i = 0; i < 300; i++) tree.delete(i);
    for (let i = 1000; i < 1500; i++) tree.set(i, i);
    await tm1.abort();
    expect(tree.size).toBe(1000);
    expect(tree.minKey()).toBe(0);
    expect(tree.maxKey()).toBe(999);
    check(tree);
    await db.close();
  });

  it('a tree that tracks its size keeps its Length as a record of its own', async () => {
    const { db, tm1, c1, open2 } = await twoConnections();
    c1.root.set = new OOTreeSet(['a', 'b'], { trackSize: true });
    await tm1.commit();
    const set = open2().root.set as OOTreeSet<string>;
    expect(set.size).toBe(2);
    expect(set._sizeCounter).toBeInstanceOf(Length);
    await db.close();
  });
});

describe('random operations with commits, aborts, savepoints, reopening and cache minimisation', () => {
  const families = FAMILIES.filter((f) => ['OO', 'II', 'IF', 'OL', 'LO', 'LL'].includes(f.name));
  for (const spec of families) {
    it(`${spec.name}: a BTree agrees with the model`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof({ weight: 5, arbitrary: mapOps(spec) }, { weight: 1, arbitrary: boundaryOps }),
            { maxLength: 70 },
          ),
          async (ops) => {
            const session = new Session(new spec.SmallBTree(), new SortedModel(spec.compare));
            await session.start();
            for (const op of ops) {
              if (isBoundary(op)) await session.apply(op);
              else applyMapOp(session.subject, session.model, op);
            }
            expectSameMapping(session.subject, session.model);
            check(session.subject);
            await session.apply({ op: 'reopen' });
            expectSameMapping(session.subject, session.model);
            check(session.subject);
            await session.close();
          },
        ),
        { numRuns: 20 },
      );
    });

    it(`${spec.name}: a TreeSet agrees with the model`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof({ weight: 5, arbitrary: setOps(spec) }, { weight: 1, arbitrary: boundaryOps }),
            { maxLength: 70 },
          ),
          async (ops) => {
            const session = new Session(new spec.SmallTreeSet(), new SortedModel(spec.compare));
            await session.start();
            for (const op of ops) {
              if (isBoundary(op)) await session.apply(op);
              else applySetOp(session.subject, session.model, op);
            }
            expectSameSet(session.subject, session.model);
            await session.apply({ op: 'reopen' });
            expectSameSet(session.subject, session.model);
            check(session.subject);
            await session.close();
          },
        ),
        { numRuns: 12 },
      );
    });
  }
});

describe('a connection with a one-object cache', () => {
  it('never ghosts the object it is loading, even when every other loaded object is changed', async () => {
    const db = new DB(null);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm, cacheSize: 1 });
    conn.root.counters = [new Length(), new Length(), new Length(), new Length(7)];
    await tm.commit();
    const other = db.open({ transactionManager: new TransactionManager(), cacheSize: 1 });
    const counters = other.root.counters as Length[];
    for (const counter of counters.slice(0, 3)) counter.change(1);
    expect(counters[3]!.value).toBe(7);
    await db.close();
  });
});

describe('a cache of two objects, which ghosts nodes at every transaction boundary', () => {
  for (const spec of FAMILIES.filter((f) => ['OO', 'II'].includes(f.name))) {
    it(`${spec.name}: a BTree that tracks its size still agrees with the model`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof({ weight: 8, arbitrary: mapOps(spec) }, { weight: 1, arbitrary: boundaryOps }),
            { maxLength: 70 },
          ),
          async (ops) => {
            const session = new Session(
              new spec.SmallBTree(null, { trackSize: true }),
              new SortedModel(spec.compare),
              2,
            );
            await session.start();
            for (const op of ops) {
              if (isBoundary(op)) await session.apply(op);
              else applyMapOp(session.subject, session.model, op);
            }
            expectSameMapping(session.subject, session.model);
            check(session.subject);
            await session.close();
          },
        ),
        { numRuns: 20 },
      );
    });
  }
});

describe('regressions under a tiny cache', () => {
  it('iterating a two-bucket tree whose first bucket was ghosted while finding the last', async () => {
    const spec = FAMILIES[0]!;
    const session = new Session(
      new spec.SmallBTree(null, { trackSize: true }),
      new SortedModel(spec.compare),
      2,
    );
    await session.start();
    for (const op of [
      { op: 'update', entries: [['k0', null]] },
      { op: 'set', key: 'k2', value: '' },
      { op: 'insert', key: 'k1', value: null },
      { op: 'set', key: null, value: 0 },
    ] as const) {
      applyMapOp(session.subject, session.model, op as never);
    }
    await session.apply({ op: 'reopen' });
    applyMapOp(session.subject, session.model, { op: 'insert', key: 'k3', value: '' });
    expectSameMapping(session.subject, session.model);
    await session.close();
  });
});
