/**
 * {@link OidMap}: a `Map` from oids to values, specialised for the dense,
 * mostly sequential oids a storage hands out.
 *
 * A JS `Map` keyed by 100,000 numbers costs about 300 ns per insert on this
 * project's machines (hashing, and rehashing as it grows); an array slot costs
 * a third of that. Oids below 2^31 live in pages of 1,024 slots indexed by
 * the oid's high bits; larger oids (which only a copied or hand-built
 * database has) fall back to a `Map`. Iteration is in ascending oid order,
 * not insertion order.
 *
 * @internal Used by the object cache, the connection's added objects and
 * MappingStorage; not public API.
 * @module
 */

import type { Oid } from './ids.js';

const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Oids from here on go to the overflow `Map` (page indexes stay small integers). */
const DENSE_LIMIT = 2 ** 31;

/** A map from oids to values (never `undefined`), iterated in ascending oid order. */
export class OidMap<V> implements ReadonlyMap<Oid, V> {
  #pages: (V | undefined)[][] = [];
  #overflow: Map<Oid, V> | undefined;
  #size = 0;

  /** A map holding `entries` (pairs of oid and value), if given. */
  constructor(entries?: Iterable<readonly [Oid, V]>) {
    if (entries !== undefined) for (const [oid, value] of entries) this.set(oid, value);
  }

  /** The number of entries. */
  get size(): number {
    return this.#size;
  }

  /** The value of `oid`, or undefined. */
  get(oid: Oid): V | undefined {
    if (oid < DENSE_LIMIT && oid >= 0) return this.#pages[oid >>> PAGE_BITS]?.[oid & PAGE_MASK];
    return this.#overflow?.get(oid);
  }

  /** True when `oid` has a value. */
  has(oid: Oid): boolean {
    return this.get(oid) !== undefined;
  }

  /** Sets the value of `oid` (`value` must not be undefined). */
  set(oid: Oid, value: V): this {
    if (oid < DENSE_LIMIT && oid >= 0) {
      const index = oid >>> PAGE_BITS;
      let page = this.#pages[index];
      if (page === undefined) {
        page = new Array<V | undefined>(PAGE_SIZE);
        this.#pages[index] = page;
      }
      const slot = oid & PAGE_MASK;
      if (page[slot] === undefined) this.#size++;
      page[slot] = value;
      return this;
    }
    const overflow = (this.#overflow ??= new Map());
    if (!overflow.has(oid)) this.#size++;
    overflow.set(oid, value);
    return this;
  }

  /** Removes `oid`; true when it had a value. */
  delete(oid: Oid): boolean {
    if (oid < DENSE_LIMIT && oid >= 0) {
      const page = this.#pages[oid >>> PAGE_BITS];
      const slot = oid & PAGE_MASK;
      if (page === undefined || page[slot] === undefined) return false;
      page[slot] = undefined;
      this.#size--;
      return true;
    }
    if (this.#overflow?.delete(oid) !== true) return false;
    this.#size--;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.#pages = [];
    this.#overflow = undefined;
    this.#size = 0;
  }

  /** `[oid, value]` pairs in ascending oid order. */
  *entries(): MapIterator<[Oid, V]> {
    const pages = this.#pages;
    for (let index = 0; index < pages.length; index++) {
      const page = pages[index];
      if (page === undefined) continue;
      const base = index * PAGE_SIZE;
      for (let slot = 0; slot < PAGE_SIZE; slot++) {
        const value = page[slot];
        if (value !== undefined) yield [base + slot, value];
      }
    }
    if (this.#overflow !== undefined) {
      yield* [...this.#overflow].sort((a, b) => a[0] - b[0]);
    }
  }

  /** The oids, ascending. */
  *keys(): MapIterator<Oid> {
    for (const [oid] of this.entries()) yield oid;
  }

  /** The values, in ascending oid order. */
  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  /** Calls `callback(value, oid, map)` for each entry, in ascending oid order. */
  forEach(callback: (value: V, oid: Oid, map: ReadonlyMap<Oid, V>) => void): void {
    for (const [oid, value] of this.entries()) callback(value, oid, this);
  }

  [Symbol.iterator](): MapIterator<[Oid, V]> {
    return this.entries();
  }
}
