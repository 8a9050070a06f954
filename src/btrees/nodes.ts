/**
 * The shapes of the nodes a BTree is built from.
 *
 * A BTree (or TreeSet) is a tree of persistent objects: internal nodes
 * (instances of the tree's own class, like ZODB's) hold separator keys and
 * children; leaves (the family's Bucket or Set class) hold the keys, and the
 * values for mappings, and are chained left to right by `_next`.
 *
 * Invariants (checked by `check()`):
 * - in a leaf, the first `_len` keys are strictly increasing;
 * - an internal node has `_len` children and `_len - 1` separator keys,
 *   strictly increasing; every key under child `i` is `>= _keys[i - 1]`
 *   and `< _keys[i]`;
 * - all leaves are at the same depth, and none is empty;
 * - following `_next` from the root's `_firstBucket` visits the leaves in
 *   key order and ends with `null`.
 *
 * Code that reads a node's fields must call `_p_activate()` on it first
 * (it may be a ghost); code that changes them calls `_p_willChange()`
 * first.
 *
 * @internal
 * @module
 */

import type { PersistentObject } from '../persistent/interfaces.js';
import type { DataType } from './data-types.js';
import type { Store } from './store.js';

/** What every node has. */
interface NodeBase extends PersistentObject {
  /** Keys (leaf) or separator keys (internal node). */
  _keys: Store;
  /** Number of keys (leaf) or of children (internal node). */
  _len: number;
  /** The key type (on the prototype). */
  readonly _keyType: DataType;
  /** Prefix codes of string keys (see prefix-codes.ts); valid while `_codedKeys` is `_keys`. */
  _codes: number[] | null;
  /** The keys array `_codes` describes, or null; absent on numeric nodes (never coded). */
  _codedKeys: Store | null;
  /** The prefix every key starts with, when `_codes` is valid. */
  _prefix: string;
  /** Whether `_codes` are narrow (six units below U+007F) or wide (see prefix-codes.ts). */
  _narrowCodes: boolean;
  /** Loads a ghost and marks it recently used. */
  _p_activate(): void;
  /** Marks the node changed (joins the transaction). */
  _p_willChange(): void;
}

/** A Bucket or a Set: the leaves. */
export interface LeafNode extends NodeBase {
  readonly _isLeaf: true;
  /** Values, parallel to `_keys`; `null` in Sets. */
  _values: Store | null;
  /** The next leaf to the right, or null for the last. */
  _next: LeafNode | null;
  /** The value type (on the prototype); `null` in Sets. */
  readonly _valueType: DataType | null;
}

/** A counter kept by a tree that tracks its size (a `Length`). */
export interface SizeCounter extends PersistentObject {
  readonly value: number;
  change(delta: number): void;
  set(value: number): void;
}

/** A BTree or TreeSet node: the root the user holds, or an internal node. */
export interface TreeNode extends NodeBase {
  readonly _isLeaf: false;
  /** The children: all leaves or all internal nodes. */
  _children: Node[];
  /** Root only: the leftmost leaf, where iteration starts. */
  _firstBucket: LeafNode | null;
  /** True for internal nodes made by splits; false for the root. */
  _inner: boolean;
  /** Root only: the size counter, when the tree tracks its size. */
  _sizeCounter: SizeCounter | null;
  /** The leaf class (on the prototype): the family's Bucket or Set. */
  readonly _leafClass: new () => LeafNode;
  /** Largest leaf before it splits. */
  readonly _maxLeafSize: number;
  /** Largest number of children of an internal node before it splits. */
  readonly _maxInternalSize: number;
}

/** Any node. */
export type Node = LeafNode | TreeNode;

/** Outcome of setting a key: nothing changed (key present and `unique` asked, or the same numeric value). */
export const UNCHANGED = 0;
/** Outcome of setting a key: the value of an existing key changed. */
export const VALUE_CHANGED = 1;
/** Outcome of setting a key: a key was added. */
export const INSERTED = 2;

/** One of {@link UNCHANGED}, {@link VALUE_CHANGED}, {@link INSERTED}. */
export type Change = typeof UNCHANGED | typeof VALUE_CHANGED | typeof INSERTED;

/** Whether a decoded value is a leaf (a ghost of a Bucket or Set class, or one already loaded). */
export function isLeaf(value: unknown): value is LeafNode {
  return (
    typeof value === 'object' && value !== null && (value as { _isLeaf?: unknown })._isLeaf === true
  );
}

/** Whether a decoded value is an internal node (a BTree or TreeSet ghost, or one loaded). */
export function isTreeNode(value: unknown): value is TreeNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { _isLeaf?: unknown })._isLeaf === false
  );
}
