/**
 * `TreeSet`: a scalable, persistent sorted set.
 *
 * @module
 */

import { mergeTreeStates } from './conflict-resolution.js';
import type { Change, LeafNode, Node, SizeCounter, TreeNode } from './nodes.js';
import { SetBase } from './set-base.js';
import type { KeysSource } from './set-base.js';
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
 * A sorted set that scales to millions of keys (e.g. `OOTreeSet`,
 * `IITreeSet`): a BTree without values. Its keys live in Sets (buckets),
 * separate persistent records, under internal nodes.
 *
 * @example
 * ```ts
 * const tags = new OOTreeSet<string>(['b', 'a']);
 * tags.add('c');
 * [...tags]; // ['a', 'b', 'c']
 * ```
 */
export abstract class TreeSet<K> extends SetBase<K> implements TreeNode {
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
   * @param keys initial keys (an iterable, or the keys of a BTree or Bucket)
   * @param options `{ trackSize: true }` for an O(1) `size`
   */
  constructor(keys?: KeysSource<K> | null, options?: TreeOptions) {
    super();
    initTree(this);
    if (options?.trackSize === true) startSizeTracking(this);
    if (keys !== null && keys !== undefined) this.update(keys);
  }

  /** @internal */
  get _maxLeafSize(): number {
    return (this.constructor as typeof TreeSet).maxLeafSize;
  }
  /** @internal */
  get _maxInternalSize(): number {
    return (this.constructor as typeof TreeSet).maxInternalSize;
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
   * Merges concurrent changes when the set keeps its only bucket inline;
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

Object.defineProperty(TreeSet.prototype, '_isLeaf', { value: false });
