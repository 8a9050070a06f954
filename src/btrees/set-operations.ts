/**
 * `difference`, `union` and `intersection` of BTree-based collections, with
 * ZODB's result types and `null` rules.
 *
 * Each takes collections of one family (BTrees, Buckets, TreeSets, Sets);
 * the second argument may also be any iterable of keys. The family of the
 * result is the family of the first collection given.
 *
 * @module
 */

import type { Bucket } from './bucket.js';
import type { BucketSet } from './bucket-set.js';
import { CollectionBase } from './collection-base.js';
import type { FamilyInfo } from './family-info.js';
import type { MappingBase } from './mapping-base.js';
import type { SetBase } from './set-base.js';
import type { KeySource, SortedItems } from './sorted-items.js';
import { isMapping, makeBucket, makeSet, readItems } from './sorted-items.js';

/** The family of the first collection among `inputs`. */
export function familyOf(operation: string, ...inputs: unknown[]): FamilyInfo {
  for (const input of inputs) {
    if (input instanceof CollectionBase) return input._family as FamilyInfo;
  }
  throw new TypeError(
    `${operation}: at least one argument must be a BTree, Bucket, TreeSet or Set`,
  );
}

/**
 * The keys (and values) of `c1` whose keys are not in `c2`: a Bucket of
 * `c1`'s family when `c1` is a mapping, else a Set. `difference(c1, null)`
 * is `c1` itself; `difference(null, c2)` is null.
 */
export function difference<C extends CollectionBase<unknown>>(c1: C, c2: null): C;
export function difference<K, V>(c1: MappingBase<K, V>, c2: KeySource<K>): Bucket<K, V>;
export function difference<K>(c1: SetBase<K>, c2: KeySource<K>): BucketSet<K>;
export function difference(c1: null, c2: unknown): null;
export function difference(c1: unknown, c2: unknown): unknown {
  if (c1 === null || c1 === undefined) return null;
  if (c2 === null || c2 === undefined) return c1;
  return differenceIn(familyOf('difference', c1), c1, c2);
}

/** {@link difference} with the result in `family`. @internal */
export function differenceIn(family: FamilyInfo, c1: unknown, c2: unknown): unknown {
  const withValues = isMapping(c1);
  const a = readItems(family, c1, withValues);
  const b = readItems(family, c2, false);
  const compare = family.keyType.compare;
  const keys: unknown[] = [];
  const values: unknown[] = [];
  let j = 0;
  for (let i = 0; i < a.keys.length; i++) {
    const key = a.keys[i];
    while (j < b.keys.length && compare(b.keys[j], key) < 0) j++;
    if (j < b.keys.length && compare(b.keys[j], key) === 0) continue;
    keys.push(key);
    if (a.values !== null) values.push(a.values[i]);
  }
  return withValues ? makeBucket(family, keys, values) : makeSet(family, keys);
}

/**
 * The keys in `c1` or `c2`, as a Set of the first collection's family.
 * `union(null, c2)` is `c2` itself, `union(c1, null)` is `c1` itself.
 */
export function union<C extends CollectionBase<unknown>>(c1: C, c2: null): C;
export function union<C extends CollectionBase<unknown>>(c1: null, c2: C): C;
export function union<K>(c1: CollectionBase<K>, c2: KeySource<K>): BucketSet<K>;
export function union<K>(c1: KeySource<K>, c2: CollectionBase<K>): BucketSet<K>;
export function union(c1: null, c2: null): null;
export function union(c1: unknown, c2: unknown): unknown {
  if (c1 === null || c1 === undefined) return c2 ?? null;
  if (c2 === null || c2 === undefined) return c1;
  return unionIn(familyOf('union', c1, c2), c1, c2);
}

/** {@link union} with the result in `family`. @internal */
export function unionIn(family: FamilyInfo, c1: unknown, c2: unknown): BucketSet<unknown> {
  return makeSet(
    family,
    mergeKeys(family, readItems(family, c1, false), readItems(family, c2, false), true),
  );
}

/**
 * The keys in both `c1` and `c2`, as a Set of the first collection's
 * family. `intersection(null, c2)` is `c2` itself, `intersection(c1, null)`
 * is `c1` itself.
 */
export function intersection<C extends CollectionBase<unknown>>(c1: C, c2: null): C;
export function intersection<C extends CollectionBase<unknown>>(c1: null, c2: C): C;
export function intersection<K>(c1: CollectionBase<K>, c2: KeySource<K>): BucketSet<K>;
export function intersection<K>(c1: KeySource<K>, c2: CollectionBase<K>): BucketSet<K>;
export function intersection(c1: null, c2: null): null;
export function intersection(c1: unknown, c2: unknown): unknown {
  if (c1 === null || c1 === undefined) return c2 ?? null;
  if (c2 === null || c2 === undefined) return c1;
  return intersectionIn(familyOf('intersection', c1, c2), c1, c2);
}

/** {@link intersection} with the result in `family`. @internal */
export function intersectionIn(family: FamilyInfo, c1: unknown, c2: unknown): BucketSet<unknown> {
  return makeSet(
    family,
    mergeKeys(family, readItems(family, c1, false), readItems(family, c2, false), false),
  );
}

/** The sorted union (`all`) or intersection of the keys of two sorted inputs. */
function mergeKeys(family: FamilyInfo, a: SortedItems, b: SortedItems, all: boolean): unknown[] {
  const compare = family.keyType.compare;
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length && j < b.keys.length) {
    const c = compare(a.keys[i], b.keys[j]);
    if (c === 0) {
      out.push(a.keys[i]);
      i++;
      j++;
    } else if (c < 0) {
      if (all) out.push(a.keys[i]);
      i++;
    } else {
      if (all) out.push(b.keys[j]);
      j++;
    }
  }
  if (all) {
    for (; i < a.keys.length; i++) out.push(a.keys[i]);
    for (; j < b.keys.length; j++) out.push(b.keys[j]);
  }
  return out;
}
