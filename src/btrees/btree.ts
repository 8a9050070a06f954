/**
 * `BTree`: a scalable, persistent sorted mapping.
 *
 * @module
 */

import { mergeTreeStates } from './conflict-resolution.js';
import type { EntriesSource } from './mapping-base.js';
import { MappingBase } from './mapping-base.js';
import type { Change, LeafNode, Node, SizeCounter, TreeNode } from './nodes.js';
import type { Store } from './store.js';
import type { Position } from './tree-ops.js';
import { findLeaf, treeFirstPosition, treeLastPosition } from './tree-ops.js';
import type { TreeOptions } from './tree-root.js';
import {
  initTree,
  rootClear,
  rootCount,
  rootDelete,
  rootSet,
  startSizeTracking,
  treeGetState,
  treeSetState,
} from './tree-root.js';

/**
 * A sorted mapping that scales to millions of keys (e.g. `OOBTree`,
 * `IIBTree`). Its keys and values live in Buckets, separate persistent
 * records, under internal nodes: a lookup loads O(log n) records, changing
 * one key rewrites about one bucket, and concurrent changes to different
 * keys usually merge at commit. The tree object you hold stays the root.
 *
 * `size` walks every bucket unless the tree was made with
 * `{ trackSize: true }`.
 *
 * @example
 * ```ts
 * const people = new OOBTree<string, Person>();
 * root.people = people;
 * people.set('alice', alice);
 * for (const [name, person] of people.items({ min: 'a', max: 'b', excludeMax: true })) { ... }
 * ```
 */
export abstract class BTree<K, V> extends MappingBase<K, V> implements TreeNode {
  /** Keys a bucket holds before it splits (ZODB's `max_leaf_size`); set per family, overridable by subclasses. */
  static maxLeafSize = 30;
  /** Children an internal node holds before it splits (ZODB's `max_internal_size`). */
  static maxInternalSize = 250;

  declare readonly _isLeaf: false;
  /** @internal */
  declare readonly _leafClass: new () => LeafNode;
  /** @internal */
  declare _children: Node[];
  /** @internal */
  declare _keys: Store;
  /** @internal */
  declare _len: number;
  /** @internal */
  declare _firstBucket: LeafNode | null;
  /** @internal */
  declare _inner: boolean;
  /** @internal */
  declare _sizeCounter: SizeCounter | null;

  /**
   * @param entries initial entries: pairs, a mapping, or a plain object (string keys)
   * @param options `{ trackSize: true }` for an O(1) `size`
   */
  constructor(entries?: EntriesSource<K, V> | null, options?: TreeOptions) {
    super();
    initTree(this);
    if (options?.trackSize === true) startSizeTracking(this);
    if (entries !== null && entries !== undefined) this.update(entries);
  }

  /** @internal */
  get _maxLeafSize(): number {
    return (this.constructor as typeof BTree).maxLeafSize;
  }
  /** @internal */
  get _maxInternalSize(): number {
    return (this.constructor as typeof BTree).maxInternalSize;
  }

  /** Whether `size` is O(1) (the tree keeps a `Length`). */
  get tracksSize(): boolean {
    this._p_activate();
    return this._sizeCounter !== null;
  }

  /** Starts keeping the size in a `Length` (counts the keys once); no-op if already. */
  trackSize(): void {
    this._p_activate();
    startSizeTracking(this);
  }

  /** @internal */
  _leafFor(key: unknown): LeafNode | null {
    return findLeaf(this, key);
  }
  /** @internal */
  _setKey(key: unknown, value: unknown, unique: boolean): Change {
    return rootSet(this, key, value, unique);
  }
  /** @internal */
  _deleteKey(key: unknown): boolean {
    return rootDelete(this, key);
  }
  /** @internal */
  _clearKeys(): void {
    rootClear(this);
  }
  /** @internal */
  _countKeys(): number {
    return rootCount(this);
  }
  /** @internal */
  _firstPosition(hasMin: boolean, min: unknown, exclusive: boolean): Position | null {
    return treeFirstPosition(this, hasMin, min, exclusive);
  }
  /** @internal */
  _lastPosition(hasMax: boolean, max: unknown, exclusive: boolean): Position | null {
    return treeLastPosition(this, hasMax, max, exclusive);
  }

  /** The stored state (see docs/btrees.md, "Stored states"). */
  override __getstate__(): unknown {
    return treeGetState(this);
  }

  /** Installs a loaded state (a ghost being loaded, or a state copied from another node). */
  override __setstate__(state: unknown): void {
    treeSetState(this, state);
  }

  /**
   * Merges concurrent changes when the tree keeps its only bucket inline;
   * refuses (reason 11) changes to any larger tree's nodes.
   */
  _p_resolveConflict(oldState: unknown, savedState: unknown, newState: unknown): unknown {
    return mergeTreeStates(
      this._leafClass.prototype,
      this.constructor.name,
      oldState,
      savedState,
      newState,
    );
  }
}

Object.defineProperty(BTree.prototype, '_isLeaf', { value: false });
