/**
 * The `II` family: 32-bit signed integer keys and 32-bit signed integer values
 * (ZODB's `BTrees.IIBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { int32Type } from '../data-types.js';
import { defineFamily, weightedOperations, multiunionOperation } from '../family.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `II` family: 32-bit signed integer keys, 32-bit signed integer values. */
export class IIBTree extends BTree<number, number> {}

/** A Bucket of the `II` family (one record; the leaves of `IIBTree`). */
export class IIBucket extends Bucket<number, number> {}

/** A TreeSet of the `II` family: a scalable sorted set of 32-bit signed integer keys. */
export class IITreeSet extends TreeSet<number> {}

/** A Set of the `II` family (one record; the leaves of `IITreeSet`). */
export class IISet extends BucketSet<number> {}

const family = defineFamily('II', int32Type, int32Type, {
  BTree: IIBTree,
  Bucket: IIBucket,
  TreeSet: IITreeSet,
  Set: IISet,
});

/** The `II` family: its classes, node sizes, and `difference`, `union`, `intersection`, `weightedUnion`, `weightedIntersection`, `multiunion`. */
export const II = {
  ...family,
  ...weightedOperations(family),
  ...multiunionOperation<number>(family),
};
