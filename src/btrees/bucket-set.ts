/**
 * `BucketSet`: a sorted set in one persistent record (ZODB's `Set`); the
 * leaves of TreeSets.
 *
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import { mergeLeafStates } from './conflict-resolution.js';
import { SHARES_DECODED_BINARIES } from '../serialize/binary-kinds.js';
import { leafWriteState } from './write-state.js';
import { leafClear, leafDelete, leafGetState, leafSet, parseLeafState } from './leaf-ops.js';
import type { Change, LeafNode } from './nodes.js';
import { isLeaf } from './nodes.js';
import { initCodes } from './prefix-codes.js';
import { leafFirstPosition, leafLastPosition } from './range.js';
import { SetBase } from './set-base.js';
import type { KeysSource } from './set-base.js';
import type { Store } from './store.js';
import type { Position } from './tree-ops.js';

/**
 * A sorted set stored as one record (e.g. `OOSet`, `IISet`). TreeSets are
 * made of these; on its own it suits small sets (loaded and saved whole,
 * O(n) inserts). Concurrent changes to different keys merge at commit.
 */
export abstract class BucketSet<K> extends SetBase<K> implements LeafNode {
  /**
   * Decoded typed arrays of this class's records may be views on shared
   * blocks (binary-kinds.ts): a leaf never hands its stores out.
   * @internal
   */
  static readonly [SHARES_DECODED_BINARIES] = true;
  declare readonly _isLeaf: true;
  /** @internal */
  declare _keys: Store;
  /** @internal Always null: sets have no values. */
  declare _values: null;
  /** @internal */
  declare _len: number;
  /** @internal The next set in a TreeSet's chain. */
  declare _next: LeafNode | null;

  /** @param keys initial keys (an iterable, or the keys of a BTree or Bucket) */
  constructor(keys?: KeysSource<K> | null) {
    super();
    this._keys = this._keyType.newStore(0);
    this._values = null;
    this._len = 0;
    this._next = null;
    initCodes(this);
    if (keys !== null && keys !== undefined) this.update(keys);
  }

  /** The key at `index` (negative counts from the end), or undefined (ZODB's `s[i]`). */
  at(index: number): K | undefined {
    this._p_activate();
    let i = Math.trunc(index);
    if (i < 0) i += this._len;
    return i >= 0 && i < this._len ? (this._keys[i] as K) : undefined;
  }

  /** @internal */
  _leafFor(): LeafNode {
    return this;
  }
  /** @internal */
  _setKey(key: unknown, _value: unknown, unique: boolean): Change {
    return leafSet(this, key, undefined, unique);
  }
  /** @internal */
  _deleteKey(key: unknown): boolean {
    return leafDelete(this, key);
  }
  /** @internal */
  _clearKeys(): void {
    leafClear(this);
  }
  /** @internal */
  _countKeys(): number {
    return this._len;
  }
  /** @internal */
  _firstPosition(hasMin: boolean, min: unknown, exclusive: boolean): Position | null {
    return leafFirstPosition(this, hasMin, min, exclusive);
  }
  /** @internal */
  _lastPosition(hasMax: boolean, max: unknown, exclusive: boolean): Position | null {
    return leafLastPosition(this, hasMax, max, exclusive);
  }

  /** The stored state: `[keys]` or `[keys, next]`. */
  override __getstate__(): unknown {
    return leafGetState(this);
  }

  /**
   * The state a commit writes: `__getstate__`'s, sharing this leaf's arrays
   * (see write-state.ts); a subclass overriding `__getstate__` writes that.
   * @internal
   */
  _p_writeState(): unknown {
    if (this.__getstate__ !== BucketSet.prototype.__getstate__) return this.__getstate__();
    return leafWriteState(this);
  }

  /**
   * Installs a loaded state, checked against this family's types. The state's
   * arrays are adopted, not copied: do not change them afterwards.
   */
  override __setstate__(state: unknown): void {
    const { keys, next } = parseLeafState(state, this, this.constructor.name);
    this._keys = keys;
    this._values = null;
    this._len = keys.length;
    if (next !== null && !isLeaf(next)) {
      throw new CorruptedDataError(
        `${this.constructor.name} state: its next bucket is not a bucket`,
      );
    }
    this._next = next;
    initCodes(this);
  }

  /** Merges concurrent changes to different keys; see `conflict-resolution.ts` for what is refused. */
  _p_resolveConflict(oldState: unknown, savedState: unknown, newState: unknown): unknown {
    return mergeLeafStates(this, this.constructor.name, oldState, savedState, newState);
  }
}

Object.defineProperty(BucketSet.prototype, '_isLeaf', { value: true });
