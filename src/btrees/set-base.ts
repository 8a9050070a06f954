/**
 * `SetBase`: the set API shared by TreeSets and Sets.
 *
 * @module
 */

import { CollectionBase } from './collection-base.js';
import { MappingBase } from './mapping-base.js';
import { INSERTED } from './nodes.js';
import { KeyIterator } from './range-iterators.js';

/** Keys for a set: any iterable of keys, or a BTree or Bucket (its keys, not its entries). */
export type KeysSource<K> = Iterable<K> | MappingBase<K, unknown>;

function keysOf<K>(source: KeysSource<K>): Iterable<K> {
  return source instanceof MappingBase ? (source.keys() as Iterable<K>) : source;
}

/**
 * A sorted set of keys `K` (TreeSet or Set). Iterating yields the keys in
 * order. Adding or removing keys while iterating makes the next step throw
 * `BucketChangedSizeError`.
 */
export abstract class SetBase<K> extends CollectionBase<K> {
  /** Adds `key`; returns whether it was absent (ZODB's `add`/`insert`). */
  add(key: K): boolean {
    this._checkKey(key);
    this._p_activate();
    return this._setKey(key, undefined, true) === INSERTED;
  }

  /** The same as {@link SetBase.add}. */
  insert(key: K): boolean {
    return this.add(key);
  }

  /** Removes `key`; throws RangeError when absent (ZODB's KeyError). Use `delete` to ignore absence. */
  remove(key: K): void {
    if (!this.delete(key)) throw new RangeError(`${this.constructor.name}.remove(): key not found`);
  }

  /** Removes `key`; returns whether it was present (ZODB's `discard`). */
  delete(key: K): boolean {
    this._checkKey(key);
    this._p_activate();
    return this._deleteKey(key);
  }

  /** The same as {@link SetBase.delete}. */
  discard(key: K): boolean {
    return this.delete(key);
  }

  /**
   * Adds every key of `keys` (an iterable of keys, or the keys of a BTree
   * or Bucket); returns how many were new.
   */
  update(keys: KeysSource<K>): number {
    let added = 0;
    for (const key of keysOf(keys)) if (this.add(key)) added++;
    return added;
  }

  /** Removes and returns the smallest key; RangeError when empty. */
  pop(): K {
    this._p_activate();
    const first = this._firstPosition(false, undefined, false);
    if (first === null) throw new RangeError(`${this.constructor.name}.pop(): empty`);
    const key = first.leaf._keys[first.index];
    this._deleteKey(key);
    return key as K;
  }

  /** Removes every key. */
  clear(): void {
    this._p_activate();
    this._clearKeys();
  }

  /** Whether this set and `other` (keys, or the keys of a mapping) have no key in common. */
  isDisjoint(other: KeysSource<K>): boolean {
    for (const key of keysOf(other)) if (this.has(key)) return false;
    return true;
  }

  /** Calls `callback(key, key, set)` for each key in order (like `Set.forEach`). */
  forEach(callback: (key: K, key2: K, set: this) => void, thisArg?: unknown): void {
    for (const key of this) callback.call(thisArg, key, key, this);
  }

  /** Iterates the keys in order. */
  [Symbol.iterator](): IterableIterator<K, undefined> {
    return new KeyIterator<K>(this._resolve(undefined));
  }
}
