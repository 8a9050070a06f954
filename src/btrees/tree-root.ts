/**
 * What BTree and TreeSet roots share: field set-up, the stored state, and
 * the optional size counter.
 *
 * Stored state of a BTree or TreeSet node (see docs/btrees.md):
 *
 * | state                                   | meaning                                                     |
 * | --------------------------------------- | ----------------------------------------------------------- |
 * | `null`                                  | an empty tree                                               |
 * | `{ bucket }`                            | a root whose only bucket was never stored on its own: the bucket's state, inline |
 * | `{ children, keys, first }`             | a root: children (references), separator keys, first bucket |
 * | `{ children, keys }`                    | an internal node                                            |
 *
 * A root that tracks its size adds `size` (a reference to its `Length`) to
 * any of the root forms (`{ size }` alone for an empty tree).
 *
 * @internal
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import { Length } from './length.js';
import type { Change, LeafNode, Node, SizeCounter, TreeNode } from './nodes.js';
import { INSERTED, isLeaf, isTreeNode } from './nodes.js';
import { leafGetState } from './leaf-ops.js';
import { initCodes } from './prefix-codes.js';
import { storeCopy } from './store.js';
import { isInlineLeaf, treeClear, treeCountKeys, treeDelete, treeSet } from './tree-ops.js';

/** Options of the BTree and TreeSet constructors. */
export interface TreeOptions {
  /**
   * Keep the number of keys in a `Length` next to the root, so `size` is
   * O(1) instead of a walk over every bucket. Inserts stay conflict-free:
   * concurrent changes to a `Length` add up. Default false.
   */
  trackSize?: boolean;
}

/** Sets every field of an empty root, in the one order all roots and nodes share. */
export function initTree(node: TreeNode): void {
  node._children = [];
  node._keys = node._keyType.newStore(0);
  node._len = 0;
  node._firstBucket = null;
  node._inner = false;
  node._sizeCounter = null;
  initCodes(node);
}

/** Starts counting the keys of `root` in a new `Length` (O(n) once); no-op if it already counts. */
export function startSizeTracking(root: TreeNode): void {
  if (root._sizeCounter !== null) return;
  const counter = new Length(treeCountKeys(root));
  root._p_willChange();
  root._sizeCounter = counter;
}

/** Sets a checked key, keeping the size counter. */
export function rootSet(root: TreeNode, key: unknown, value: unknown, unique: boolean): Change {
  const change = treeSet(root, key, value, unique);
  if (change === INSERTED) {
    root._p_activate();
    if (root._sizeCounter !== null) root._sizeCounter.change(1);
  }
  return change;
}

/** Removes a checked key, keeping the size counter. */
export function rootDelete(root: TreeNode, key: unknown): boolean {
  const removed = treeDelete(root, key);
  if (removed) {
    root._p_activate();
    if (root._sizeCounter !== null) root._sizeCounter.change(-1);
  }
  return removed;
}

/** Removes every key, keeping the size counter. */
export function rootClear(root: TreeNode): void {
  treeClear(root);
  root._p_activate();
  if (root._sizeCounter !== null) root._sizeCounter.set(0);
}

/** Number of keys: from the counter when there is one. */
export function rootCount(root: TreeNode): number {
  root._p_activate();
  return root._sizeCounter !== null ? root._sizeCounter.value : treeCountKeys(root);
}

/** The state to store for a root or an internal node. */
export function treeGetState(node: TreeNode): unknown {
  const counter = node._sizeCounter;
  if (node._len === 0) return counter === null ? null : { size: counter };
  const only = node._children[0]!;
  if (isInlineLeaf(node, only)) {
    only._p_activate();
    const bucket = leafGetState(only as LeafNode);
    return counter === null ? { bucket } : { bucket, size: counter };
  }
  const state: Record<string, unknown> = {
    children: node._children.slice(),
    keys: storeCopy(node._keys, node._len - 1),
  };
  if (!node._inner) state.first = node._firstBucket;
  if (counter !== null) state.size = counter;
  return state;
}

/**
 * Installs a loaded state into a root or internal node.
 *
 * @throws CorruptedDataError when the state has the wrong shape.
 */
export function treeSetState(node: TreeNode, state: unknown): void {
  initTree(node);
  if (state === null || state === undefined) return;
  const name = node.constructor.name;
  if (typeof state !== 'object' || Array.isArray(state)) {
    throw new CorruptedDataError(
      `${name} state must be null or an object, got ${Array.isArray(state) ? 'an array' : typeof state}`,
    );
  }
  const s = state as {
    bucket?: unknown;
    children?: unknown;
    keys?: unknown;
    first?: unknown;
    size?: unknown;
  };
  if (s.size !== undefined) {
    if (typeof (s.size as { change?: unknown } | null)?.change !== 'function') {
      throw new CorruptedDataError(`${name} state: its size counter is not a Length`);
    }
    node._sizeCounter = s.size as SizeCounter;
  }
  if (s.bucket !== undefined) {
    const leaf = new node._leafClass();
    leaf.__setstate__(s.bucket);
    node._children = [leaf];
    node._len = 1;
    node._firstBucket = leaf;
    return;
  }
  if (s.children === undefined) return;
  const keys = node._keyType.storeFrom(s.keys);
  if (
    !Array.isArray(s.children) ||
    s.children.length === 0 ||
    keys === undefined ||
    keys.length !== s.children.length - 1
  ) {
    throw new CorruptedDataError(
      `${name} state needs n children and n - 1 separator keys of the key type`,
    );
  }
  const children = s.children as unknown[];
  const leaves = children.filter(isLeaf).length;
  if (
    (leaves !== 0 && leaves !== children.length) ||
    (leaves === 0 && !children.every(isTreeNode))
  ) {
    throw new CorruptedDataError(
      `${name} state: children must be all buckets or all nodes of the tree`,
    );
  }
  if (s.first !== undefined && !isLeaf(s.first)) {
    throw new CorruptedDataError(`${name} state: its first bucket is not a bucket`);
  }
  node._children = children as Node[];
  node._keys = keys;
  node._len = children.length;
  if (s.first === undefined) node._inner = true;
  else node._firstBucket = s.first as LeafNode;
}
