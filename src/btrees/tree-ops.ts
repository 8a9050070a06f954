/**
 * Operations on a BTree or TreeSet as a whole: descending to a leaf,
 * inserting with splits, removing with unlinking of emptied leaves, and
 * finding the ends of a key range.
 *
 * The root is the object the user holds; it keeps its identity forever
 * (when it overflows, its content moves into two new internal nodes). Only
 * the root knows the first leaf (`_firstBucket`) and the size counter.
 * Internal nodes split in the middle when they have more than
 * `_maxInternalSize` children, leaves when they have more than
 * `_maxLeafSize` keys. Emptied leaves and internal nodes are unlinked and
 * dropped; nothing is rebalanced (as in ZODB).
 *
 * These functions activate every node before reading it. Loading a node
 * may make the cache ghost others that are not changed (a tiny cache), so
 * a node's fields are never read again after loading another node without
 * activating it first; arrays needed across loads are kept in locals.
 *
 * @internal
 * @module
 */

import { leafDelete, leafIndexFrom, leafIndexUpTo, leafSet, leafSplit } from './leaf-ops.js';
import type { Change, LeafNode, Node, TreeNode } from './nodes.js';
import { INSERTED, UNCHANGED } from './nodes.js';
import { codeInserted, codeRemoved, dropCodes, searchNode } from './prefix-codes.js';
import { storeInsert, storeRemove, storeSlice, storeTruncate } from './store.js';

/** A place in the leaf chain. */
export interface Position {
  leaf: LeafNode;
  index: number;
}

/**
 * Index of the child of `node` whose key range holds `key`. Keys other
 * than strings skip the prefix codes' dispatch (see `leafSet`).
 */
export function childIndex(node: TreeNode, key: unknown): number {
  const i =
    typeof key === 'string'
      ? searchNode(node, node._len - 1, key)
      : node._keyType.search(node._keys, node._len - 1, key);
  return i >= 0 ? i + 1 : ~i;
}

/** The (activated) leaf whose key range holds `key`, or null for an empty tree. */
export function findLeaf(root: TreeNode, key: unknown): LeafNode | null {
  root._p_activate();
  let node: Node = root;
  while (!node._isLeaf) {
    if (node._len === 0) return null;
    const child: Node = node._children[childIndex(node, key)]!;
    child._p_activate();
    node = child;
  }
  return node;
}

/** The (activated) leftmost leaf under `node`. */
export function firstLeafOf(node: Node): LeafNode {
  let current = node;
  current._p_activate();
  while (!current._isLeaf) {
    current = current._children[0]!;
    current._p_activate();
  }
  return current;
}

/** The (activated) rightmost leaf under `node`. */
export function lastLeafOf(node: Node): LeafNode {
  let current = node;
  current._p_activate();
  while (!current._isLeaf) {
    current = current._children[current._len - 1]!;
    current._p_activate();
  }
  return current;
}

/** Sets `key` in the tree; see {@link leafSet} for `unique` and the result. */
export function treeSet(root: TreeNode, key: unknown, value: unknown, unique: boolean): Change {
  root._p_activate();
  if (root._len === 0) {
    const leaf = new root._leafClass();
    leafSet(leaf, key, value, false);
    root._p_willChange();
    root._children = [leaf];
    root._keys = root._keyType.newStore(0);
    root._len = 1;
    root._firstBucket = leaf;
    return INSERTED;
  }
  const change = setInNode(root, key, value, unique);
  // A root ghosted meanwhile was not changed, so it did not overflow.
  if (root._len > root._maxInternalSize) growRoot(root);
  return change;
}

function setInNode(node: TreeNode, key: unknown, value: unknown, unique: boolean): Change {
  const i = childIndex(node, key);
  const child = node._children[i]!;
  child._p_activate();
  if (child._isLeaf) {
    const change = leafSet(child, key, value, unique);
    if (change === INSERTED && child._len > node._maxLeafSize) {
      const right = leafSplit(child);
      insertChild(node, i, right, right._keys[0]);
    } else if (change !== UNCHANGED && isInlineLeaf(node, child)) {
      // The root stores a lone, never-stored leaf inside its own record.
      node._p_willChange();
    }
    return change;
  }
  const change = setInNode(child, key, value, unique);
  if (child._len > node._maxInternalSize) {
    const { right, separator } = splitNode(child);
    insertChild(node, i, right, separator);
  }
  return change;
}

/** Whether `node` stores `child` inline: a root with one leaf that has no oid of its own. */
export function isInlineLeaf(node: TreeNode, child: Node): boolean {
  return !node._inner && node._len === 1 && child._isLeaf && child._p_oid === undefined;
}

function insertChild(node: TreeNode, i: number, right: Node, separator: unknown): void {
  node._p_willChange();
  node._children.splice(i + 1, 0, right);
  codeInserted(node, i, node._len - 1, separator);
  node._keys = storeInsert(node._keys, node._len - 1, i, separator);
  node._len++;
}

function newInnerNode(like: TreeNode): TreeNode {
  const node = new (like.constructor as new () => TreeNode)();
  node._inner = true;
  return node;
}

function splitNode(node: TreeNode): { right: TreeNode; separator: unknown } {
  const len = node._len;
  const index = len >> 1;
  const right = newInnerNode(node);
  right._children = node._children.slice(index);
  right._keys = storeSlice(node._keys, index, len - 1);
  right._len = len - index;
  const separator = node._keys[index - 1];
  node._p_willChange();
  node._children.length = index;
  dropCodes(node);
  storeTruncate(node._keys, len - 1, index - 1);
  node._len = index;
  return { right, separator };
}

function growRoot(root: TreeNode): void {
  const left = newInnerNode(root);
  left._children = root._children;
  left._keys = root._keys;
  left._len = root._len;
  const { right, separator } = splitNode(left);
  root._p_willChange();
  root._children = [left, right];
  root._keys = storeInsert(root._keyType.newStore(1), 0, 0, separator);
  root._len = 2;
}

/** Removes `key` from the tree; false when absent. */
export function treeDelete(root: TreeNode, key: unknown): boolean {
  root._p_activate();
  if (root._len === 0) return false;
  return deleteInNode(root, root, key, null);
}

/**
 * `leftNeighbor` is the subtree just left of `node`'s key range (its last
 * leaf links to `node`'s first leaf), or null when `node` holds the first leaf.
 */
function deleteInNode(
  root: TreeNode,
  node: TreeNode,
  key: unknown,
  leftNeighbor: Node | null,
): boolean {
  const i = childIndex(node, key);
  const child = node._children[i]!;
  const left = i > 0 ? node._children[i - 1]! : leftNeighbor;
  child._p_activate();
  if (child._isLeaf) {
    if (!leafDelete(child, key)) return false;
    if (child._len === 0) {
      unlinkLeaf(root, child, left);
      removeChild(node, i);
    } else if (isInlineLeaf(node, child)) {
      node._p_willChange();
    }
    return true;
  }
  if (!deleteInNode(root, child, key, left)) return false;
  if (child._len === 0) removeChild(node, i);
  return true;
}

function unlinkLeaf(root: TreeNode, leaf: LeafNode, leftNeighbor: Node | null): void {
  if (leftNeighbor === null) {
    root._p_willChange();
    root._firstBucket = leaf._next;
    return;
  }
  const previous = lastLeafOf(leftNeighbor);
  previous._p_willChange();
  previous._next = leaf._next;
}

function removeChild(node: TreeNode, i: number): void {
  node._p_willChange();
  node._children.splice(i, 1);
  if (node._len > 1) {
    const at = i > 0 ? i - 1 : 0;
    codeRemoved(node, at, node._len - 1);
    storeRemove(node._keys, node._len - 1, at);
  }
  node._len--;
}

/** Empties the tree (the size counter is the caller's business). */
export function treeClear(root: TreeNode): void {
  root._p_willChange();
  root._children = [];
  root._keys = root._keyType.newStore(0);
  root._len = 0;
  root._firstBucket = null;
}

/**
 * The first position with a key `>= min` (`> min` when `exclusive`); with no
 * `min`, the first position (the second when `exclusive`). Null when none.
 */
export function treeFirstPosition(
  root: TreeNode,
  hasMin: boolean,
  min: unknown,
  exclusive: boolean,
): Position | null {
  root._p_activate();
  let leaf: LeafNode | null;
  let index: number;
  if (hasMin) {
    leaf = findLeaf(root, min);
    if (leaf === null) return null;
    index = leafIndexFrom(leaf, min, exclusive);
  } else {
    leaf = root._firstBucket;
    if (leaf === null) return null;
    leaf._p_activate();
    index = exclusive ? 1 : 0;
  }
  while (index >= leaf._len) {
    index -= leaf._len;
    leaf = leaf._next;
    if (leaf === null) return null;
    leaf._p_activate();
  }
  return { leaf, index };
}

/**
 * The last position with a key `<= max` (`< max` when `exclusive`); with no
 * `max`, the last position (the one before when `exclusive`). Null when none.
 */
export function treeLastPosition(
  root: TreeNode,
  hasMax: boolean,
  max: unknown,
  exclusive: boolean,
): Position | null {
  root._p_activate();
  if (root._len === 0) return null;
  if (!hasMax) {
    const leaf = lastLeafOf(root);
    if (!exclusive) return { leaf, index: leaf._len - 1 };
    return lastUpTo(root, leaf._keys[leaf._len - 1], true);
  }
  return lastUpTo(root, max, exclusive);
}

function lastUpTo(node: Node, key: unknown, exclusive: boolean): Position | null {
  node._p_activate();
  if (node._isLeaf) {
    const index = leafIndexUpTo(node, key, exclusive);
    return index >= 0 ? { leaf: node, index } : null;
  }
  const children = node._children;
  for (let c = childIndex(node, key); c >= 0; c--) {
    const found = lastUpTo(children[c]!, key, exclusive);
    if (found !== null) return found;
  }
  return null;
}

/** Number of keys, by walking the leaf chain from the root's first leaf. */
export function treeCountKeys(root: TreeNode): number {
  root._p_activate();
  let count = 0;
  for (let leaf = root._firstBucket; leaf !== null; leaf = leaf._next) {
    leaf._p_activate();
    count += leaf._len;
  }
  return count;
}
