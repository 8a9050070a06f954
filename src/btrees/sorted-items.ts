/**
 * Inputs and outputs of the set operations: collections or iterables read
 * into sorted arrays, and sorted arrays made into Buckets and Sets.
 *
 * @internal
 * @module
 */

import type { Bucket } from './bucket.js';
import type { BucketSet } from './bucket-set.js';
import { CollectionBase } from './collection-base.js';
import type { FamilyInfo } from './family-info.js';
import { MappingBase } from './mapping-base.js';
import { EntryIterator, KeyIterator } from './range-iterators.js';

/** Keys in strictly increasing order, with their values (null for a set). */
export interface SortedItems {
  readonly keys: unknown[];
  readonly values: unknown[] | null;
}

/** What the set operations accept besides collections of the family: any iterable of keys. */
export type KeySource<K> = CollectionBase<K> | Iterable<K>;

/** Whether `c` is a mapping (its items have values). */
export function isMapping(c: unknown): c is MappingBase<unknown, unknown> {
  return c instanceof MappingBase;
}

/**
 * Reads a collection or an iterable of keys. Collections of another family
 * and iterables have their keys (and values, with `withValues`) checked
 * against `family`; iterables are sorted and deduplicated.
 */
export function readItems(family: FamilyInfo, source: unknown, withValues: boolean): SortedItems {
  if (source instanceof CollectionBase)
    return readCollection(family, source, withValues && isMapping(source));
  if (
    source === null ||
    typeof (source as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(
      `${family.name} set operation: expected a BTree, Bucket, TreeSet, Set or iterable of keys, got ${String(source)}`,
    );
  }
  const keys: unknown[] = [];
  for (const key of source as Iterable<unknown>) {
    if (!family.keyType.accepts(key))
      throw family.keyType.rejection(key, `${family.name} set operation key`);
    keys.push(key);
  }
  keys.sort(family.keyType.compare);
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    if (n === 0 || family.keyType.compare(keys[n - 1], keys[i]) !== 0) keys[n++] = keys[i];
  }
  keys.length = n;
  return { keys, values: null };
}

function readCollection(
  family: FamilyInfo,
  source: CollectionBase<unknown>,
  withValues: boolean,
): SortedItems {
  const foreign = source._family !== (family as unknown);
  const keys: unknown[] = [];
  const range = source._resolve(undefined);
  if (!withValues) {
    for (const key of new KeyIterator<unknown>(range)) keys.push(key);
    if (foreign) checkAll(keys, family.keyType, `${family.name} set operation key`);
    return { keys, values: null };
  }
  const values: unknown[] = [];
  for (const [key, value] of new EntryIterator<unknown, unknown>(range)) {
    keys.push(key);
    values.push(value);
  }
  if (foreign) {
    checkAll(keys, family.keyType, `${family.name} set operation key`);
    checkAll(values, family.valueType, `${family.name} set operation value`);
  }
  return { keys, values };
}

function checkAll(items: unknown[], type: FamilyInfo['keyType'], owner: string): void {
  for (const item of items) if (!type.accepts(item)) throw type.rejection(item, owner);
}

/** A new Bucket of `family` holding sorted `keys` and their `values`. */
export function makeBucket(
  family: FamilyInfo,
  keys: unknown[],
  values: unknown[],
): Bucket<unknown, unknown> {
  const bucket = new family.Bucket();
  bucket._keys = family.keyType.storeFrom(keys)!;
  bucket._values = family.valueType.storeFrom(values)!;
  bucket._len = keys.length;
  return bucket;
}

/** A new Set of `family` holding sorted `keys`. */
export function makeSet(family: FamilyInfo, keys: unknown[]): BucketSet<unknown> {
  const set = new family.Set();
  set._keys = family.keyType.storeFrom(keys)!;
  set._len = keys.length;
  return set;
}
