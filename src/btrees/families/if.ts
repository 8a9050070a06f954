/**
 * The `IF` family: 32-bit signed integer keys and float values
 * (ZODB's `BTrees.IFBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { floatType, int32Type } from '../data-types.js';
import { defineFamily, weightedOperations, multiunionOperation } from '../family.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `IF` family: 32-bit signed integer keys, float values. */
export class IFBTree extends BTree<number, number> {}

/** A Bucket of the `IF` family (one record; the leaves of `IFBTree`). */
export class IFBucket extends Bucket<number, number> {}

/** A TreeSet of the `IF` family: a scalable sorted set of 32-bit signed integer keys. */
export class IFTreeSet extends TreeSet<number> {}

/** A Set of the `IF` family (one record; the leaves of `IFTreeSet`). */
export class IFSet extends BucketSet<number> {}

const family = defineFamily('IF', int32Type, floatType, {
  BTree: IFBTree,
  Bucket: IFBucket,
  TreeSet: IFTreeSet,
  Set: IFSet,
});

/** The `IF` family: its classes, node sizes, and `difference`, `union`, `intersection`, `weightedUnion`, `weightedIntersection`, `multiunion`. */
export const IF = {
  ...family,
  ...weightedOperations(family),
  ...multiunionOperation<number>(family),
};
