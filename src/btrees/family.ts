/**
 * Families: the four classes of one key/value type pair, wired to their
 * types, node sizes and stable names, with the family's module functions.
 *
 * @module
 */

import { registerClass } from '../serialize/class-registry.js';
import type { BucketSet } from './bucket-set.js';
import type { CollectionBase } from './collection-base.js';
import type { DataType, DataTypeLetter } from './data-types.js';
import type { FamilyInfo, FamilyName } from './family-info.js';
import { multiunionIn } from './multiunion.js';
import { NODE_SIZES } from './node-sizes.js';
import type { Bucket } from './bucket.js';
import type { MappingBase } from './mapping-base.js';
import type { KeySource } from './sorted-items.js';
import { differenceIn, intersectionIn, unionIn } from './set-operations.js';
import type { weightedIntersection, weightedUnion } from './weighted-operations.js';
import { weightedIntersectionIn, weightedUnionIn } from './weighted-operations.js';

/**
 * The module functions every family has. Unlike the top-level functions,
 * they also accept plain iterables of keys for both arguments, and their
 * results are always of this family.
 */
export interface FamilyOperations {
  /** See the top-level `difference`. */
  difference<C extends CollectionBase<unknown>>(c1: C, c2: null): C;
  difference<K, V>(c1: MappingBase<K, V>, c2: KeySource<K>): Bucket<K, V>;
  difference<K>(c1: KeySource<K>, c2: KeySource<K>): BucketSet<K>;
  difference(c1: null, c2: unknown): null;
  /** See the top-level `union`. */
  union<C extends CollectionBase<unknown>>(c1: C, c2: null): C;
  union<C extends CollectionBase<unknown>>(c1: null, c2: C): C;
  union<K>(c1: KeySource<K>, c2: KeySource<K>): BucketSet<K>;
  union(c1: null, c2: null): null;
  /** See the top-level `intersection`. */
  intersection<C extends CollectionBase<unknown>>(c1: C, c2: null): C;
  intersection<C extends CollectionBase<unknown>>(c1: null, c2: C): C;
  intersection<K>(c1: KeySource<K>, c2: KeySource<K>): BucketSet<K>;
  intersection(c1: null, c2: null): null;
}

/** The functions of families with integer or float values. */
export interface WeightedOperations {
  /** See {@link weightedUnion}. */
  readonly weightedUnion: typeof weightedUnion;
  /** See {@link weightedIntersection}. */
  readonly weightedIntersection: typeof weightedIntersection;
}

/** The function of families with integer keys. */
export interface MultiunionOperation<K> {
  /**
   * The union of integer keys and collections (BTrees, Buckets, TreeSets,
   * Sets, iterables of keys) as a Set of this family, in one sort.
   */
  multiunion(items: Iterable<K | CollectionBase<K> | Iterable<K>>): BucketSet<K>;
}

/** A family: its classes, types, node sizes, and module functions. */
export interface BTreeFamily<BT, BU, TS, S> extends FamilyOperations {
  /** `'OO'`, `'II'`, ... */
  readonly name: FamilyName;
  /** Key type letter: `O`, `I` or `L`. */
  readonly keyType: DataTypeLetter;
  /** Value type letter: `O`, `I`, `L` or `F`. */
  readonly valueType: DataTypeLetter;
  /** Keys per bucket before a split. */
  readonly maxLeafSize: number;
  /** Children per internal node before a split. */
  readonly maxInternalSize: number;
  readonly BTree: BT;
  readonly Bucket: BU;
  readonly TreeSet: TS;
  readonly Set: S;
}

/** The classes of a family, as `defineFamily` receives them. */
export interface FamilyClasses<BT, BU, TS, S> {
  readonly BTree: BT;
  readonly Bucket: BU;
  readonly TreeSet: TS;
  readonly Set: S;
}

/** A class of a family (checked loosely: the generic subclasses differ in their type parameters). */
type AnyClass = abstract new (...args: never[]) => object;

function isNone(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

function setOnPrototype(cls: { prototype: object }, fields: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(fields)) {
    Object.defineProperty(cls.prototype, name, {
      value,
      writable: false,
      enumerable: false,
      configurable: true,
    });
  }
}

/**
 * Wires the four classes of family `name` to their key and value types and
 * node sizes, registers them as `BTrees.<name>BTree.<name>BTree`,
 * `...<name>Bucket`, `...<name>TreeSet`, `...<name>Set` (ZODB's names), and
 * returns the family object.
 *
 * @internal
 */
export function defineFamily<
  BT extends AnyClass,
  BU extends AnyClass,
  TS extends AnyClass,
  S extends AnyClass,
>(
  name: FamilyName,
  keyType: DataType,
  valueType: DataType,
  classes: FamilyClasses<BT, BU, TS, S>,
): BTreeFamily<BT, BU, TS, S> {
  const sizes = NODE_SIZES[name];
  const info: FamilyInfo = {
    name,
    keyType,
    valueType,
    ...sizes,
    BTree: classes.BTree as unknown as FamilyInfo['BTree'],
    Bucket: classes.Bucket as unknown as FamilyInfo['Bucket'],
    TreeSet: classes.TreeSet as unknown as FamilyInfo['TreeSet'],
    Set: classes.Set as unknown as FamilyInfo['Set'],
  };
  setOnPrototype(classes.Bucket, { _keyType: keyType, _valueType: valueType, _family: info });
  setOnPrototype(classes.Set, { _keyType: keyType, _valueType: null, _family: info });
  setOnPrototype(classes.BTree, {
    _keyType: keyType,
    _valueType: valueType,
    _family: info,
    _leafClass: classes.Bucket,
  });
  setOnPrototype(classes.TreeSet, {
    _keyType: keyType,
    _valueType: null,
    _family: info,
    _leafClass: classes.Set,
  });
  for (const tree of [classes.BTree, classes.TreeSet] as const) {
    Object.assign(tree, { maxLeafSize: sizes.maxLeafSize, maxInternalSize: sizes.maxInternalSize });
  }
  const module = `BTrees.${name}BTree`;
  registerClass(classes.BTree, `${module}.${name}BTree`);
  registerClass(classes.Bucket, `${module}.${name}Bucket`);
  registerClass(classes.TreeSet, `${module}.${name}TreeSet`);
  registerClass(classes.Set, `${module}.${name}Set`);
  return {
    name,
    keyType: keyType.letter,
    valueType: valueType.letter,
    ...sizes,
    ...classes,
    difference: ((c1: unknown, c2: unknown) =>
      isNone(c1)
        ? null
        : isNone(c2)
          ? c1
          : differenceIn(info, c1, c2)) as FamilyOperations['difference'],
    union: ((c1: unknown, c2: unknown) =>
      isNone(c1)
        ? (c2 ?? null)
        : isNone(c2)
          ? c1
          : unionIn(info, c1, c2)) as FamilyOperations['union'],
    intersection: ((c1: unknown, c2: unknown) =>
      isNone(c1)
        ? (c2 ?? null)
        : isNone(c2)
          ? c1
          : intersectionIn(info, c1, c2)) as FamilyOperations['intersection'],
  };
}

/** The weighted operations bound to the family of `family`'s classes. @internal */
export function weightedOperations(family: { BTree: { prototype: object } }): WeightedOperations {
  const info = (family.BTree.prototype as { _family: FamilyInfo })._family;
  return {
    weightedUnion: ((c1: unknown, c2: unknown, w1 = 1, w2 = 1) =>
      weightedUnionIn(info, c1, c2, w1, w2)) as typeof weightedUnion,
    weightedIntersection: ((c1: unknown, c2: unknown, w1 = 1, w2 = 1) =>
      weightedIntersectionIn(info, c1, c2, w1, w2)) as typeof weightedIntersection,
  };
}

/** `multiunion` bound to the family of `family`'s classes. @internal */
export function multiunionOperation<K>(family: {
  BTree: { prototype: object };
}): MultiunionOperation<K> {
  const info = (family.BTree.prototype as { _family: FamilyInfo })._family;
  return { multiunion: (items) => multiunionIn(info, items) as BucketSet<K> };
}
