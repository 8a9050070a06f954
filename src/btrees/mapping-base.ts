/**
 * `MappingBase`: the mapping API shared by BTrees and Buckets.
 *
 * @module
 */

import { CollectionBase } from './collection-base.js';
import { leafSearch } from './leaf-ops.js';
import { INSERTED } from './nodes.js';
import type { KeyRange } from './range.js';
import { EntryIterator } from './range-iterators.js';
import { ItemsView, ValuesView } from './range-views.js';

/** Entries accepted by `update` and the constructors: pairs, another mapping, or a plain object (string keys). */
export type EntriesSource<K, V> =
  Iterable<readonly [K, V]> | (K extends string ? Record<string, V> : never);

/**
 * A sorted mapping from keys `K` to values `V` (BTree or Bucket).
 *
 * Iterating a mapping yields `[key, value]` entries in key order, like a
 * `Map`. Adding or removing keys while iterating makes the next step throw
 * `BucketChangedSizeError`; replacing values is fine.
 */
export abstract class MappingBase<K, V> extends CollectionBase<K> {
  /** @internal Throws the family's TypeError or RangeError if `value` is not a valid value. */
  _checkValue(value: unknown): void {
    const valueType = this._valueType!;
    if (!valueType.accepts(value))
      throw valueType.rejection(value, `${this.constructor.name} value`);
  }

  /** The value of `key`, or `fallback` (default undefined) when absent. */
  get(key: K): V | undefined;
  get<D>(key: K, fallback: D): V | D;
  get<D>(key: K, fallback?: D): V | D | undefined {
    this._checkKey(key);
    this._p_activate();
    const leaf = this._leafFor(key);
    if (leaf === null) return fallback;
    const i = leafSearch(leaf, key);
    return i >= 0 ? (leaf._values![i] as V) : fallback;
  }

  /** Sets `key` to `value`. */
  set(key: K, value: V): this {
    this._checkKey(key);
    this._checkValue(value);
    this._p_activate();
    this._setKey(key, value, false);
    return this;
  }

  /**
   * Sets `key` to `value` only if `key` is absent; returns whether it did.
   * For collision-free key generation (ZODB's `insert`).
   */
  insert(key: K, value: V): boolean {
    this._checkKey(key);
    this._checkValue(value);
    this._p_activate();
    return this._setKey(key, value, true) === INSERTED;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: K): boolean {
    this._checkKey(key);
    this._p_activate();
    return this._deleteKey(key);
  }

  /** The value of `key`, first setting it to `value` if absent (ZODB's `setdefault`). */
  setDefault(key: K, value: V): V {
    this._checkKey(key);
    this._checkValue(value);
    this._p_activate();
    const leaf = this._leafFor(key);
    if (leaf !== null) {
      const i = leafSearch(leaf, key);
      if (i >= 0) return leaf._values![i] as V;
    }
    this._setKey(key, value, true);
    return value;
  }

  /**
   * Removes `key` and returns its value; when absent, returns `fallback` if
   * one is given, else throws RangeError (ZODB's KeyError).
   */
  pop(key: K): V;
  pop<D>(key: K, fallback: D): V | D;
  pop<D>(key: K, ...fallback: [D?]): V | D | undefined {
    this._checkKey(key);
    this._p_activate();
    const leaf = this._leafFor(key);
    const i = leaf === null ? -1 : leafSearch(leaf, key);
    if (i < 0) {
      if (fallback.length > 0) return fallback[0];
      throw new RangeError(`${this.constructor.name}.pop(): key not found`);
    }
    const value = leaf!._values![i] as V;
    this._deleteKey(key);
    return value;
  }

  /** Removes and returns the entry with the smallest key; RangeError when empty. */
  popItem(): [K, V] {
    this._p_activate();
    const first = this._firstPosition(false, undefined, false);
    if (first === null) throw new RangeError(`${this.constructor.name}.popItem(): empty`);
    const key = first.leaf._keys[first.index];
    const value = first.leaf._values![first.index] as V;
    this._deleteKey(key);
    return [key as K, value];
  }

  /** Sets every entry of `entries` (pairs, a mapping, a `Map`, or a plain object for string keys). */
  update(entries: EntriesSource<K, V>): void {
    const pairs = isIterable(entries)
      ? entries
      : (Object.entries(entries) as unknown as Iterable<readonly [K, V]>);
    for (const [key, value] of pairs) this.set(key, value);
  }

  /** Removes every key. */
  clear(): void {
    this._p_activate();
    this._clearKeys();
  }

  /** A lazy view of the values of the keys in `range`, in key order. */
  values(range?: KeyRange<K>): ValuesView<V> {
    this._checkRange(range);
    return new ValuesView<V>((needLast) => this._resolve(range, needLast));
  }

  /** A lazy view of the `[key, value]` entries in `range`, in key order (ZODB's `items`). */
  items(range?: KeyRange<K>): ItemsView<K, V> {
    this._checkRange(range);
    return new ItemsView<K, V>((needLast) => this._resolve(range, needLast));
  }

  /** The same as {@link MappingBase.items}. */
  entries(range?: KeyRange<K>): ItemsView<K, V> {
    return this.items(range);
  }

  /** Calls `callback(value, key, mapping)` for each entry in key order (like `Map.forEach`). */
  forEach(callback: (value: V, key: K, mapping: this) => void, thisArg?: unknown): void {
    for (const [key, value] of this) callback.call(thisArg, value, key, this);
  }

  /** Iterates the `[key, value]` entries in key order. */
  [Symbol.iterator](): IterableIterator<[K, V], undefined> {
    return new EntryIterator<K, V>(this._resolve(undefined));
  }

  /**
   * `[value, key]` pairs of the entries whose value is `>= min`, largest
   * value first (ties: largest key first). In integer-valued families a
   * positive `min` also divides the values by `min` (integer division), in
   * float-valued ones (real division), as ZODB's "normalised" `byValue`
   * does. Kept for ZODB compatibility.
   */
  byValue(min: V): Array<[V, K]> {
    this._checkValue(min);
    const valueType = this._valueType!;
    const out: Array<[V, K]> = [];
    for (const [key, value] of this) if (valueType.compare(value, min) >= 0) out.push([value, key]);
    out.sort((a, b) => valueType.compare(b[0], a[0]) || this._keyType.compare(b[1], a[1]));
    if (valueType.numeric && (min as number) > 0) {
      const divisor = min as number;
      for (const pair of out) {
        const v = (pair[0] as number) / divisor;
        pair[0] = (valueType.integer ? Math.trunc(v) : v) as V;
      }
    }
    return out;
  }
}

function isIterable(value: unknown): value is Iterable<readonly [never, never]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
