/**
 * Iterators over a range of a leaf chain: keys, values or `[key, value]`
 * entries.
 *
 * Mutation during iteration is detected as ZODB detects it: if the bucket
 * (leaf) being walked changed size since the previous step, the next step
 * throws {@link BucketChangedSizeError}. Replacing values is allowed. A
 * bucket ghosted under the iterator (cache minimisation between steps) is
 * reloaded, not reported.
 *
 * @internal
 * @module
 */

import { BucketChangedSizeError } from './btree-errors.js';
import type { LeafNode } from './nodes.js';
import type { ResolvedRange } from './range.js';
import type { Store } from './store.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({
  value: undefined,
  done: true,
}) as IteratorReturnResult<undefined>;

/** Walks positions of a range; subclasses read what they yield. */
abstract class RangeCursor<T> implements IterableIterator<T, undefined> {
  /** The current leaf, or null when done. */
  protected leaf: LeafNode | null = null;
  /** Index of the next item in `leaf`. */
  protected index = 0;
  /** Last index to read in `leaf`. */
  private end = 0;
  /** `leaf._len` when the cursor entered it. */
  protected size = 0;
  private readonly last: LeafNode | null;
  private readonly lastIndex: number;
  /** Written only so that {@link lookAhead}'s reads are not optimised away. */
  private fetched = 0;

  constructor(range: ResolvedRange | null) {
    this.last = range?.last ?? null;
    this.lastIndex = range?.lastIndex ?? 0;
    if (range !== null) this.enter(range.first, range.firstIndex);
  }

  abstract next(): IteratorResult<T, undefined>;

  [Symbol.iterator](): this {
    return this;
  }

  private enter(leaf: LeafNode, index: number): void {
    leaf._p_activate();
    this.leaf = leaf;
    this.index = index;
    this.size = leaf._len;
    this.end = leaf === this.last ? this.lastIndex : leaf._len - 1;
    this.lookAhead(leaf);
  }

  /**
   * Reads the next leaf and its key array, so the memory holding them is
   * on its way while this leaf's items are consumed: leaves lie scattered
   * over the heap, and a walk that meets each one only when it gets there
   * waits for memory at every leaf (see docs/btrees.md, "Performance
   * notes"). A ghost is not loaded: it has no key array yet.
   */
  private lookAhead(leaf: LeafNode): void {
    const next = leaf._next;
    if (next === null || next === undefined) return;
    const keys = next._keys as Store | undefined;
    if (keys !== undefined) this.fetched = keys.length;
  }

  /** Moves past the item just read. */
  protected advance(): void {
    if (this.index < this.end) {
      this.index++;
      return;
    }
    const leaf = this.leaf!;
    const next = leaf === this.last ? null : leaf._next;
    if (next === null) this.leaf = null;
    else this.enter(next, 0);
  }

  /** Called when `leaf._len` differs from the size seen on entry. */
  protected verify(leaf: LeafNode): void {
    leaf._p_activate();
    if (leaf._len !== this.size) {
      this.leaf = null;
      throw new BucketChangedSizeError(leaf.constructor.name, this.size, leaf._len);
    }
  }

  protected done(): IteratorReturnResult<undefined> {
    return DONE;
  }
}

/** Yields the keys of a range. */
export class KeyIterator<K> extends RangeCursor<K> {
  /** The next key; throws BucketChangedSizeError if the bucket changed size. */
  next(): IteratorResult<K, undefined> {
    const leaf = this.leaf;
    if (leaf === null) return DONE;
    if (leaf._len !== this.size) this.verify(leaf);
    const value = leaf._keys[this.index] as K;
    this.advance();
    return { value, done: false };
  }
}

/** Yields the values of a range (mappings only). */
export class ValueIterator<V> extends RangeCursor<V> {
  /** The next value; throws BucketChangedSizeError if the bucket changed size. */
  next(): IteratorResult<V, undefined> {
    const leaf = this.leaf;
    if (leaf === null) return DONE;
    if (leaf._len !== this.size) this.verify(leaf);
    const value = leaf._values![this.index] as V;
    this.advance();
    return { value, done: false };
  }
}

/** Yields `[key, value]` entries of a range (mappings only). */
export class EntryIterator<K, V> extends RangeCursor<[K, V]> {
  /** The next entry; throws BucketChangedSizeError if the bucket changed size. */
  next(): IteratorResult<[K, V], undefined> {
    const leaf = this.leaf;
    if (leaf === null) return DONE;
    if (leaf._len !== this.size) this.verify(leaf);
    const i = this.index;
    const value: [K, V] = [leaf._keys[i] as K, leaf._values![i] as V];
    this.advance();
    return { value, done: false };
  }
}
