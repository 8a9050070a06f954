/**
 * `multiunion`: the union of many integer sets in one sort, for the
 * families with integer keys (`II`, `IO`, `IF`, `LL`, `LO`, `LF`).
 *
 * @internal
 * @module
 */

import type { BucketSet } from './bucket-set.js';
import { CollectionBase } from './collection-base.js';
import type { FamilyInfo } from './family-info.js';
import { makeSet } from './sorted-items.js';
import { KeyIterator } from './range-iterators.js';

/**
 * The union of `items` as a Set of `family`: each item is an integer key,
 * or a collection (BTree, Bucket, TreeSet, Set) whose keys are added, or
 * any other iterable of integer keys.
 */
export function multiunionIn(family: FamilyInfo, items: Iterable<unknown>): BucketSet<unknown> {
  const type = family.keyType;
  if (!type.integer)
    throw new TypeError(`multiunion: the ${family.name} family has no integer keys`);
  let all = new Float64Array(64);
  let n = 0;
  const add = (key: unknown): void => {
    if (!type.accepts(key)) throw type.rejection(key, `${family.name} multiunion key`);
    if (n === all.length) {
      const bigger = new Float64Array(n * 2);
      bigger.set(all);
      all = bigger;
    }
    all[n++] = key as number;
  };
  for (const item of items) {
    if (typeof item === 'number') add(item);
    else if (item instanceof CollectionBase)
      for (const key of new KeyIterator<unknown>(item._resolve(undefined))) add(key);
    else if (
      item !== null &&
      typeof (item as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
    ) {
      for (const key of item as Iterable<unknown>) add(key);
    } else add(item);
  }
  const sorted = all.subarray(0, n).sort();
  const keys: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) keys.push(sorted[i]!);
  return makeSet(family, keys);
}
