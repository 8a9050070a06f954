/**
 * `PersistentMapping`: a persistent `Map`.
 *
 * It keeps its entries in a plain `Map` and marks itself changed in every
 * mutator (explicit tracking, no Proxy), so reads and writes run at close to
 * `Map` speed. Keys and values are stored in the mapping's own record;
 * persistent values are stored as references.
 *
 * @module
 */

import { Persistent } from './persistent.js';
import type { TrackingMode } from './persistent.js';

/**
 * A persistent `Map<K, V>`: every mutator (`set`, `delete`, `clear`,
 * `setDefault`, `pop`, `popItem`, `update`) marks it changed.
 *
 * @example
 * ```ts
 * const accounts = new PersistentMapping<string, Account>();
 * accounts.set('alice', new Account());
 * root.accounts = accounts;
 * ```
 */
export class PersistentMapping<K = unknown, V = unknown> extends Persistent implements Map<K, V> {
  static override _p_tracking: TrackingMode = 'explicit';

  /** The entries. Read it only after `_p_activate()`; change it only through the methods. */
  declare data: Map<K, V>;

  constructor(entries?: Iterable<readonly [K, V]> | Record<string, V> | null) {
    super();
    this.data = new Map(toEntries(entries));
  }

  get size(): number {
    this._p_activate();
    return this.data.size;
  }

  get(key: K): V | undefined {
    this._p_activate();
    return this.data.get(key);
  }

  has(key: K): boolean {
    this._p_activate();
    return this.data.has(key);
  }

  set(key: K, value: V): this {
    this._p_willChange();
    this.data.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    this._p_activate();
    if (!this.data.has(key)) return false;
    this._p_willChange();
    return this.data.delete(key);
  }

  clear(): void {
    this._p_willChange();
    this.data.clear();
  }

  /** Returns the value for `key`, first setting it to `value` if absent (Python's `setdefault`). */
  setDefault(key: K, value: V): V {
    this._p_activate();
    if (this.data.has(key)) return this.data.get(key) as V;
    this._p_willChange();
    this.data.set(key, value);
    return value;
  }

  /** Removes `key` and returns its value; returns `fallback` (or throws RangeError) when absent. */
  pop(key: K, ...fallback: [V?]): V | undefined {
    this._p_activate();
    if (!this.data.has(key)) {
      if (fallback.length > 0) return fallback[0];
      throw new RangeError(`key not found: ${String(key)}`);
    }
    this._p_willChange();
    const value = this.data.get(key) as V;
    this.data.delete(key);
    return value;
  }

  /** Removes and returns the most recently inserted entry; RangeError when empty. */
  popItem(): [K, V] {
    this._p_activate();
    let last: [K, V] | undefined;
    for (const entry of this.data) last = entry;
    if (last === undefined) throw new RangeError('popItem(): mapping is empty');
    this._p_willChange();
    this.data.delete(last[0]);
    return last;
  }

  /** Sets every entry of `entries` (Python's `update`). */
  update(entries: Iterable<readonly [K, V]> | Record<string, V>): void {
    this._p_willChange();
    for (const [k, v] of toEntries(entries)) this.data.set(k as K, v as V);
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this._p_activate();
    this.data.forEach((v, k) => callback.call(thisArg, v, k, this));
  }

  keys(): MapIterator<K> {
    this._p_activate();
    return this.data.keys();
  }

  values(): MapIterator<V> {
    this._p_activate();
    return this.data.values();
  }

  entries(): MapIterator<[K, V]> {
    this._p_activate();
    return this.data.entries();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentMapping';
  }

  /** A plain object of the entries (string keys), for JSON. */
  toJSON(): Record<string, V> {
    this._p_activate();
    const out: Record<string, V> = {};
    for (const [k, v] of this.data) out[String(k)] = v;
    return out;
  }

  override __setstate__(state: unknown): void {
    const s = state as { data?: unknown } | null;
    const data = s?.data;
    this.data =
      data instanceof Map ? (data as Map<K, V>) : new Map(toEntries(data as Record<string, V>));
  }
}

function toEntries<K, V>(
  entries: Iterable<readonly [K, V]> | Record<string, V> | null | undefined,
): Iterable<readonly [K, V]> {
  if (entries === null || entries === undefined) return [];
  if (typeof (entries as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return entries as Iterable<readonly [K, V]>;
  }
  return Object.entries(entries) as unknown as Iterable<readonly [K, V]>;
}
