/**
 * `weightedUnion` and `weightedIntersection`, for the families with integer
 * or float values (`II`, `IF`, `LL`, `LF`, `OI`, `OL`), with ZODB's result
 * types and `null` rules.
 *
 * A key's value in an input is its value in a mapping, 1 in a set (0 when
 * absent, for the union). Results combine them as `v1 * w1 + v2 * w2`.
 * In integer-valued families the weights must be integers and the results
 * must fit the value type (TypeError / RangeError otherwise).
 *
 * @module
 */

import type { Bucket } from './bucket.js';
import type { BucketSet } from './bucket-set.js';
import type { FamilyInfo } from './family-info.js';
import type { MappingBase } from './mapping-base.js';
import type { SetBase } from './set-base.js';
import { familyOf, intersectionIn, unionIn } from './set-operations.js';
import type { SortedItems } from './sorted-items.js';
import { isMapping, makeBucket, readItems } from './sorted-items.js';

/** An input of the weighted operations: a numeric-valued mapping or a set. */
export type WeightedInput<K> = MappingBase<K, number> | SetBase<K>;

/** `[weight, result]`, as ZODB returns it. */
export type WeightedResult<K> = [
  number,
  Bucket<K, number> | BucketSet<K> | WeightedInput<K> | null,
];

function checkFamily(family: FamilyInfo, operation: string): void {
  if (!family.valueType.numeric) {
    throw new TypeError(
      `${operation}: the ${family.name} family has no numeric values (use II, IF, LL, LF, OI or OL)`,
    );
  }
}

function checkWeight(family: FamilyInfo, weight: unknown, operation: string): number {
  const type = family.valueType;
  if (typeof weight !== 'number' || (type.integer && !Number.isInteger(weight))) {
    throw new TypeError(
      `${operation}: weights of the ${family.name} family must be ${type.integer ? 'integers' : 'numbers'}, got ${String(weight)}`,
    );
  }
  return weight;
}

/**
 * Weighted union of `c1` and `c2`: `[0, null]` when both are null,
 * `[w2, c2]` or `[w1, c1]` when one is null, `[1, set union]` when both are
 * sets, else `[1, Bucket]` of every key of either, valued `v1*w1 + v2*w2`.
 */
export function weightedUnion<K>(
  c1: WeightedInput<K> | null,
  c2: WeightedInput<K> | null,
  w1 = 1,
  w2 = 1,
): WeightedResult<K> {
  if (c1 === null && c2 === null) return [0, null];
  const family = familyOf('weightedUnion', c1, c2);
  return weightedUnionIn(family, c1, c2, w1, w2) as WeightedResult<K>;
}

/** {@link weightedUnion} in `family`. @internal */
export function weightedUnionIn(
  family: FamilyInfo,
  c1: unknown,
  c2: unknown,
  w1: number,
  w2: number,
): [number, unknown] {
  checkFamily(family, 'weightedUnion');
  checkWeight(family, w1, 'weightedUnion');
  checkWeight(family, w2, 'weightedUnion');
  if (c1 === null || c1 === undefined)
    return c2 === null || c2 === undefined ? [0, null] : [w2, c2];
  if (c2 === null || c2 === undefined) return [w1, c1];
  if (!isMapping(c1) && !isMapping(c2)) return [1, unionIn(family, c1, c2)];
  return [
    1,
    combine(family, readItems(family, c1, true), readItems(family, c2, true), w1, w2, true),
  ];
}

/**
 * Weighted intersection of `c1` and `c2`: `[0, null]` when both are null,
 * `[w2, c2]` or `[w1, c1]` when one is null, `[w1 + w2, set intersection]`
 * when both are sets, else `[1, Bucket]` of the keys in both, valued
 * `v1*w1 + v2*w2`.
 */
export function weightedIntersection<K>(
  c1: WeightedInput<K> | null,
  c2: WeightedInput<K> | null,
  w1 = 1,
  w2 = 1,
): WeightedResult<K> {
  if (c1 === null && c2 === null) return [0, null];
  const family = familyOf('weightedIntersection', c1, c2);
  return weightedIntersectionIn(family, c1, c2, w1, w2) as WeightedResult<K>;
}

/** {@link weightedIntersection} in `family`. @internal */
export function weightedIntersectionIn(
  family: FamilyInfo,
  c1: unknown,
  c2: unknown,
  w1: number,
  w2: number,
): [number, unknown] {
  checkFamily(family, 'weightedIntersection');
  checkWeight(family, w1, 'weightedIntersection');
  checkWeight(family, w2, 'weightedIntersection');
  if (c1 === null || c1 === undefined)
    return c2 === null || c2 === undefined ? [0, null] : [w2, c2];
  if (c2 === null || c2 === undefined) return [w1, c1];
  if (!isMapping(c1) && !isMapping(c2)) return [w1 + w2, intersectionIn(family, c1, c2)];
  return [
    1,
    combine(family, readItems(family, c1, true), readItems(family, c2, true), w1, w2, false),
  ];
}

/** Merges two sorted inputs into a Bucket valued `v1*w1 + v2*w2`; `all` keeps keys in only one input. */
function combine(
  family: FamilyInfo,
  a: SortedItems,
  b: SortedItems,
  w1: number,
  w2: number,
  all: boolean,
): Bucket<unknown, unknown> {
  const compare = family.keyType.compare;
  const valueOf = (items: SortedItems, i: number): number =>
    items.values === null ? 1 : (items.values[i] as number);
  const keys: unknown[] = [];
  const values: number[] = [];
  const push = (key: unknown, value: number): void => {
    if (!family.valueType.accepts(value))
      throw family.valueType.rejection(value, `weighted ${family.name} result value`);
    keys.push(key);
    values.push(value);
  };
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const c = i >= a.keys.length ? 1 : j >= b.keys.length ? -1 : compare(a.keys[i], b.keys[j]);
    if (c === 0) push(a.keys[i], valueOf(a, i++) * w1 + valueOf(b, j++) * w2);
    else if (c < 0) {
      if (all) push(a.keys[i], valueOf(a, i) * w1);
      i++;
    } else {
      if (all) push(b.keys[j], valueOf(b, j) * w2);
      j++;
    }
  }
  return makeBucket(family, keys, values);
}
