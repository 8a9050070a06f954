/**
 * Key ranges ("range searches"): which part of a collection a view,
 * iterator, `minKey` or `maxKey` covers.
 *
 * @module
 */

import type { DataType } from './data-types.js';
import { leafIndexFrom, leafIndexUpTo } from './leaf-ops.js';
import type { LeafNode } from './nodes.js';
import type { Position } from './tree-ops.js';

/**
 * A range of keys. Both ends are inclusive unless excluded; an absent end
 * is open. `excludeMin` without `min` drops the smallest key, `excludeMax`
 * without `max` the largest (as in ZODB).
 *
 * @example
 * ```ts
 * tree.keys({ min: 'b', max: 'd', excludeMax: true }); // 'b' <= key < 'd'
 * ```
 */
export interface KeyRange<K> {
  /** Smallest key of the range. */
  min?: K | undefined;
  /** Largest key of the range. */
  max?: K | undefined;
  /** Leave out `min` itself (or the smallest key when there is no `min`). */
  excludeMin?: boolean | undefined;
  /** Leave out `max` itself (or the largest key when there is no `max`). */
  excludeMax?: boolean | undefined;
}

/**
 * The first and last position of a non-empty range in a leaf chain. A null
 * `last` means the range runs to the end of the chain.
 *
 * @internal
 */
export interface ResolvedRange {
  readonly first: LeafNode;
  readonly firstIndex: number;
  readonly last: LeafNode | null;
  readonly lastIndex: number;
}

/**
 * Checks the ends of a range against the key type.
 *
 * @internal
 */
export function checkRange(
  range: KeyRange<unknown> | undefined,
  keyType: DataType,
  owner: string,
): void {
  if (range === undefined) return;
  if (range.min !== undefined && !keyType.accepts(range.min))
    throw keyType.rejection(range.min, `${owner} range min`);
  if (range.max !== undefined && !keyType.accepts(range.max))
    throw keyType.rejection(range.max, `${owner} range max`);
}

/**
 * The first position of a lone leaf with a key `>= min` (`> min` when
 * `exclusive`); with no `min`, its first position (the second when
 * `exclusive`). Null when none.
 *
 * @internal
 */
export function leafFirstPosition(
  leaf: LeafNode,
  hasMin: boolean,
  min: unknown,
  exclusive: boolean,
): Position | null {
  const index = hasMin ? leafIndexFrom(leaf, min, exclusive) : exclusive ? 1 : 0;
  return index < leaf._len ? { leaf, index } : null;
}

/**
 * The last position of a lone leaf with a key `<= max` (`< max` when
 * `exclusive`); with no `max`, its last position (the one before when
 * `exclusive`). Null when none.
 *
 * @internal
 */
export function leafLastPosition(
  leaf: LeafNode,
  hasMax: boolean,
  max: unknown,
  exclusive: boolean,
): Position | null {
  const index = hasMax ? leafIndexUpTo(leaf, max, exclusive) : leaf._len - (exclusive ? 2 : 1);
  return index >= 0 ? { leaf, index } : null;
}

/**
 * Combines the two ends of a range, or null when the range is empty.
 *
 * @internal
 */
export function rangeBetween(
  first: Position | null,
  last: Position | null,
  keyType: DataType,
): ResolvedRange | null {
  if (first === null || last === null) return null;
  let empty: boolean;
  if (first.leaf === last.leaf) empty = first.index > last.index;
  else {
    // Finding one end may have ghosted the other end's leaf: activate each before reading.
    first.leaf._p_activate();
    const firstKey = first.leaf._keys[first.index];
    last.leaf._p_activate();
    empty = keyType.compare(firstKey, last.leaf._keys[last.index]) > 0;
  }
  return empty
    ? null
    : { first: first.leaf, firstIndex: first.index, last: last.leaf, lastIndex: last.index };
}
