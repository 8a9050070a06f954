/**
 * Concurrent changes to one BTree from two connections: which merge at
 * commit, and which are refused with a BTreesConflictError naming the case.
 */
import { describe, expect, it } from 'vitest';
import type { IIBucket } from '../../src/btrees/index.js';
import {
  BTreesConflictError,
  check,
  ConflictReason,
  IIBTree,
  IITreeSet,
  Length,
  OOBTree,
} from '../../src/btrees/index.js';
import { DB } from '../../src/connection/db.js';
import { ConflictError } from '../../src/errors.js';
import { registerClass } from '../../src/serialize/class-registry.js';
import { TransactionManager } from '../../src/transaction/index.js';

/** Buckets of at most 8 keys, so a tree of 30 keys has several, all children of the root. */
class ConflictTree extends IIBTree {
  static override maxLeafSize = 8;
  static override maxInternalSize = 50;
}
registerClass(ConflictTree, 'test.btrees.ConflictTree');

interface Pair {
  db: DB;
  tm1: TransactionManager;
  tm2: TransactionManager;
  t1: ConflictTree;
  t2: ConflictTree;
  /** The keys of the second bucket, the one the cases change. */
  bucket: number[];
  /** The first key of the third bucket (the end of the second bucket's range). */
  nextFirst: number;
}

/** Two connections on a committed tree with keys 0, 10, ..., 290. */
async function pair(options: { trackSize?: boolean } = {}): Promise<Pair> {
  const db = new DB(null);
  const tm1 = new TransactionManager();
  const tm2 = new TransactionManager();
  const c1 = db.open({ transactionManager: tm1 });
  const tree = new ConflictTree(null, options);
  for (let k = 0; k < 300; k += 10) tree.set(k, k);
  c1.root.tree = tree;
  await tm1.commit();
  const c2 = db.open({ transactionManager: tm2 });
  const second = tree._firstBucket!._next! as unknown as IIBucket;
  const bucket = [...second.keys()];
  const nextFirst = (second._next as unknown as IIBucket).minKey()!;
  return { db, tm1, tm2, t1: tree, t2: c2.root.tree as ConflictTree, bucket, nextFirst };
}

/** Commits tm1 then tm2; returns the BTreesConflictError reason code, or undefined when both committed. */
async function commitBoth(p: Pair): Promise<number | undefined> {
  await p.tm1.commit();
  try {
    await p.tm2.commit();
  } catch (error) {
    expect(error).toBeInstanceOf(ConflictError);
    const cause = error instanceof BTreesConflictError ? error : (error as Error).cause;
    expect(cause).toBeInstanceOf(BTreesConflictError);
    await p.tm2.abort();
    return (cause as BTreesConflictError).reasonCode;
  }
  return undefined;
}

/** The tree as committed, seen from the first connection after both commits. */
async function committed(p: Pair): Promise<Array<[number, number]>> {
  await p.tm1.abort();
  check(p.t1);
  return [...p.t1];
}

describe('concurrent changes to different keys of one bucket merge', () => {
  it('inserts', async () => {
    const p = await pair();
    const [, k1, k2] = p.bucket as [number, number, number];
    p.t1.set(k1 + 1, -1);
    p.t2.set(k2 + 1, -2);
    expect(await commitBoth(p)).toBeUndefined();
    const items = new Map(await committed(p));
    expect(items.get(k1 + 1)).toBe(-1);
    expect(items.get(k2 + 1)).toBe(-2);
    expect(items.size).toBe(32);
    await p.db.close();
  });

  it('value changes', async () => {
    const p = await pair();
    const [, k1, k2] = p.bucket as [number, number, number];
    p.t1.set(k1, -1);
    p.t2.set(k2, -2);
    expect(await commitBoth(p)).toBeUndefined();
    const items = new Map(await committed(p));
    expect([items.get(k1), items.get(k2)]).toEqual([-1, -2]);
    await p.db.close();
  });

  it('deletes of keys other than the first', async () => {
    const p = await pair();
    const [, k1, k2] = p.bucket as [number, number, number];
    p.t1.delete(k1);
    p.t2.delete(k2);
    expect(await commitBoth(p)).toBeUndefined();
    const items = new Map(await committed(p));
    expect(items.has(k1) || items.has(k2)).toBe(false);
    expect(items.size).toBe(28);
    await p.db.close();
  });

  it('changes to different buckets never conflict', async () => {
    const p = await pair();
    p.t1.set(p.bucket[0]! + 1, 1);
    p.t2.set(p.nextFirst + 1, 2);
    expect(await commitBoth(p)).toBeUndefined();
    expect((await committed(p)).length).toBe(32);
    await p.db.close();
  });

  it('inserts into a tree that tracks its size keep the size right (its Length merges)', async () => {
    const p = await pair({ trackSize: true });
    p.t1.set(p.bucket[1]! + 1, 1);
    p.t2.set(p.bucket[2]! + 1, 2);
    p.t2.delete(p.nextFirst + 10);
    expect(await commitBoth(p)).toBeUndefined();
    await p.tm1.abort();
    expect(p.t1.size).toBe(31);
    check(p.t1);
    await p.db.close();
  });
});

describe('the cases ZODB refuses raise BTreesConflictError naming the case', () => {
  const cases: Array<
    [string, (p: Pair, k: number[]) => void, (p: Pair, k: number[]) => void, number]
  > = [
    [
      'both change the same value',
      (p, k) => p.t1.set(k[1]!, 1),
      (p, k) => p.t2.set(k[1]!, 2),
      ConflictReason.conflictingChanges,
    ],
    [
      'committed changed a value this one deleted',
      (p, k) => p.t1.set(k[1]!, 1),
      (p, k) => p.t2.delete(k[1]!),
      ConflictReason.changedByCommittedDeletedByThis,
    ],
    [
      'committed deleted a value this one changed',
      (p, k) => p.t1.delete(k[1]!),
      (p, k) => p.t2.set(k[1]!, 2),
      ConflictReason.changedByThisDeletedByCommitted,
    ],
    [
      'both insert the same key',
      (p, k) => p.t1.set(k[1]! + 1, 1),
      (p, k) => p.t2.set(k[1]! + 1, 2),
      ConflictReason.conflictingInserts,
    ],
    [
      'both delete the same key',
      (p, k) => p.t1.delete(k[1]!),
      (p, k) => (p.t2.delete(k[1]!), p.t2.delete(k[2]!)),
      ConflictReason.conflictingDeletes,
    ],
    [
      'both insert the same key after the last',
      (p, k) => p.t1.set(k.at(-1)! + 1, 1),
      (p, k) => p.t2.set(k.at(-1)! + 1, 2),
      ConflictReason.conflictingInsertsAtEnd,
    ],
    [
      'this one deleted the last key, changed by the other',
      (p, k) => p.t1.set(k.at(-1)!, 1),
      (p, k) => p.t2.delete(k.at(-1)!),
      ConflictReason.conflictingDeletesAtEndByThis,
    ],
    [
      'the other deleted the last key, changed by this one',
      (p, k) => p.t1.delete(k.at(-1)!),
      (p, k) => p.t2.set(k.at(-1)!, 2),
      ConflictReason.conflictingDeletesAtEndByCommitted,
    ],
    [
      'both delete the last key',
      (p, k) => p.t1.delete(k.at(-1)!),
      (p, k) => p.t2.delete(k.at(-1)!),
      ConflictReason.conflictingDeletesAtEnd,
    ],
    [
      'the other deleted the first key',
      (p, k) => p.t1.delete(k[0]!),
      (p, k) => p.t2.set(k[1]! + 1, 2),
      ConflictReason.firstKeyDeleted,
    ],
    [
      'this one deleted the first key',
      (p, k) => p.t1.set(k[1]! + 1, 1),
      (p, k) => p.t2.delete(k[0]!),
      ConflictReason.firstKeyDeleted,
    ],
    [
      'the other emptied the bucket',
      (p, k) => k.forEach((key) => p.t1.delete(key)),
      (p, k) => p.t2.set(k[1]! + 1, 2),
      ConflictReason.emptyBucket,
    ],
    [
      'the other split the bucket',
      (p, k) => [1, 2, 3, 4, 5].forEach((d) => p.t1.set(k[1]! + d, d)),
      (p, k) => p.t2.set(k[2]! + 1, 2),
      ConflictReason.bucketSplit,
    ],
    [
      'both split buckets of one internal node',
      (p, k) => [1, 2, 3, 4, 5].forEach((d) => p.t1.set(k[1]! + d, d)),
      (p) => [1, 2, 3, 4, 5].forEach((d) => p.t2.set(p.nextFirst + d, d)),
      ConflictReason.internalNodeChanged,
    ],
  ];

  for (const [name, first, second, code] of cases) {
    it(`${name}: reason ${code}`, async () => {
      const p = await pair();
      first(p, p.bucket);
      second(p, p.bucket);
      expect(await commitBoth(p)).toBe(code);
      // The tree stays as the first transaction left it.
      check(p.t1);
      await p.db.close();
    });
  }

  it('the ConflictError carries the oid, the class and the reason', async () => {
    const p = await pair();
    p.t1.set(p.bucket[1]!, 1);
    p.t2.set(p.bucket[1]!, 2);
    await p.tm1.commit();
    const error = (await p.tm2.commit().catch((e: unknown) => e)) as ConflictError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.oid).toBe(p.t1._firstBucket!._next!._p_oid);
    expect(error.className).toBe('BTrees.IIBTree.IIBucket');
    expect(error.reason).toMatch(
      /both transactions changed the value of the same key \(key \d+ \(number\)\)/,
    );
    await p.db.close();
  });
});

describe('small trees, sets and Length', () => {
  async function two<T>(make: () => T) {
    const db = new DB(null);
    const tm1 = new TransactionManager();
    const tm2 = new TransactionManager();
    const c1 = db.open({ transactionManager: tm1 });
    c1.root.x = make();
    await tm1.commit();
    const c2 = db.open({ transactionManager: tm2 });
    return { db, tm1, tm2, a: c1.root.x as T, b: c2.root.x as T };
  }

  it('a small tree (one inline bucket) merges inserts of different keys', async () => {
    const { db, tm1, tm2, a, b } = await two(() => new OOBTree<string, number>([['m', 0]]));
    a.set('a', 1);
    b.set('z', 2);
    await tm1.commit();
    await tm2.commit();
    await tm1.abort();
    expect([...a.keys()]).toEqual(['a', 'm', 'z']);
    await db.close();
  });

  it('a small tree refuses inserts of the same key', async () => {
    const { db, tm1, tm2, a, b } = await two(() => new OOBTree<string, number>([['m', 0]]));
    a.set('a', 1);
    b.set('a', 2);
    await tm1.commit();
    const error = (await tm2.commit().catch((e: unknown) => e)) as ConflictError;
    expect((error.cause as BTreesConflictError).reasonCode).toBe(ConflictReason.conflictingInserts);
    expect(error.className).toBe('BTrees.OOBTree.OOBTree');
    await db.close();
  });

  it('a TreeSet merges adds of different keys', async () => {
    const { db, tm1, tm2, a, b } = await two(
      () => new IITreeSet(Array.from({ length: 500 }, (_, i) => i * 2)),
    );
    a.add(101);
    b.add(103);
    await tm1.commit();
    await tm2.commit();
    await tm1.abort();
    expect(a.has(101) && a.has(103)).toBe(true);
    expect(a.size).toBe(502);
    await db.close();
  });

  it('Length never conflicts: both changes count', async () => {
    const { db, tm1, tm2, a, b } = await two(() => new Length(10));
    a.change(5);
    b.change(-3);
    await tm1.commit();
    await tm2.commit();
    await tm1.abort();
    expect(a.value).toBe(12);
    await db.close();
  });
});
