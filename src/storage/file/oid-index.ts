/**
 * The in-memory oid -> file position index of FileStorage (ZODB's `fsIndex`
 * role), built for databases far past a JS `Map`'s 2^24-entry ceiling.
 *
 * Oids handed out by `newOid` are dense small integers, so the index is
 * mostly a paged direct-address table: oids are grouped in pages of 4,096;
 * a dense page stores only values, as a `Uint32Array` of low words and a
 * `Uint16Array` of high words allocated only once a value needs it. A
 * position below 4 GiB therefore costs 4 bytes per object, and at most 6.
 *
 * Oids that are not dense (copied from other storages, or >= 2^32) live in
 * an open-addressing hash table over `Float64Array`s (linear probing,
 * backward-shift deletion, grown by rehash at 3/4 load: 21 to 43 bytes per
 * entry). When 1,024 entries of one page below 2^32 have gathered in the
 * hash, that page is promoted to a dense page, which is then cheaper; the
 * page after a dense page is made dense at its first entry (oids come in
 * sequence), so sequential oids skip the hash table almost entirely.
 *
 * Values are integers in 1 .. 2^48 - 1 (0 means "absent" in a dense page):
 * FileStorage stores data record positions, which are always >= 4, and uses
 * the value 1 where it only needs a set of oids.
 *
 * @module
 */

import type { Oid } from '../../ids.js';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Oids below this may live in dense pages (page numbers fit in 20 bits). */
const DENSE_OID_LIMIT = 2 ** 32;
/** Hash entries of one page after which the page becomes dense (~ equal memory). */
const PROMOTE_AT = 1024;
const HASH_INITIAL_CAPACITY = 1024;
const EMPTY_KEY = -1;
const TWO_32 = 0x1_0000_0000;

/** Largest value an {@link OidIndex} stores. */
export const OID_INDEX_VALUE_MAX = 2 ** 48 - 1;

/** Oids per dense page: page `p` holds oids `p * 4096` to `p * 4096 + 4095`. */
export const OID_INDEX_PAGE_OIDS = PAGE_SIZE;

/** Dense page numbers are below this (oids below 2^32). */
export const OID_INDEX_PAGE_NUMBER_LIMIT = DENSE_OID_LIMIT / PAGE_SIZE;

/** One dense page: values for 4,096 consecutive oids. */
interface DensePage {
  readonly low: Uint32Array;
  high: Uint16Array | undefined;
  count: number;
}

/** The oid -> position index; see the module comment. */
export class OidIndex {
  private pages: (DensePage | undefined)[] = [];
  private pageHashCounts = new Uint16Array(0);
  private keys: Float64Array = new Float64Array(HASH_INITIAL_CAPACITY).fill(EMPTY_KEY);
  private values: Float64Array = new Float64Array(HASH_INITIAL_CAPACITY);
  private hashUsed = 0;
  private densePageCount = 0;
  private entryCount = 0;
  private largestKey = -1;

  /** Number of oids in the index. */
  get size(): number {
    return this.entryCount;
  }

  /** The largest oid ever set (not lowered by `delete`), or -1 when none was. */
  get maxOid(): number {
    return this.largestKey;
  }

  /** The value for `oid`, or `undefined`. */
  get(oid: Oid): number | undefined {
    if (oid < DENSE_OID_LIMIT) {
      const page = this.pages[oid >>> PAGE_BITS];
      if (page !== undefined) {
        const slot = oid & PAGE_MASK;
        const low = page.low[slot]!;
        const value = page.high === undefined ? low : page.high[slot]! * TWO_32 + low;
        return value === 0 ? undefined : value;
      }
    }
    const at = this.findSlot(oid);
    return at < 0 ? undefined : this.values[at];
  }

  /** True when `oid` is in the index. */
  has(oid: Oid): boolean {
    return this.get(oid) !== undefined;
  }

  /** Sets the value of `oid` (an integer in 1 .. 2^48 - 1). */
  set(oid: Oid, value: number): void {
    if (!(value >= 1 && value <= OID_INDEX_VALUE_MAX && Number.isInteger(value))) {
      throw new RangeError(`OidIndex value must be an integer in 1..2^48-1, got ${value}`);
    }
    if (!(oid >= 0 && Number.isSafeInteger(oid))) {
      throw new RangeError(`OidIndex key must be a non-negative safe integer, got ${oid}`);
    }
    if (oid > this.largestKey) this.largestKey = oid;
    if (oid < DENSE_OID_LIMIT) {
      const pageNumber = oid >>> PAGE_BITS;
      const page = this.pages[pageNumber];
      if (page !== undefined) {
        this.setDense(page, oid & PAGE_MASK, value);
        return;
      }
      if (this.pages[pageNumber - 1] !== undefined) {
        // Oids are mostly handed out in sequence: the page after a dense page is made dense at once.
        this.promote(pageNumber);
        this.setDense(this.pages[pageNumber]!, oid & PAGE_MASK, value);
        return;
      }
      if (this.hashSet(oid, value)) this.countHashEntry(pageNumber);
      return;
    }
    this.hashSet(oid, value);
  }

  /** Removes `oid`; returns whether it was present. */
  delete(oid: Oid): boolean {
    if (oid < DENSE_OID_LIMIT) {
      const pageNumber = oid >>> PAGE_BITS;
      const page = this.pages[pageNumber];
      if (page !== undefined) {
        const slot = oid & PAGE_MASK;
        if (page.low[slot] === 0 && (page.high === undefined || page.high[slot] === 0))
          return false;
        page.low[slot] = 0;
        if (page.high !== undefined) page.high[slot] = 0;
        page.count--;
        this.entryCount--;
        return true;
      }
    }
    const at = this.findSlot(oid);
    if (at < 0) return false;
    this.removeSlot(at);
    if (oid < DENSE_OID_LIMIT) this.pageHashCounts[oid >>> PAGE_BITS]!--;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.pages = [];
    this.pageHashCounts = new Uint16Array(0);
    this.keys = new Float64Array(HASH_INITIAL_CAPACITY).fill(EMPTY_KEY);
    this.values = new Float64Array(HASH_INITIAL_CAPACITY);
    this.hashUsed = 0;
    this.densePageCount = 0;
    this.entryCount = 0;
    this.largestKey = -1;
  }

  /** Calls `fn(oid, value)` for every entry, in increasing oid order. Do not modify the index meanwhile. */
  forEach(fn: (oid: Oid, value: number) => void): void {
    const sparse = this.sortedHashKeys();
    let s = 0;
    const pages = this.pages;
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p];
      if (page === undefined || page.count === 0) continue;
      const base = p * PAGE_SIZE;
      while (s < sparse.length && sparse[s]! < base) {
        const oid = sparse[s++]!;
        fn(oid, this.values[this.findSlot(oid)]!);
      }
      const { low, high } = page;
      for (let slot = 0; slot < PAGE_SIZE; slot++) {
        const value = high === undefined ? low[slot]! : high[slot]! * TWO_32 + low[slot]!;
        if (value !== 0) fn(base + slot, value);
      }
    }
    while (s < sparse.length) {
      const oid = sparse[s++]!;
      fn(oid, this.values[this.findSlot(oid)]!);
    }
  }

  /** Every `[oid, value]`, in increasing oid order. Do not modify the index while iterating. */
  *entries(): IterableIterator<[Oid, number]> {
    const out: [Oid, number][] = [];
    this.forEach((oid, value) => out.push([oid, value]));
    yield* out;
  }

  /**
   * Every oid from `from` on, in increasing order. Tolerates changes to the
   * index between steps: dense pages are read live, the sparse oids are a
   * sorted snapshot taken at the start (8 bytes per sparse oid).
   */
  *keysFrom(from: Oid = 0): IterableIterator<Oid> {
    const sparse = this.sortedHashKeys();
    let s = 0;
    while (s < sparse.length && sparse[s]! < from) s++;
    const firstPage = from < DENSE_OID_LIMIT ? Math.floor(from / PAGE_SIZE) : Infinity;
    for (let p = firstPage; p < this.pages.length; p++) {
      const page = this.pages[p];
      if (page === undefined) continue;
      const base = p * PAGE_SIZE;
      while (s < sparse.length && sparse[s]! < base) yield sparse[s++]!;
      for (let slot = Math.max(0, from - base); slot < PAGE_SIZE; slot++) {
        if (page.low[slot] !== 0 || (page.high !== undefined && page.high[slot] !== 0)) {
          yield base + slot;
        }
      }
      // Oids of this page taken in the snapshot before it was promoted were just yielded.
      while (s < sparse.length && sparse[s]! < base + PAGE_SIZE) s++;
    }
    while (s < sparse.length) yield sparse[s++]!;
  }

  /**
   * Calls `fn` for every dense page holding entries, in page order, with
   * its value arrays (value = `high * 2^32 + low`, 0 = absent; `high`
   * `undefined` when every value is below 2^32). For saving the index as a
   * block; do not modify the index meanwhile.
   */
  forEachDensePage(
    fn: (pageNumber: number, low: Uint32Array, high: Uint16Array | undefined) => void,
  ): void {
    this.pages.forEach((page, pageNumber) => {
      if (page !== undefined && page.count > 0) fn(pageNumber, page.low, page.high);
    });
  }

  /** Calls `fn(oid, value)` for every entry outside the dense pages, in no particular order. */
  forEachSparse(fn: (oid: Oid, value: number) => void): void {
    const { keys, values } = this;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY_KEY) fn(keys[i]!, values[i]!);
  }

  /**
   * Installs dense page `pageNumber` with the values of `low` and `high`
   * (as {@link forEachDensePage} gives them; 4,096 each), taking the
   * arrays over without copying. The index must hold no entry of that page
   * yet. Returns the number of entries the page holds.
   */
  adoptDensePage(pageNumber: number, low: Uint32Array, high: Uint16Array | undefined): number {
    if (!(
      Number.isInteger(pageNumber) &&
      pageNumber >= 0 &&
      pageNumber < DENSE_OID_LIMIT / PAGE_SIZE
    )) {
      throw new RangeError(`OidIndex page number out of range: ${pageNumber}`);
    }
    if (low.length !== PAGE_SIZE || (high !== undefined && high.length !== PAGE_SIZE)) {
      throw new RangeError(`an OidIndex page holds ${PAGE_SIZE} values`);
    }
    if (this.pages[pageNumber] !== undefined || (this.pageHashCounts[pageNumber] ?? 0) > 0) {
      throw new RangeError(`OidIndex page ${pageNumber} already holds entries`);
    }
    let count = 0;
    let last = -1;
    for (let slot = 0; slot < PAGE_SIZE; slot++) {
      if (low[slot] !== 0 || (high !== undefined && high[slot] !== 0)) {
        count++;
        last = slot;
      }
    }
    while (this.pages.length < pageNumber) this.pages.push(undefined);
    this.pages[pageNumber] = { low, high, count };
    this.densePageCount++;
    this.entryCount += count;
    if (last >= 0) this.largestKey = Math.max(this.largestKey, pageNumber * PAGE_SIZE + last);
    return count;
  }

  /** Memory held by the typed arrays, in bytes (for measurements). */
  byteSize(): number {
    let bytes = this.keys.byteLength + this.values.byteLength + this.pageHashCounts.byteLength;
    for (const page of this.pages) {
      if (page === undefined) continue;
      bytes += page.low.byteLength + (page.high?.byteLength ?? 0);
    }
    return bytes + this.pages.length * 8;
  }

  // ---- dense pages -------------------------------------------------------

  private setDense(page: DensePage, slot: number, value: number): void {
    const wasAbsent = page.low[slot] === 0 && (page.high === undefined || page.high[slot] === 0);
    const high = Math.floor(value / TWO_32);
    if (high !== 0 && page.high === undefined) page.high = new Uint16Array(PAGE_SIZE);
    page.low[slot] = value >>> 0;
    if (page.high !== undefined) page.high[slot] = high;
    if (wasAbsent) {
      page.count++;
      this.entryCount++;
    }
  }

  private countHashEntry(pageNumber: number): void {
    if (pageNumber >= this.pageHashCounts.length) {
      let length = Math.max(64, this.pageHashCounts.length * 2);
      while (length <= pageNumber) length *= 2;
      const grown = new Uint16Array(length);
      grown.set(this.pageHashCounts);
      this.pageHashCounts = grown;
    }
    const count = ++this.pageHashCounts[pageNumber]!;
    if (count >= PROMOTE_AT) this.promote(pageNumber);
  }

  private promote(pageNumber: number): void {
    const page: DensePage = { low: new Uint32Array(PAGE_SIZE), high: undefined, count: 0 };
    const base = pageNumber * PAGE_SIZE;
    for (let slot = 0; slot < PAGE_SIZE; slot++) {
      const at = this.findSlot(base + slot);
      if (at < 0) continue;
      const value = this.values[at]!;
      this.removeSlot(at); // uncounts the entry; setDense counts it again
      this.setDense(page, slot, value);
    }
    this.pageHashCounts[pageNumber] = 0;
    while (this.pages.length < pageNumber) this.pages.push(undefined);
    this.pages[pageNumber] = page;
    this.densePageCount++;
  }

  // ---- hash table --------------------------------------------------------

  private hashOf(oid: Oid): number {
    const low = oid >>> 0;
    const high = Math.floor(oid / TWO_32);
    let h = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
    h ^= h >>> 15;
    return h & (this.keys.length - 1);
  }

  private findSlot(oid: Oid): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    let at = this.hashOf(oid);
    for (;;) {
      const key = keys[at]!;
      if (key === oid) return at;
      if (key === EMPTY_KEY) return -1;
      at = (at + 1) & mask;
    }
  }

  /** Inserts or updates; returns true when the key is new. */
  private hashSet(oid: Oid, value: number): boolean {
    const keys = this.keys;
    const mask = keys.length - 1;
    let at = this.hashOf(oid);
    for (;;) {
      const key = keys[at]!;
      if (key === oid) {
        this.values[at] = value;
        return false;
      }
      if (key === EMPTY_KEY) break;
      at = (at + 1) & mask;
    }
    keys[at] = oid;
    this.values[at] = value;
    this.hashUsed++;
    this.entryCount++;
    if (this.hashUsed * 4 > keys.length * 3) this.rehash(keys.length * 2);
    return true;
  }

  private removeSlot(at: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = keys.length - 1;
    let hole = at;
    let next = (hole + 1) & mask;
    // Backward-shift deletion: move later members of the probe run into the hole.
    while (keys[next] !== EMPTY_KEY) {
      const home = this.hashOf(keys[next]!);
      const distanceFromHome = (next - home) & mask;
      const distanceToHole = (next - hole) & mask;
      if (distanceFromHome >= distanceToHole) {
        keys[hole] = keys[next]!;
        values[hole] = values[next]!;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    keys[hole] = EMPTY_KEY;
    values[hole] = 0;
    this.hashUsed--;
    this.entryCount--;
  }

  private rehash(capacity: number): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(capacity).fill(EMPTY_KEY);
    this.values = new Float64Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i]!;
      if (key === EMPTY_KEY) continue;
      let at = this.hashOf(key);
      while (this.keys[at] !== EMPTY_KEY) at = (at + 1) & mask;
      this.keys[at] = key;
      this.values[at] = oldValues[i]!;
    }
  }

  private sortedHashKeys(): Float64Array {
    const out = new Float64Array(this.hashUsed);
    let n = 0;
    for (const key of this.keys) if (key !== EMPTY_KEY) out[n++] = key;
    return out.sort();
  }
}
