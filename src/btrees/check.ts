/**
 * `check()`: verifies that a BTree, TreeSet, Bucket or Set is consistent.
 *
 * It walks the whole structure (loading every node) and reports:
 * - keys out of order in a bucket, or outside the range its parent gives it;
 * - separator keys out of order; children counts that disagree;
 * - leaves at different depths, mixed leaf and node children, empty nodes;
 * - a leaf chain (`next` links from the first bucket) that does not visit
 *   the leaves in order or does not end;
 * - keys or values of the wrong type; a size counter that is off.
 *
 * `findProblems()` returns the findings; `check()` throws
 * `BTreeCheckError` listing them.
 *
 * @module
 */

import { BTreeCheckError } from './btree-errors.js';
import type { BTreeProblem } from './btree-errors.js';
import type { CollectionBase } from './collection-base.js';
import type { DataType } from './data-types.js';
import { describeValue } from './key-order.js';
import type { LeafNode, Node, TreeNode } from './nodes.js';

/** Key bounds given to a subtree by its parents: `lo <= key < hi`. */
interface Bounds {
  readonly lo: { key: unknown } | null;
  readonly hi: { key: unknown } | null;
}

class Checker {
  readonly problems: BTreeProblem[] = [];
  readonly leaves: LeafNode[] = [];
  leafDepth = -1;
  keyCount = 0;
  constructor(private readonly keyType: DataType) {}

  report(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  node(node: Node, path: string, bounds: Bounds, depth: number): void {
    node._p_activate();
    if (node._isLeaf) return this.leaf(node, path, bounds, depth);
    if (depth > 0 && !node._inner) this.report(path, 'is an internal node not marked as one');
    this.inner(node, path, bounds, depth);
  }

  private inner(node: TreeNode, path: string, bounds: Bounds, depth: number): void {
    // Keep the arrays: loading a child may ghost this node when the cache is tiny.
    const len = node._len;
    const children = node._children;
    const keys = node._keys;
    if (children.length !== len)
      this.report(path, `has ${children.length} children but a count of ${len}`);
    if (len === 0) return this.report(path, 'is an empty internal node');
    this.orderedKeys(keys, len - 1, path, 'separator key', bounds);
    const leafChildren = children.filter((c) => c._isLeaf).length;
    if (leafChildren !== 0 && leafChildren !== len)
      this.report(path, 'mixes bucket and node children');
    for (let i = 0; i < len; i++) {
      const lo = i === 0 ? bounds.lo : { key: keys[i - 1] };
      const hi = i === len - 1 ? bounds.hi : { key: keys[i] };
      this.node(children[i]!, `${path}/${i}`, { lo, hi }, depth + 1);
    }
  }

  private leaf(leaf: LeafNode, path: string, bounds: Bounds, depth: number): void {
    const len = leaf._len;
    if (len === 0 && path !== 'bucket') this.report(path, 'is an empty bucket inside a tree');
    if (this.leafDepth === -1) this.leafDepth = depth;
    else if (depth !== this.leafDepth)
      this.report(path, `is a bucket at depth ${depth}, others are at depth ${this.leafDepth}`);
    this.orderedKeys(leaf._keys, len, path, 'key', bounds);
    const values = leaf._values;
    const valueType = leaf._valueType;
    if (values !== null && valueType !== null) {
      if (values.length < len)
        this.report(path, `has ${len} keys but room for ${values.length} values`);
      for (let i = 0; i < len; i++) {
        if (!valueType.accepts(values[i]))
          this.report(path, `value ${i} (${describeValue(values[i])}) is not of the value type`);
      }
    }
    this.leaves.push(leaf);
    this.keyCount += len;
  }

  private orderedKeys(
    keys: ArrayLike<unknown>,
    n: number,
    path: string,
    what: string,
    bounds: Bounds,
  ): void {
    if (keys.length < n)
      return this.report(path, `has room for ${keys.length} ${what}s but a count of ${n}`);
    const compare = this.keyType.compare;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      if (!this.keyType.accepts(key)) {
        this.report(path, `${what} ${i} (${describeValue(key)}) is not of the key type`);
        continue;
      }
      if (i > 0 && compare(keys[i - 1], key) >= 0)
        this.report(path, `${what}s ${i - 1} and ${i} are out of order`);
      if (bounds.lo !== null && compare(key, bounds.lo.key) < 0)
        this.report(path, `${what} ${i} (${describeValue(key)}) is below its range`);
      if (bounds.hi !== null && compare(key, bounds.hi.key) >= 0)
        this.report(path, `${what} ${i} (${describeValue(key)}) is at or above its range`);
    }
  }

  /** The `next` links from `first` must visit exactly the leaves found by the walk, in order. */
  chain(first: LeafNode | null): void {
    let leaf = first;
    for (let i = 0; i < this.leaves.length; i++) {
      if (leaf !== this.leaves[i]) {
        return this.report(
          'chain',
          `link ${i} reaches ${leaf === null ? 'the end' : 'a bucket out of place'} instead of bucket ${i} of the tree`,
        );
      }
      leaf._p_activate();
      leaf = leaf._next;
    }
    if (leaf !== null) this.report('chain', 'the last bucket links to another bucket');
  }
}

/** Every inconsistency of `collection` (empty when it is sound). Loads every node. */
export function findProblems(collection: CollectionBase<unknown>): BTreeProblem[] {
  const node = collection as unknown as Node;
  const checker = new Checker(collection._keyType);
  node._p_activate();
  if (node._isLeaf) {
    checker.node(node, 'bucket', { lo: null, hi: null }, 0);
    return checker.problems;
  }
  if (node._inner) checker.report('root', 'is marked as an internal node');
  if (node._len > 0) checker.node(node, 'root', { lo: null, hi: null }, 0);
  checker.chain(node._firstBucket);
  const counter = node._sizeCounter;
  if (counter !== null && counter.value !== checker.keyCount) {
    checker.report(
      'root',
      `size counter says ${counter.value} keys, the buckets hold ${checker.keyCount}`,
    );
  }
  return checker.problems;
}

/**
 * Verifies `collection` (ZODB's `check.check()` and `_check()` together).
 *
 * @throws BTreeCheckError listing every problem found.
 */
export function check(collection: CollectionBase<unknown>): void {
  const problems = findProblems(collection);
  if (problems.length > 0) throw new BTreeCheckError(collection.constructor.name, problems);
}
