/**
 * Prefix codes (the numeric digests of string keys that searches use) are
 * derived data: after any sequence of inserts, deletes, splits, lookups and
 * reloads they agree with the keys, searches give the model's answers, and
 * they never reach the stored state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OOBTree, OOTreeSet } from '../../src/btrees/index.js';
import { compareKeys } from '../../src/btrees/key-order.js';
import type { ObjectKey } from '../../src/btrees/key-order.js';
import type { Node } from '../../src/btrees/nodes.js';
import { codesAgree, narrowCode, prefixCode } from '../../src/btrees/prefix-codes.js';
import { DB } from '../../src/connection/db.js';
import { registerClass } from '../../src/serialize/class-registry.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { SortedModel } from './support/model.js';

class NarrowOOBTree extends OOBTree<ObjectKey, unknown> {
  static override maxLeafSize = 4;
  static override maxInternalSize = 4;
}
registerClass(NarrowOOBTree, 'test.btrees.prefixCodes.NarrowOOBTree');

class NarrowOOTreeSet extends OOTreeSet<ObjectKey> {
  static override maxLeafSize = 4;
  static override maxInternalSize = 4;
}
registerClass(NarrowOOTreeSet, 'test.btrees.prefixCodes.NarrowOOTreeSet');

/** Strings sharing long prefixes (ties of codes), odd units, and a few non-strings. */
const key: fc.Arbitrary<ObjectKey> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.stringMatching(
      /^(key0{0,6}[0-9ab]{0,3}|[a\x7e\x7f\x80\uffff]{0,4}|k[0-9]{0,8}|)$/,
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 }).map((i) => `k${'0'.repeat(i % 7)}${i}`) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null)) },
);

type Op = { op: 'set' | 'delete' | 'get'; key: ObjectKey };
const ops = fc.array(
  fc.record({ op: fc.constantFrom('set', 'set', 'delete', 'get') as fc.Arbitrary<Op['op']>, key }),
  { maxLength: 120 },
);

/** Every node of a tree, root first. */
function nodesOf(root: Node): Node[] {
  const out: Node[] = [];
  const visit = (node: Node) => {
    node._p_activate();
    out.push(node);
    if (!node._isLeaf) for (const child of node._children) visit(child);
  };
  visit(root);
  return out;
}

function expectCodesAgree(root: Node): void {
  for (const node of nodesOf(root)) {
    const size = node._isLeaf ? node._len : Math.max(0, node._len - 1);
    expect(codesAgree(node, size)).toBe(true);
  }
}

function apply(tree: NarrowOOBTree, model: SortedModel, { op, key: k }: Op): void {
  if (op === 'set') {
    tree.set(k, 1);
    model.set(k, 1);
  } else if (op === 'delete') {
    expect(tree.delete(k)).toBe(model.delete(k));
  } else {
    expect(tree.has(k)).toBe(model.has(k));
  }
}

describe('prefix codes', () => {
  it('order strings as the strings order, and stand for short strings whole', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 6 }),
        (a, b) => {
          const ca = prefixCode(a, 0);
          const cb = prefixCode(b, 0);
          if (a < b) expect(ca).toBeLessThanOrEqual(cb);
          if (ca < cb) expect(a < b).toBe(true);
          // Codes without the "more units follow" bit stand for the whole key.
          if (ca === cb && ca % 2 === 0) expect(a).toBe(b);
        },
      ),
    );
  });

  it('in the narrow width, order any string against strings whose coded units are below U+007F', () => {
    const fitting = fc.string({ unit: fc.constantFrom('a', 'b', '0', '\x7e', ' '), maxLength: 8 });
    const any = fc.oneof(
      fitting,
      fc.string({ unit: fc.constantFrom('a', '\x7e', '\x7f', '\x80', '\uffff'), maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    fc.assert(
      fc.property(any, fitting, fc.integer({ min: 0, max: 2 }), (sought, key, at) => {
        const s = narrowCode(sought, at);
        const k = narrowCode(key, at);
        const a = sought.slice(at);
        const b = key.slice(at);
        if (a < b) expect(s).toBeLessThanOrEqual(k);
        if (a > b) expect(s).toBeGreaterThanOrEqual(k);
        if (s < k) expect(a < b).toBe(true);
        if (s > k) expect(a > b).toBe(true);
        // Equal codes without the "more units follow" bit stand for equal keys.
        if (s === k && s % 2 === 0) expect(a).toBe(b);
      }),
    );
  });

  it('are narrow in every node of a tree of ASCII keys, with no two separators tied', () => {
    const tree = new OOBTree<string, number>();
    const n = 20_000;
    const name = (i: number) => `key${String(i).padStart(8, '0')}`;
    // Keys in a scattered order; the value of key i is i.
    for (let i = 0; i < n; i++) tree.set(name((i * 7919) % n), (i * 7919) % n);
    for (let i = 0; i < n; i++) expect(tree.get(name(i))).toBe(i);
    const nodes = nodesOf(tree as unknown as Node);
    const internal = nodes.filter((node) => !node._isLeaf && node._codes !== null);
    expect(internal.length).toBeGreaterThan(0);
    for (const node of nodes.filter((node) => node._codes !== null)) {
      expect(node._narrowCodes).toBe(true);
      const size = node._isLeaf ? node._len : node._len - 1;
      expect(new Set(node._codes!.slice(0, size)).size).toBe(size);
    }
    expectCodesAgree(tree as unknown as Node);
    // A key with a unit a narrow code cannot hold makes its node wide again.
    const odd = 'key0000012\u00e9';
    tree.set(odd, -1);
    expect(tree.get(odd)).toBe(-1);
    expect(tree.get(name(120))).toBe(120);
    expect(tree.has('key0000012\u00ea')).toBe(false);
    expectCodesAgree(tree as unknown as Node);
    const leaf = nodesOf(tree as unknown as Node).find(
      (node) => node._isLeaf && (node._keys as unknown[]).includes(odd),
    )!;
    expect(leaf._codedKeys).toBe(leaf._keys);
    expect(leaf._narrowCodes).toBe(false);
    // 'é' sorts after every digit.
    expect([...tree.keys({ min: name(129), max: name(130) })]).toEqual([name(129), odd, name(130)]);
  });

  it('agree with the keys after random inserts, deletes, lookups and splits, mixed keys included', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const tree = new NarrowOOBTree();
        const model = new SortedModel(compareKeys);
        for (const op of sequence) apply(tree, model, op);
        expectCodesAgree(tree as unknown as Node);
        for (const k of model.keys) expect(tree.get(k)).toBe(1);
        expect([...tree.keys()]).toEqual(model.keys);
        expectCodesAgree(tree as unknown as Node);
      }),
    );
  });

  it('find keys among many that share their code (long keys agreeing on the coded units)', () => {
    const tree = new OOBTree<string, number>();
    const tied = Array.from({ length: 26 }, (_, i) => `bxxx${String.fromCharCode(65 + i)}y`);
    for (const k of ['a', ...tied, 'c']) tree.set(k, k.length);
    for (const k of tied) expect(tree.get(k)).toBe(6);
    for (const k of ['bxxx', 'bxxxA', 'bxxxAz', 'bxxx@', 'bxxx[', 'bxxxZz', 'b', 'bz']) {
      expect(tree.has(k)).toBe(false);
    }
    expect([...tree.keys({ min: 'bxxxC', max: 'bxxxEz' })]).toEqual(['bxxxCy', 'bxxxDy', 'bxxxEy']);
    expectCodesAgree(tree as unknown as Node);
  });

  it('are coded for every all-string node a search visits, and for no other', () => {
    const tree = new NarrowOOBTree();
    for (let i = 0; i < 50; i++) tree.set(`key${String(i).padStart(4, '0')}`, i);
    tree.set(7, 'seven');
    for (let i = 0; i < 50; i++) expect(tree.get(`key${String(i).padStart(4, '0')}`)).toBe(i);
    expect(tree.get(7)).toBe('seven');
    const leaves = nodesOf(tree as unknown as Node).filter((node) => node._isLeaf);
    const mixed = leaves.find((leaf) => (leaf._keys as unknown[]).includes(7))!;
    expect(mixed._codedKeys === mixed._keys && mixed._codes === null).toBe(true);
    const coded = leaves.filter((leaf) => leaf._codedKeys === leaf._keys && leaf._codes !== null);
    expect(coded.length).toBe(leaves.length - 1);
  });

  it('are rebuilt after a reload and never reach the stored state', async () => {
    const db = new DB(new MappingStorage());
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const tree = new NarrowOOBTree();
    const set = new NarrowOOTreeSet();
    conn.root.tree = tree;
    conn.root.set = set;
    const keys = Array.from(
      { length: 60 },
      (_, i) => `key${String((i * 37) % 60).padStart(5, '0')}`,
    );
    for (const k of keys) {
      tree.set(k, k.length);
      set.add(k);
    }
    await tm.commit();
    const leaf = nodesOf(tree as unknown as Node).find((node) => node._isLeaf)!;
    // The state's own parts (its last item is the next bucket, stored as a reference).
    const ownParts = () => JSON.stringify((leaf.__getstate__() as unknown[]).slice(0, 2));
    const before = ownParts();
    for (const k of keys) expect(tree.has(k) && set.has(k)).toBe(true);
    expect(leaf._codes).not.toBe(null);
    expect(ownParts()).toBe(before);
    expect(Object.keys(leaf.__getstate__() as object)).toEqual(['0', '1', '2']);

    const reader = db.open({ transactionManager: new TransactionManager() });
    const loaded = reader.root.tree as NarrowOOBTree;
    for (const k of keys) expect(loaded.get(k)).toBe(k.length);
    expect(loaded.get('key')).toBe(undefined);
    expectCodesAgree(loaded as unknown as Node);
    reader.cacheMinimize();
    for (const k of keys) expect(loaded.has(`${k}x`)).toBe(false);
    expectCodesAgree(loaded as unknown as Node);
    await db.close();
  });
});
