/**
 * What BTrees are for: a lookup in a reloaded tree loads one record per
 * level, and changing one key rewrites about one bucket.
 */
import { describe, expect, it } from 'vitest';
import { IIBTree, OOBTree } from '../../src/btrees/index.js';
import { DB } from '../../src/connection/db.js';
import { registerClass } from '../../src/serialize/class-registry.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';

/** Narrow nodes, so a few thousand keys make a deep tree. */
class DeepTree extends IIBTree {
  static override maxLeafSize = 8;
  static override maxInternalSize = 8;
}
registerClass(DeepTree, 'test.btrees.DeepTree');

/** A database whose storage counts loads and stores. */
function countingDB() {
  const storage = new MappingStorage();
  const counts = { loads: 0, stores: 0, bytes: 0 };
  const loadAt = storage.loadAt.bind(storage);
  const store = storage.store.bind(storage);
  storage.loadAt = (oid, at) => {
    counts.loads++;
    return loadAt(oid, at);
  };
  storage.store = (oid, oldSerial, data, txn) => {
    counts.stores++;
    counts.bytes += data.length;
    store(oid, oldSerial, data, txn);
  };
  return { db: new DB(storage), counts };
}

function depthOf(tree: { _isLeaf: boolean; _children?: unknown[]; _p_activate(): void }): number {
  let depth = 0;
  let node = tree;
  while (!node._isLeaf) {
    node._p_activate();
    node = node._children![0] as typeof tree;
    depth++;
  }
  return depth;
}

describe('scale', () => {
  it('a lookup in a reloaded tree loads one record per level', async () => {
    const { db, counts } = countingDB();
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const tree = new DeepTree();
    for (let i = 0; i < 5000; i++) tree.set((i * 7919) % 5000, i);
    conn.root.tree = tree;
    await tm.commit();
    const depth = depthOf(tree);
    expect(depth).toBeGreaterThanOrEqual(4);
    const reader = db.open({ transactionManager: new TransactionManager() });
    const loaded = reader.root.tree as DeepTree;
    for (const key of [0, 1234, 4999, 2500, 17]) {
      reader.cacheMinimize();
      counts.loads = 0;
      expect(loaded.has(key)).toBe(true);
      // the root, one node per inner level, and the bucket
      expect(counts.loads).toBe(depth + 1);
    }
    await db.close();
  });

  it('iterating a reloaded tree loads the root and the buckets, not the internal nodes', async () => {
    const { db, counts } = countingDB();
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.tree = new DeepTree(
      Array.from({ length: 2000 }, (_, i) => [i, i] as [number, number]),
    );
    await tm.commit();
    let buckets = 0;
    for (let b = (conn.root.tree as DeepTree)._firstBucket; b !== null; b = b._next) buckets++;
    const reader = db.open({ transactionManager: new TransactionManager() });
    const loaded = reader.root.tree as DeepTree;
    counts.loads = 0;
    let n = 0;
    for (const _ of loaded.keys()) n++;
    expect(n).toBe(2000);
    expect(counts.loads).toBe(1 + buckets);
    await db.close();
  });

  it('changing one key of a committed tree rewrites one bucket', async () => {
    const { db, counts } = countingDB();
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const tree = new OOBTree<string, number>();
    for (let i = 0; i < 20_000; i++) tree.set(`key${i}`, i);
    conn.root.tree = tree;
    await tm.commit();
    const total = counts.stores;
    expect(total).toBeGreaterThan(600);
    counts.stores = 0;
    counts.bytes = 0;
    tree.set('key12345', -1);
    await tm.commit();
    expect(counts.stores).toBe(1);
    expect(counts.bytes).toBeLessThan(1000);
    counts.stores = 0;
    tree.set('key12345a', 0); // an insert that does not split
    tree.delete('key12346');
    await tm.commit();
    expect(counts.stores).toBeLessThanOrEqual(2);
    await db.close();
  });

  it('a tree that tracks its size also rewrites its Length, and nothing else', async () => {
    const { db, counts } = countingDB();
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const tree = new IIBTree(null, { trackSize: true });
    for (let i = 0; i < 10_000; i += 2) tree.set(i, i);
    conn.root.tree = tree;
    await tm.commit();
    counts.stores = 0;
    tree.set(5001, 1);
    await tm.commit();
    expect(counts.stores).toBe(2);
    expect(tree.size).toBe(5001);
    await db.close();
  });
});
