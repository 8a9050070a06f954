/**
 * `Bucket`: a sorted mapping in one persistent record; the leaves of BTrees.
 *
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import { mergeLeafStates } from './conflict-resolution.js';
import { SHARES_DECODED_BINARIES } from '../serialize/binary-kinds.js';
import { leafWriteState } from './write-state.js';
import { leafClear, leafDelete, leafGetState, leafSet, parseLeafState } from './leaf-ops.js';
import type { EntriesSource } from './mapping-base.js';
import { MappingBase } from './mapping-base.js';
import type { Change, LeafNode } from './nodes.js';
import { isLeaf } from './nodes.js';
import { initCodes } from './prefix-codes.js';
import { leafFirstPosition, leafLastPosition } from './range.js';
import type { Store } from './store.js';
import type { Position } from './tree-ops.js';

/**
 * A sorted mapping stored as one record (e.g. `OOBucket`, `IIBucket`).
 * BTrees are made of Buckets; on its own a Bucket suits small mappings:
 * it is loaded and saved whole, and inserting is O(n). Concurrent changes
 * to different keys of a Bucket merge at commit (see conflict resolution).
 */
export abstract class Bucket<K, V> extends MappingBase<K, V> implements LeafNode {
  /**
   * Decoded typed arrays of this class's records may be views on shared
   * blocks (binary-kinds.ts): a leaf never hands its stores out.
   * @internal
   */
  static readonly [SHARES_DECODED_BINARIES] = true;
  declare readonly _isLeaf: true;
  /** @internal */
  declare _keys: Store;
  /** @internal */
  declare _values: Store;
  /** @internal */
  declare _len: number;
  /** @internal The next bucket in a BTree's chain. */
  declare _next: LeafNode | null;

  /** @param entries initial entries: pairs, a mapping, or a plain object (string keys) */
  constructor(entries?: EntriesSource<K, V> | null) {
    super();
    this._keys = this._keyType.newStore(0);
    this._values = this._valueType!.newStore(0);
    this._len = 0;
    this._next = null;
    initCodes(this);
    if (entries !== null && entries !== undefined) this.update(entries);
  }

  /** @internal */
  _leafFor(): LeafNode {
    return this;
  }
  /** @internal */
  _setKey(key: unknown, value: unknown, unique: boolean): Change {
    return leafSet(this, key, value, unique);
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

  /** The stored state: `[keys, values]` or `[keys, values, next]`. */
  override __getstate__(): unknown {
    return leafGetState(this);
  }

  /**
   * The state a commit writes: `__getstate__`'s, sharing this leaf's arrays
   * (see write-state.ts); a subclass overriding `__getstate__` writes that.
   * @internal
   */
  _p_writeState(): unknown {
    if (this.__getstate__ !== Bucket.prototype.__getstate__) return this.__getstate__();
    return leafWriteState(this);
  }

  /**
   * Installs a loaded state, checked against this family's types. The state's
   * arrays are adopted, not copied: do not change them afterwards.
   */
  override __setstate__(state: unknown): void {
    const { keys, values, next } = parseLeafState(state, this, this.constructor.name);
    this._keys = keys;
    this._values = values!;
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

Object.defineProperty(Bucket.prototype, '_isLeaf', { value: true });
