/**
 * Lazy views of a key range: what `keys()`, `values()` and `items()` return.
 *
 * A view reads nothing until used. On first use it finds the ends of its
 * range (O(log n)); `length` then walks the buckets of the range once, and
 * `at(i)` walks to the bucket holding item `i` (remembering where it was,
 * so stepping through indexes in order is cheap). Like ZODB's lazy
 * sequences, a view describes the range as it was when first used: after
 * adding or removing keys, take a new view.
 *
 * @module
 */

import type { LeafNode } from './nodes.js';
import type { ResolvedRange } from './range.js';
import { EntryIterator, KeyIterator, ValueIterator } from './range-iterators.js';

/** Finds the ends of a view's range (null when empty); `last` may be null (open end) unless `needLast`. */
type Resolver = (needLast: boolean) => ResolvedRange | null;

/** A lazy, indexable, iterable sequence over a key range of a BTree-based structure. */
export abstract class RangeView<T> implements Iterable<T> {
  readonly #resolver: Resolver;
  #range: ResolvedRange | null | undefined = undefined;
  #length = -1;
  /** The last bucket `at()` visited and the view index of its first item in range. */
  #cursor: { leaf: LeafNode; base: number } | undefined = undefined;

  /** @internal */
  constructor(resolver: Resolver) {
    this.#resolver = resolver;
  }

  /** @internal The ends of the range, found on first use. */
  protected range(): ResolvedRange | null {
    if (this.#range === undefined) this.#range = this.#resolver(false);
    return this.#range;
  }

  /** @internal Reads the item at `index` of `leaf`. */
  protected abstract read(leaf: LeafNode, index: number): T;

  /** Iterates the items in key order. */
  abstract [Symbol.iterator](): IterableIterator<T, undefined>;

  /** Number of items in the range (walks its buckets once). */
  get length(): number {
    if (this.#length < 0) this.#length = countRange(this.range());
    return this.#length;
  }

  /**
   * The item at `index` (negative counts from the end, as `Array.prototype.at`),
   * or undefined when out of range.
   */
  at(index: number): T | undefined {
    const n = this.length;
    let i = Math.trunc(index);
    if (i < 0) i += n;
    if (!(i >= 0 && i < n)) return undefined;
    const range = this.range()!;
    let leaf: LeafNode | null = range.first;
    let base = 0;
    if (this.#cursor !== undefined && this.#cursor.base <= i) ({ leaf, base } = this.#cursor);
    while (leaf !== null) {
      leaf._p_activate();
      const start = leaf === range.first ? range.firstIndex : 0;
      const end = leaf === range.last ? range.lastIndex : leaf._len - 1;
      const count = end - start + 1;
      if (i < base + count) {
        this.#cursor = { leaf, base };
        return this.read(leaf, start + i - base);
      }
      base += count;
      leaf = leaf._next;
    }
    return undefined;
  }

  /** The items as an array. */
  toArray(): T[] {
    return Array.from(this);
  }

  /** The first item, or undefined when the range is empty. */
  first(): T | undefined {
    const range = this.range();
    if (range === null) return undefined;
    range.first._p_activate();
    return this.read(range.first, range.firstIndex);
  }

  /** The last item, or undefined when the range is empty. */
  last(): T | undefined {
    let range = this.range();
    if (range === null) return undefined;
    if (range.last === null) {
      // The range was found with an open end: find its last bucket now.
      range = this.#resolver(true);
      this.#range = range;
      if (range === null || range.last === null) return undefined;
    }
    const leaf = range.last;
    leaf._p_activate();
    return this.read(leaf, range.lastIndex);
  }

  /** The view's class name, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }
}

function countRange(range: ResolvedRange | null): number {
  if (range === null) return 0;
  let count = 0;
  for (let leaf: LeafNode | null = range.first; leaf !== null; leaf = leaf._next) {
    leaf._p_activate();
    const start = leaf === range.first ? range.firstIndex : 0;
    if (leaf === range.last) return count + range.lastIndex - start + 1;
    count += leaf._len - start;
  }
  return count;
}

/** The keys of a range. */
export class KeysView<K> extends RangeView<K> {
  /** @internal */
  protected read(leaf: LeafNode, index: number): K {
    return leaf._keys[index] as K;
  }
  /** Iterates the keys in order. */
  [Symbol.iterator](): IterableIterator<K, undefined> {
    return new KeyIterator<K>(this.range());
  }
}

/** The values of a range, in key order. */
export class ValuesView<V> extends RangeView<V> {
  /** @internal */
  protected read(leaf: LeafNode, index: number): V {
    return leaf._values![index] as V;
  }
  /** Iterates the values in key order. */
  [Symbol.iterator](): IterableIterator<V, undefined> {
    return new ValueIterator<V>(this.range());
  }
}

/** The `[key, value]` entries of a range, in key order. */
export class ItemsView<K, V> extends RangeView<[K, V]> {
  /** @internal */
  protected read(leaf: LeafNode, index: number): [K, V] {
    return [leaf._keys[index] as K, leaf._values![index] as V];
  }
  /** Iterates the entries in key order. */
  [Symbol.iterator](): IterableIterator<[K, V], undefined> {
    return new EntryIterator<K, V>(this.range());
  }
}
