/**
 * `CollectionBase`: what every BTree-based structure (BTree, Bucket,
 * TreeSet, Set) offers: membership, size, smallest and largest keys, and
 * key views over ranges.
 *
 * @module
 */

import { Persistent } from '../persistent/persistent.js';
import type { TrackingMode } from '../persistent/persistent.js';
import type { DataType } from './data-types.js';
import { leafSearch } from './leaf-ops.js';
import type { Change, LeafNode } from './nodes.js';
import type { KeyRange, ResolvedRange } from './range.js';
import { checkRange, rangeBetween } from './range.js';
import { KeysView } from './range-views.js';
import type { Position } from './tree-ops.js';

/**
 * The family a class belongs to, as set by `defineFamily` on its prototype.
 *
 * @internal
 */
export interface FamilyLink {
  /** The family name, e.g. `'OO'`. */
  readonly name: string;
}

/**
 * Base of every BTree-based structure. Subclasses are the family classes
 * (`OOBTree`, `IISet`, ...); `K` is the key type.
 *
 * Every method loads the structure if it is a ghost. Keys are checked
 * against the family's key type: integer families throw TypeError for
 * non-integers and RangeError for integers out of range; `O` families
 * throw TypeError for keys outside the total order (see `key-order.ts`).
 */
export abstract class CollectionBase<K> extends Persistent {
  static override _p_tracking: TrackingMode = 'explicit';

  /** @internal The key type (set on the prototype by the family). */
  declare readonly _keyType: DataType;
  /** @internal The value type, or null for sets (set on the prototype by the family). */
  declare readonly _valueType: DataType | null;
  /** @internal The family (set on the prototype). */
  declare readonly _family: FamilyLink;
  /** @internal True for Buckets and Sets, false for BTrees and TreeSets (on the prototype). */
  declare readonly _isLeaf: boolean;
  /** @internal Prefix codes of the keys (see prefix-codes.ts); never stored. */
  declare _codes: number[] | null;
  /** @internal The keys array `_codes` describes. */
  declare _codedKeys: unknown[] | Int32Array | Float64Array | null;
  /** @internal The prefix of every key when `_codes` is valid. */
  declare _prefix: string;
  /** @internal Whether `_codes` are narrow (see prefix-codes.ts). */
  declare _narrowCodes: boolean;

  /** @internal The activated leaf whose range holds `key`, or null when empty. */
  abstract _leafFor(key: unknown): LeafNode | null;
  /** @internal Sets a checked key (and value); see `leafSet`. */
  abstract _setKey(key: unknown, value: unknown, unique: boolean): Change;
  /** @internal Removes a checked key; false when absent. */
  abstract _deleteKey(key: unknown): boolean;
  /** @internal Removes every key. */
  abstract _clearKeys(): void;
  /** @internal Number of keys. */
  abstract _countKeys(): number;
  /** @internal See `treeFirstPosition`. */
  abstract _firstPosition(hasMin: boolean, min: unknown, exclusive: boolean): Position | null;
  /** @internal See `treeLastPosition`. */
  abstract _lastPosition(hasMax: boolean, max: unknown, exclusive: boolean): Position | null;

  /** @internal Throws the family's TypeError or RangeError if `key` is not a valid key. */
  _checkKey(key: unknown): void {
    const keyType = this._keyType;
    if (!keyType.accepts(key)) throw keyType.rejection(key, `${this.constructor.name} key`);
  }

  /**
   * @internal The ends of a checked range, or null when empty. In a tree,
   * without a `max` (and without `excludeMax`) the range runs to the end of
   * the bucket chain (`last` is null) unless `needLast`: finding the last
   * bucket would load the right edge of the tree for nothing.
   */
  _resolve(range: KeyRange<unknown> | undefined, needLast = false): ResolvedRange | null {
    this._p_activate();
    const first = this._firstPosition(
      range?.min !== undefined,
      range?.min,
      range?.excludeMin === true,
    );
    if (first === null) return null;
    // A lone bucket's range ends with it, even when it is one bucket of a tree.
    if (!needLast && !this._isLeaf && range?.max === undefined && range?.excludeMax !== true) {
      return { first: first.leaf, firstIndex: first.index, last: null, lastIndex: -1 };
    }
    const last = this._lastPosition(
      range?.max !== undefined,
      range?.max,
      range?.excludeMax === true,
    );
    return rangeBetween(first, last, this._keyType);
  }

  /** @internal Checks a range's ends (throws like keys). */
  _checkRange(range: KeyRange<unknown> | undefined): void {
    checkRange(range, this._keyType, this.constructor.name);
  }

  /** Whether `key` is present. */
  has(key: K): boolean {
    this._checkKey(key);
    this._p_activate();
    const leaf = this._leafFor(key);
    return leaf !== null && leafSearch(leaf, key) >= 0;
  }

  /**
   * Number of keys. O(number of buckets) for BTrees and TreeSets unless the
   * tree tracks its size (`{ trackSize: true }`), then O(1).
   */
  get size(): number {
    this._p_activate();
    return this._countKeys();
  }

  /** Whether there are no keys (O(1)). */
  isEmpty(): boolean {
    this._p_activate();
    return this._firstPosition(false, undefined, false) === null;
  }

  /**
   * The smallest key, or the smallest key `>= bound`; undefined when there
   * is none (ZODB raises ValueError instead).
   */
  minKey(bound?: K): K | undefined {
    if (bound !== undefined) this._checkKey(bound);
    this._p_activate();
    const first = this._firstPosition(bound !== undefined, bound, false);
    return first === null ? undefined : (first.leaf._keys[first.index] as K);
  }

  /**
   * The largest key, or the largest key `<= bound`; undefined when there is
   * none (ZODB raises ValueError instead).
   */
  maxKey(bound?: K): K | undefined {
    if (bound !== undefined) this._checkKey(bound);
    this._p_activate();
    const last = this._lastPosition(bound !== undefined, bound, false);
    return last === null ? undefined : (last.leaf._keys[last.index] as K);
  }

  /**
   * A lazy view of the keys in `range` (all keys by default), in order.
   *
   * @example
   * ```ts
   * const view = tree.keys({ min: 'b', excludeMin: true });
   * view.length; view.at(-1); [...view];
   * ```
   */
  keys(range?: KeyRange<K>): KeysView<K> {
    this._checkRange(range);
    return new KeysView<K>((needLast) => this._resolve(range, needLast));
  }

  /** The class name, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }
}
